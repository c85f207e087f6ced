import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { createJumpCloudClient, JumpCloudApiError, type ClientEvent } from "../src/index.js";
import { FAST, json, sleep, startServer, testKey, type TestServer } from "./http-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const USER = { _id: "u1", id: "u1", username: "jdoe", email: "j@x.io" };
const DI_QUERY = { service: ["all" as const], start_time: "2026-11-01T00:00:00Z" };

/** Everything a caller could print about an error: message, props, stack, the whole cause chain. */
function everything(err: unknown): string {
  return [inspect(err, { depth: null, showHidden: true }), JSON.stringify(err), String(err), (err as Error).stack ?? ""].join("\n");
}

function setup(extra: Partial<Parameters<typeof createJumpCloudClient>[0]> = {}) {
  const apiKey = testKey();
  const events: ClientEvent[] = [];
  const jc = createJumpCloudClient({
    apiKey,
    consoleBaseUrl: server!.url,
    insightsBaseUrl: `${server!.url}/insights/directory/v1`,
    ...FAST,
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { apiKey, events, jc };
}

describe("retries", () => {
  it("honours Retry-After in seconds", async () => {
    server = await startServer((req, res) => (server!.requests.length === 1 ? json(res, 429, { message: "slow down" }, { "retry-after": "1" }) : json(res, 200, USER)));
    const { jc, events } = setup();
    const started = Date.now();
    expect((await jc.getUser("u1")).username).toBe("jdoe");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(events).toContainEqual({ type: "rate-limited", operation: "getUser", retryAfterMs: 1000 });
    expect(events).toContainEqual({ type: "retry", operation: "getUser", attempt: 1, delayMs: 1000, reason: "HTTP 429" });
  });

  it("honours Retry-After as an HTTP date", async () => {
    server = await startServer((req, res) =>
      server!.requests.length === 1 ? json(res, 503, {}, { "retry-after": new Date(Date.now() + 2000).toUTCString() }) : json(res, 200, USER),
    );
    const { jc, events } = setup();
    await jc.getUser("u1");
    const retry = events.find((e) => e.type === "retry");
    // HTTP dates have one-second resolution: the wait is ~1..2 s, never the 10..80 ms backoff.
    expect(retry).toMatchObject({ type: "retry", reason: "HTTP 503" });
    expect((retry as { delayMs: number }).delayMs).toBeGreaterThan(500);
  });

  it("backs off on a 429 without Retry-After, then surfaces rate-limited", async () => {
    server = await startServer((req, res) => json(res, 429, { message: "Too Many Requests" }));
    const { jc, events } = setup({ retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 1000 } });
    const started = Date.now();
    const err = await jc.getUser("u1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JumpCloudApiError);
    expect(err).toMatchObject({ kind: "rate-limited", status: 429, attempts: 3, operation: "getUser" });
    expect(server.requests).toHaveLength(3);
    const delays = events.filter((e) => e.type === "retry").map((e) => (e as { delayMs: number }).delayMs);
    // Equal jitter: attempt 1 waits 20..40 ms, attempt 2 40..80 ms.
    expect(delays[0]).toBeGreaterThanOrEqual(20);
    expect(delays[1]).toBeGreaterThanOrEqual(40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
    expect(events.filter((e) => e.type === "rate-limited")).toEqual(Array(3).fill({ type: "rate-limited", operation: "getUser", retryAfterMs: null }));
  });

  it("retries 502/503/504 and surfaces the last 5xx as server", async () => {
    const statuses = [502, 504, 503, 503];
    server = await startServer((req, res) => json(res, statuses[server!.requests.length - 1] ?? 500, { message: "upstream" }));
    const { jc, events } = setup();
    const err = await jc.getUser("u1").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "server", status: 503, attempts: 4, detail: "upstream" });
    expect(server.requests).toHaveLength(4);
    expect(events.filter((e) => e.type === "request").map((e) => (e as { status: number }).status)).toEqual([502, 504, 503, 503]);
  });

  it("does not retry a 500 (not in the retry set)", async () => {
    server = await startServer((req, res) => json(res, 500, { message: "boom" }));
    const { jc } = setup();
    await expect(jc.getUser("u1")).rejects.toMatchObject({ kind: "server", status: 500, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("does not retry an action's 503 (it may have been processed)", async () => {
    server = await startServer((req, res) => json(res, 503, {}));
    const { jc } = setup();
    await expect(jc.createUser({ username: "a", email: "a@x.io" })).rejects.toMatchObject({ kind: "server", status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it("never resends a POST action after a connection reset", async () => {
    server = await startServer((req, res) => {
      res.socket?.destroy();
    });
    const { jc, events } = setup();
    const err = await jc.createUser({ username: "a", email: "a@x.io" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "network", operation: "createUser", status: null, attempts: 1 });
    expect((err as Error).message).toContain("not retried");
    expect(server.requests).toHaveLength(1);
    expect(events.filter((e) => e.type === "retry")).toEqual([]);
    // Same for DELETE and PUT.
    await expect(jc.deleteUser("u1")).rejects.toMatchObject({ kind: "network" });
    await expect(jc.updateUser("u1", { firstname: "x" })).rejects.toMatchObject({ kind: "network" });
    expect(server.requests).toHaveLength(3);
  });

  it("does resend the read-only Directory Insights POST after a reset (explicit per operation)", async () => {
    server = await startServer((req, res) => {
      if (server!.requests.length === 1) return void res.socket?.destroy();
      json(res, 200, [{ id: "e1" }], { "X-Result-Count": "1", "X-Limit": "10000", "X-Search_after": "[1,\"e1\"]" });
    });
    const { jc } = setup();
    const pages = [];
    for await (const p of jc.events(DI_QUERY)) pages.push(p);
    expect(pages).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
  });

  it("retries a GET after a reset", async () => {
    server = await startServer((req, res) => (server!.requests.length === 1 ? void res.socket?.destroy() : json(res, 200, USER)));
    const { jc, events } = setup();
    expect((await jc.getUser("u1")).id).toBe("u1");
    expect(events.find((e) => e.type === "retry")).toMatchObject({ attempt: 1, reason: expect.stringMatching(/^network/) as unknown });
  });

  /** A 200 whose JSON is cut in half, as a connection dropped mid-body leaves it (content-length matches). */
  function truncated(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    const half = Buffer.from(text).subarray(0, Math.floor(Buffer.byteLength(text) / 2));
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": String(half.length), ...headers });
    res.end(half);
  }

  it("retries a GET whose 200 body is truncated JSON, with backoff, until a whole one arrives", async () => {
    const groups = Array.from({ length: 3 }, (_, i) => ({ id: `g${i}`, name: `Group ${i}`, type: "user_group" }));
    server = await startServer((req, res) => (server!.requests.length <= 2 ? truncated(res, groups, { "x-total-count": "3" }) : json(res, 200, groups, { "x-total-count": "3" })));
    const { jc, events } = setup();
    const rows = [];
    for await (const g of jc.listUserGroups()) rows.push(g);
    expect(rows.map((g) => g.id)).toEqual(["g0", "g1", "g2"]);
    expect(server.requests).toHaveLength(3);
    const retries = events.filter((e) => e.type === "retry");
    expect(retries).toHaveLength(2);
    expect(retries[0]).toMatchObject({ operation: "listUserGroups", attempt: 1, reason: expect.stringMatching(/^malformed body \(HTTP 200, \d+ bytes\)$/u) as unknown });
    // Equal jitter, as for a 503: attempt 1 waits 10..20 ms, attempt 2 20..40 ms.
    expect((retries[0] as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(10);
    expect((retries[1] as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(20);
  });

  it("retries the read-only Directory Insights POST on a truncated body, resending the identical query", async () => {
    server = await startServer((req, res) => {
      const page = [{ id: "e1", event_type: "user_login_attempt" }];
      const headers = { "X-Result-Count": "1", "X-Limit": "10000", "X-Search_after": '[1,"e1"]' };
      return server!.requests.length === 1 ? truncated(res, page, headers) : json(res, 200, page, headers);
    });
    const { jc } = setup();
    const pages = [];
    for await (const p of jc.events(DI_QUERY)) pages.push(p);
    expect(pages.flatMap((p) => p.events)).toEqual([{ id: "e1", event_type: "user_login_attempt" }]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toBe(server.requests[0]!.body);
  });

  it("fails only after the bound, with a clear invalid-response error", async () => {
    server = await startServer((req, res) => truncated(res, USER));
    const { jc, events } = setup();
    const err = await jc.getUser("u1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JumpCloudApiError);
    expect(err).toMatchObject({ kind: "invalid-response", operation: "getUser", status: 200, attempts: 4 });
    expect((err as Error).message).toMatch(/^getUser: invalid response: HTTP 200 with a body that is not valid JSON \(\d+ bytes; cut short\?\) after 4 attempts$/u);
    expect(server.requests).toHaveLength(FAST.retry.maxAttempts);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(FAST.retry.maxAttempts - 1);
  });

  it("never resends an action whose 200 body is truncated (it was applied)", async () => {
    server = await startServer((req, res) => truncated(res, USER));
    const { jc, events } = setup();
    await expect(jc.createUser({ username: "a", email: "a@x.io" })).rejects.toMatchObject({ kind: "invalid-response", operation: "createUser", status: 200 });
    expect(server.requests).toHaveLength(1);
    expect(events.filter((e) => e.type === "retry")).toEqual([]);
  });

  it("a whole JSON body is parsed once and reaches the caller unchanged", async () => {
    server = await startServer((req, res) => json(res, 200, { ...USER, displayname: "Zoë \u2013 ✓" }));
    const { jc, events } = setup();
    expect(await jc.getUser("u1")).toMatchObject({ id: "u1", displayname: "Zoë \u2013 ✓" });
    expect(events.filter((e) => e.type === "retry")).toEqual([]);
  });

  it("retries even an action when the connection was refused (it never left)", async () => {
    server = await startServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const events: ClientEvent[] = [];
    const jc = createJumpCloudClient({ apiKey: testKey(), consoleBaseUrl: url, ...FAST, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 }, onEvent: (e) => events.push(e) });
    const err = await jc.createUser({ username: "a", email: "a@x.io" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "network", attempts: 2 });
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
  });
});

describe("timeouts", () => {
  it("times out each attempt, retries a GET, then surfaces timeout", async () => {
    server = await startServer(async (req, res) => {
      await sleep(3000);
      json(res, 200, USER);
    });
    const { jc, events } = setup({ timeoutMs: 80, retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 } });
    const started = Date.now();
    const err = await jc.getUser("u1").catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "timeout", status: null, attempts: 2, operation: "getUser" });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(events.filter((e) => e.type === "request").map((e) => (e as { status: unknown }).status)).toEqual([null, null]);
  });

  it("a stalled body is a timeout too", async () => {
    server = await startServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"totalCount": 1, "results": [');
    });
    const { jc } = setup({ timeoutMs: 100, retry: { maxAttempts: 1 } });
    await expect(jc.getUser("u1")).rejects.toMatchObject({ kind: "timeout" });
  });

  it("the timeout and the caller's abort survive a garbage collection mid-request", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    server = await startServer(async (req, res) => {
      await sleep(4000);
      json(res, 200, USER);
    });
    const { jc } = setup({ timeoutMs: 400, retry: { maxAttempts: 1 } });
    let started = Date.now();
    const pending = jc.getUser("u1").catch((e: unknown) => e);
    await sleep(100);
    gc();
    expect(await pending).toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(2500);

    const controller = new AbortController();
    const { jc: abortable } = setup({ signal: controller.signal, timeoutMs: 30_000 });
    started = Date.now();
    const aborted = abortable.getUser("u1").catch((e: unknown) => e);
    await sleep(100);
    gc();
    controller.abort(new Error("shutting down"));
    expect(await aborted).toMatchObject({ message: "shutting down" });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it("the caller's abort signal stops a request and is rethrown as is", async () => {
    server = await startServer(async (req, res) => {
      await sleep(300);
      json(res, 200, USER);
    });
    const controller = new AbortController();
    const { jc } = setup({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error("shutting down")), 30);
    await expect(jc.withOrg("o2").getUser("u1")).rejects.toThrow("shutting down");
  });
});

describe("auth, org and secrecy", () => {
  it("sends x-api-key and x-org-id; withOrg switches the org, withOrg(null) drops it", async () => {
    server = await startServer((req, res) => json(res, 200, USER));
    const { jc, apiKey } = setup({ orgId: "org-a" });
    await jc.getUser("u1");
    await jc.withOrg("org-b").getUser("u1");
    await jc.withOrg(null).getUser("u1");
    expect(server.requests.map((r) => [r.headers["x-api-key"], r.headers["x-org-id"]])).toEqual([
      [apiKey, "org-a"],
      [apiKey, "org-b"],
      [apiKey, undefined],
    ]);
    expect(jc.orgId).toBe("org-a");
    expect(jc.withOrg("org-b").orgId).toBe("org-b");
    expect(server.requests[0]!.headers.accept).toBe("application/json");
    // Internal headers never reach the wire.
    expect(Object.keys(server.requests[0]!.headers).filter((h) => h.startsWith("x-jcs"))).toEqual([]);
  });

  it("a caller cannot override the key (raw clients included) or the client's org", async () => {
    server = await startServer((req, res) =>
      req.url.pathname.startsWith("/insights") ? json(res, 200, [], { "X-Result-Count": "0", "X-Limit": "10" }) : json(res, 200, { totalCount: 0, results: [] }),
    );
    const { jc, apiKey } = setup({ orgId: "org-a" });
    await jc.console.GET("/api/systemusers", { headers: { "x-api-key": "evil-key", "X-API-KEY": "evil-2", "x-org-id": "org-evil" } });
    await jc.insights.POST("/events", { body: DI_QUERY, headers: { "X-Api-Key": "evil-key" } });
    const evil = jc.console;
    evil.use({ onRequest: ({ request }) => void request.headers.set("x-api-key", "late-middleware-key") });
    await evil.GET("/api/systemusers");
    for (const r of server.requests) {
      expect(r.headers["x-api-key"]).toBe(apiKey);
      expect(r.rawHeaders.filter((h) => h.toLowerCase() === "x-api-key")).toHaveLength(1);
    }
    expect(server.requests[0]!.headers["x-org-id"]).toBe("org-a");
  });

  it("surfaces 401 without the key anywhere, with a hint about x-org-id when no org was given", async () => {
    server = await startServer((req, res) =>
      // A hostile server that echoes the key back: it must still not surface.
      json(res, 401, { message: `invalid key ${String(req.headers["x-api-key"])}` }, { "x-request-id": "req-123" }),
    );
    const { jc, apiKey, events } = setup();
    const err = await jc.getUser("u1").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JumpCloudApiError);
    expect(err).toMatchObject({ kind: "unauthorized", status: 401, operation: "getUser", requestId: "req-123" });
    expect((err as JumpCloudApiError).hint).toMatch(/x-org-id/);
    expect((err as JumpCloudApiError).detail).toContain("[redacted]");
    expect(everything(err)).not.toContain(apiKey);
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ name: "JumpCloudApiError", kind: "unauthorized", status: 401, message: expect.stringContaining("HTTP 401") as unknown });
    expect(JSON.stringify(events)).not.toContain(apiKey);
    expect(server.requests).toHaveLength(1);

    const scoped = await jc.withOrg("org-1").listUsers()[Symbol.asyncIterator]().next().catch((e: unknown) => e);
    expect(scoped).toMatchObject({ kind: "unauthorized" });
    expect((scoped as JumpCloudApiError).hint).toMatch(/bad, revoked or reset API key/);
    expect(everything(scoped)).not.toContain(apiKey);
    expect(inspect(jc, { depth: null, showHidden: true })).not.toContain(apiKey);
  });

  it("the multi-tenant 401 hint is specific when JumpCloud says so", async () => {
    server = await startServer((req, res) => json(res, 401, { message: "ID not included for multi-tenant admin" }));
    const { jc } = setup();
    const err = (await jc.getUser("u1").catch((e: unknown) => e)) as JumpCloudApiError;
    expect(err.hint).toMatch(/multi-tenant .*withOrg/);
  });

  it("network, timeout and invalid-response errors carry no key in their cause chain", async () => {
    const { apiKey: key, jc: refused } = (() => {
      const apiKey = testKey();
      return { apiKey, jc: createJumpCloudClient({ apiKey, consoleBaseUrl: "http://127.0.0.1:9", ...FAST, retry: { maxAttempts: 1 } }) };
    })();
    const netErr = await refused.getUser("u1").catch((e: unknown) => e);
    expect(netErr).toMatchObject({ kind: "network" });
    expect((netErr as Error).cause).toBeDefined();
    expect(everything(netErr)).not.toContain(key);

    server = await startServer(async (req, res) => {
      if (req.url.pathname.endsWith("slow")) {
        await sleep(300);
        return json(res, 200, USER);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"oops": "${String(req.headers["x-api-key"])}`);
    });
    const { jc, apiKey } = setup({ timeoutMs: 50, retry: { maxAttempts: 1 } });
    const timeoutErr = await jc.getUser("slow").catch((e: unknown) => e);
    expect(timeoutErr).toMatchObject({ kind: "timeout" });
    expect(everything(timeoutErr)).not.toContain(apiKey);
    // A generous timeout here: a 50 ms one can expire on a loaded machine before the bad body arrives.
    const { jc: patient, apiKey: patientKey } = setup({ timeoutMs: 10_000, retry: { maxAttempts: 1 } });
    const badJson = await patient.getUser("u1").catch((e: unknown) => e);
    expect(badJson).toMatchObject({ kind: "invalid-response", operation: "getUser" });
    expect(everything(badJson)).not.toContain(patientKey);
  });

  it("never follows a redirect (the key would go along to the Location's origin)", async () => {
    const elsewhere = await startServer((req, res) => json(res, 200, USER));
    try {
      server = await startServer((req, res) => {
        res.writeHead(302, { location: `${elsewhere.url}/api/systemusers/u1` });
        res.end();
      });
      const { jc } = setup();
      const err = await jc.getUser("u1").catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "invalid-response", status: 302 });
      expect((err as JumpCloudApiError).detail).toMatch(/not followed/);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it("maps 403 and 404", async () => {
    server = await startServer((req, res) => json(res, req.url.pathname.endsWith("gone") ? 404 : 403, { message: "nope" }));
    const { jc } = setup({ orgId: "o1" });
    await expect(jc.getUser("gone")).rejects.toMatchObject({ kind: "not-found", status: 404 });
    await expect(jc.getUser("u1")).rejects.toMatchObject({ kind: "forbidden", status: 403, hint: expect.stringMatching(/x-org-id/) as unknown });
  });
});

describe("rate limiter", () => {
  it("caps concurrency per key, shared by withOrg siblings and separately built clients", async () => {
    server = await startServer(async (req, res) => {
      await sleep(100);
      json(res, 200, USER);
    });
    const apiKey = testKey();
    const opts = { apiKey, consoleBaseUrl: server.url, ...FAST, rateLimit: { concurrency: 2, requestsPerMinute: 1000 } };
    const a = createJumpCloudClient(opts);
    const b = a.withOrg("org-b");
    const c = createJumpCloudClient({ apiKey, consoleBaseUrl: server.url, ...FAST });
    await Promise.all([...Array(4)].flatMap(() => [a.getUser("u1"), b.getUser("u1"), c.getUser("u1")]));
    expect(server.requests).toHaveLength(12);
    expect(server.maxInFlight).toBe(2);

    // Another key has its own budget.
    const other = createJumpCloudClient({ ...opts, apiKey: testKey(), rateLimit: { concurrency: 6 } });
    server.maxInFlight = 0;
    await Promise.all([...Array(6)].map(() => other.getUser("u1")));
    expect(server.maxInFlight).toBeGreaterThan(2);
  });
});

describe("events", () => {
  it("reports requests, pages, retries and 429s through onEvent, and a throwing hook changes nothing", async () => {
    server = await startServer((req, res) => {
      if (server!.requests.length === 1) return json(res, 429, {}, { "retry-after": "0" });
      json(res, 200, [{ id: "g1", type: "user_group" }], { "x-total-count": "1" });
    });
    const { jc, events } = setup();
    for await (const _ of jc.listUserGroups());
    expect(events.map((e) => e.type)).toEqual(["request", "rate-limited", "retry", "request", "page"]);
    expect(events[0]).toMatchObject({ type: "request", operation: "listUserGroups", method: "GET", status: 429, attempt: 1 });
    expect(events[3]).toMatchObject({ type: "request", status: 200, attempt: 2 });
    expect((events[3] as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(0);
    expect(events[4]).toEqual({ type: "page", operation: "listUserGroups", family: "v2", rows: 1 });

    const throwing = createJumpCloudClient({ apiKey: testKey(), consoleBaseUrl: server.url, ...FAST, onEvent: () => { throw new Error("hook bug"); } });
    expect((await throwing.console.GET("/api/v2/usergroups")).response.status).toBe(200);
  });

  it("names raw calls by method and schema path", async () => {
    server = await startServer((req, res) => json(res, 200, [], { "x-total-count": "0" }));
    const { jc, events } = setup();
    await jc.console.GET("/api/v2/usergroups/{group_id}/members", { params: { path: { group_id: "g1" } } });
    expect(events[0]).toMatchObject({ operation: "GET /api/v2/usergroups/{group_id}/members" });
  });
});

describe("injected fetch", () => {
  it("is the transport beneath the retry layer (each attempt goes through it)", async () => {
    server = await startServer((req, res) => (server!.requests.length === 1 ? json(res, 503, {}) : json(res, 200, USER)));
    const seen: string[] = [];
    const { jc } = setup({
      fetch: (input, init) => {
        seen.push(input instanceof Request ? `${input.method} ${new URL(input.url).pathname}` : String(input));
        return fetch(input, init);
      },
    });
    await jc.getUser("u1");
    expect(seen).toEqual(["GET /api/systemusers/u1", "GET /api/systemusers/u1"]);
  });
});

describe("regions and base URLs", () => {
  it("picks hosts by region and lets custom URLs win", () => {
    const key = testKey();
    const eu = createJumpCloudClient({ apiKey: key, region: "eu" });
    expect(inspect(eu)).toContain("https://console.eu.jumpcloud.com");
    expect(inspect(eu)).toContain("https://api.eu.jumpcloud.com/insights/directory/v1");
    expect(inspect(createJumpCloudClient({ apiKey: key, region: "in" }))).toContain("https://console.in.jumpcloud.com");
    const custom = createJumpCloudClient({ apiKey: key, region: "eu", consoleBaseUrl: "http://localhost:1234/", insightsBaseUrl: "http://di.local/v1" });
    expect(inspect(custom)).toContain("console: http://localhost:1234,");
    expect(inspect(custom)).toContain("insights: http://di.local/v1");
    expect(() => createJumpCloudClient({ apiKey: key, consoleBaseUrl: "not a url" })).toThrow();
    expect(() => createJumpCloudClient({ apiKey: "" })).toThrow(TypeError);
  });
});

describe("a shared request budget (replicas on one key)", () => {
  it("every attempt takes the budget before it is sent, and a 429's Retry-After is passed on to it", async () => {
    server = await startServer((req, res) => (server!.requests.length === 1 ? json(res, 429, { message: "slow down" }, { "retry-after": "1" }) : json(res, 200, USER)));
    const order: string[] = [];
    const pauses: number[] = [];
    const budget = {
      take: async (signal: AbortSignal) => {
        signal.throwIfAborted();
        order.push(`take before request ${server!.requests.length + 1}`);
        await sleep(5);
      },
      pauseFor: (ms: number) => pauses.push(ms),
    };
    const { jc } = setup({ budget });
    await jc.getUser("u1");
    expect(order).toEqual(["take before request 1", "take before request 2"]);
    expect(server.requests).toHaveLength(2);
    expect(pauses).toEqual([1000]);
  });

  it("a budget that refuses (the caller's abort) sends nothing and frees the local slot", async () => {
    server = await startServer((req, res) => json(res, 200, USER));
    const controller = new AbortController();
    const budget = {
      take: (signal: AbortSignal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true });
        }),
      pauseFor: () => undefined,
    };
    const { jc, apiKey } = setup({ budget, signal: controller.signal, rateLimit: { concurrency: 1 } });
    const pending = jc.getUser("u1");
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(pending).rejects.toThrow("stop");
    expect(server.requests).toHaveLength(0);
    // The key's only local slot was released: another client on the same key (same limiter) goes through.
    const other = createJumpCloudClient({ apiKey, consoleBaseUrl: server.url, insightsBaseUrl: `${server.url}/insights/directory/v1`, ...FAST });
    expect((await other.getUser("u1")).username).toBe("jdoe");
  });
});
