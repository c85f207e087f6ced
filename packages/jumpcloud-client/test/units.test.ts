import { describe, expect, it } from "vitest";
import { RateLimiter } from "../src/rate-limiter.js";
import { serializeV1Query, serializeV2Query } from "../src/serializers.js";
import { backoff, parseRetryAfter } from "../src/transport.js";
import { retryPolicyFor } from "../src/middleware.js";
import { createRedactor, scrubbedCopy } from "../src/redact.js";

describe("RateLimiter", () => {
  it("starts at most requestsPerMinute requests per rolling window", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 3, concurrency: 10, windowMs: 300 });
    const started: number[] = [];
    const t0 = Date.now();
    await Promise.all(
      [...Array(7)].map(async () => {
        const release = await limiter.acquire();
        started.push(Date.now() - t0);
        release();
      }),
    );
    started.sort((a, b) => a - b);
    expect(started.slice(0, 3).every((t) => t < 250)).toBe(true);
    expect(started.slice(3, 6).every((t) => t >= 295)).toBe(true);
    expect(started[6]).toBeGreaterThanOrEqual(595);
  });

  it("pauses everyone after a 429 and lets an aborted waiter leave the queue", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 100, concurrency: 1 });
    const hold = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    expect(limiter.waiting).toBe(1);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(limiter.waiting).toBe(0);
    hold();
    limiter.pauseFor(120);
    const t0 = Date.now();
    (await limiter.acquire())();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it("rejects nonsense settings", () => {
    expect(() => new RateLimiter({ requestsPerMinute: 0, concurrency: 1 })).toThrow(RangeError);
  });
});

describe("Retry-After and backoff", () => {
  it("parses delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it("grows exponentially with equal jitter, capped", () => {
    for (let i = 0; i < 50; i++) {
      const d1 = backoff(1, { baseDelayMs: 100, maxDelayMs: 1000 });
      const d4 = backoff(4, { baseDelayMs: 100, maxDelayMs: 1000 });
      const d9 = backoff(9, { baseDelayMs: 100, maxDelayMs: 1000 });
      expect(d1).toBeGreaterThanOrEqual(50);
      expect(d1).toBeLessThanOrEqual(100);
      expect(d4).toBeGreaterThanOrEqual(400);
      expect(d4).toBeLessThanOrEqual(800);
      expect(d9).toBeGreaterThanOrEqual(500);
      expect(d9).toBeLessThanOrEqual(1000);
    }
  });
});

describe("retry policy per operation", () => {
  it("reads are safe, DI queries are safe POSTs, actions are sent once", () => {
    expect(retryPolicyFor("console", "GET", "/api/systemusers")).toBe("safe");
    expect(retryPolicyFor("insights", "POST", "/events")).toBe("safe");
    expect(retryPolicyFor("insights", "POST", "/events/count")).toBe("safe");
    expect(retryPolicyFor("insights", "POST", "/reports")).toBe("once");
    expect(retryPolicyFor("console", "POST", "/api/systemusers")).toBe("once");
    expect(retryPolicyFor("console", "PUT", "/api/systemusers/{id}")).toBe("once");
    expect(retryPolicyFor("console", "DELETE", "/api/systemusers/{id}")).toBe("once");
  });
});

describe("query serializers", () => {
  it("v1 space-joins and brackets several filters", () => {
    expect(serializeV1Query({ limit: 100, skip: 0, sort: "_id", fields: ["a", "b"] }, ["x:$eq:1", "y:$in:a|b"])).toBe(
      "limit=100&skip=0&sort=_id&fields=a%20b&filter[0]=x%3A%24eq%3A1&filter[1]=y%3A%24in%3Aa%7Cb",
    );
    expect(serializeV1Query({ filter: "x:$eq:1" })).toBe("filter=x%3A%24eq%3A1");
  });

  it("v2 comma-joins arrays and escapes commas inside values", () => {
    expect(serializeV2Query({ fields: ["a", "b"], filter: ["name:eq:a,b"], skip: 0, empty: [], none: undefined })).toBe("fields=a,b&filter=name%3Aeq%3Aa%2Cb&skip=0");
  });
});

describe("redaction", () => {
  it("scrubs the secret from messages, stacks and nested causes", () => {
    const secret = "sk-very-secret";
    const inner = Object.assign(new Error(`socket for ${secret}`), { code: "ECONNRESET" });
    const copy = scrubbedCopy(new TypeError("fetch failed", { cause: new AggregateError([inner], `agg ${secret}`) }), createRedactor(secret));
    const text = JSON.stringify({ m: copy.message, s: copy.stack, c: String((copy.cause as Error).message), e: ((copy.cause as AggregateError & { errors: Error[] }).errors[0]!).message });
    expect(text).not.toContain(secret);
    expect(((copy.cause as { errors: { code: string }[] }).errors[0]!).code).toBe("ECONNRESET");
  });
});
