// The custom `fetch` beneath openapi-fetch's middleware stack: per-key rate limiting, per-attempt
// timeout, retries with backoff and Retry-After, request events. openapi-fetch deliberately has no
// retry; doing it here (not in middleware) means every attempt goes through the same limiter and
// sees the headers the middleware set.
import { JumpCloudApiError } from "./errors.js";
import { scrubbedCopy, type Redactor } from "./redact.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { ClientEvent, RequestBudget } from "./types.js";

/** Set by the middleware, read and removed here: never sent to JumpCloud. */
export const OPERATION_HEADER = "x-jcs-operation";
export const RETRY_POLICY_HEADER = "x-jcs-retry";
/** Added to the response handed back to openapi-fetch: how many attempts it took. */
export const ATTEMPTS_HEADER = "x-jcs-attempts";

/**
 * `safe`: may be sent again after it reached the server (reads, and read-only POSTs such as the
 * Directory Insights queries). `once`: an action, resent only if the connection was refused.
 */
export type RetryPolicy = "safe" | "once";

export interface TransportConfig {
  apiKey: string;
  limiter: RateLimiter;
  /** Shared beyond this process (replicas on one key); taken after the local limiter's slot. */
  budget?: RequestBudget | undefined;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
  fetch: typeof fetch;
  emit: (event: ClientEvent) => void;
  redact: Redactor;
  signal?: AbortSignal | undefined;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Errors raised before a byte of the request could reach the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const MAX_RETRY_AFTER_MS = 5 * 60_000;

type Failure = { kind: "network" | "timeout"; sent: boolean; error: unknown };

export function createTransport(cfg: TransportConfig): typeof fetch {
  return async function jumpCloudTransport(input: Request | string | URL, init?: RequestInit): Promise<Response> {
    const original = input instanceof Request && init === undefined ? input : new Request(input, init);
    const method = original.method.toUpperCase();
    const headers = new Headers(original.headers);
    const operation = headers.get(OPERATION_HEADER) ?? `${method} ${new URL(original.url).pathname}`;
    const declared = headers.get(RETRY_POLICY_HEADER);
    const policy: RetryPolicy = declared === "safe" || declared === "once" ? declared : IDEMPOTENT_METHODS.has(method) ? "safe" : "once";
    headers.delete(OPERATION_HEADER);
    headers.delete(RETRY_POLICY_HEADER);
    // The middleware set it already; re-asserting here means no middleware added later can swap it.
    headers.set("x-api-key", cfg.apiKey);
    // Read once so every attempt can resend the identical body.
    const body = original.body === null ? null : await original.arrayBuffer();
    // Plain controllers and listeners rather than AbortSignal.any/timeout: on Node 24 a composite
    // signal is only weakly linked to its sources, and after a garbage collection mid-request
    // neither the timeout nor the caller's abort reached the fetch any more.
    const outerController = new AbortController();
    const outer = outerController.signal;
    const sources = [original.signal, ...(cfg.signal ? [cfg.signal] : [])];
    const onSourceAbort = (event: Event): void => {
      if (!outer.aborted) outerController.abort((event.target as AbortSignal).reason);
    };
    for (const source of sources) {
      if (source.aborted) outerController.abort(source.reason);
      else source.addEventListener("abort", onSourceAbort, { once: true });
    }
    try {
      return await attempts();
    } finally {
      for (const source of sources) source.removeEventListener("abort", onSourceAbort);
    }

    async function attempts(): Promise<Response> {
      for (let attempt = 1; ; attempt++) {
        outer.throwIfAborted();
        const release = await cfg.limiter.acquire(outer);
        if (cfg.budget !== undefined) {
          try {
            await cfg.budget.take(outer);
          } catch (error) {
            release();
            throw error;
          }
        }
        const attemptController = new AbortController();
        const timeout = attemptController.signal;
        const onOuterAbort = (): void => attemptController.abort(outer.reason);
        outer.addEventListener("abort", onOuterAbort, { once: true });
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          attemptController.abort(new DOMException(`no response within ${cfg.timeoutMs} ms`, "TimeoutError"));
        }, cfg.timeoutMs);
        const started = performance.now();
        let response: Response | undefined;
        let failure: Failure | undefined;
        /** A 2xx whose body is not the JSON it claims to be (a connection cut mid-body, a proxy's page). */
        let malformed: { bytes: number; error: unknown } | undefined;
        // Never follow redirects: fetch forwards custom headers such as x-api-key to whatever origin
        // a Location points at. JumpCloud's API does not redirect; a 3xx surfaces as invalid-response.
        const request = new Request(original.url, { method, headers, body, redirect: "manual", signal: timeout });
        try {
          const res = await cfg.fetch(request);
          // Buffer inside the timeout so a stalled body is a timeout too (and retryable), not a hang later.
          const read = await buffered(res, method);
          response = read.response;
          // Parsed here, where the request can still be sent again: once openapi-fetch parses it, a
          // cut body is a dead end. Only for requests that are safe to repeat; an action's answer is
          // handed on as it came (and fails to parse there) rather than resent.
          if (policy === "safe" && response.ok && read.body !== null && read.body.byteLength > 0 && claimsJson(response)) {
            const parsed = parseJson(read.body);
            if (parsed.ok) servesParsed(response, parsed.value);
            else malformed = { bytes: read.body.byteLength, error: parsed.error };
          }
        } catch (error) {
          if (outer.aborted) {
            release();
            cfg.emit({ type: "request", operation, method, status: null, durationMs: elapsed(started), attempt });
            throw outer.reason;
          }
          failure = timedOut ? { kind: "timeout", sent: true, error } : { kind: "network", sent: !neverSent(error), error };
        } finally {
          clearTimeout(timer);
          outer.removeEventListener("abort", onOuterAbort);
          release();
          // A Request follows its signal only while the Request object lives (undici links them
          // weakly): keep it reachable until the attempt is over, or a garbage collection
          // mid-request silently disconnects the timeout and the caller's abort.
          keepAlive(request);
        }
        cfg.emit({ type: "request", operation, method, status: response?.status ?? null, durationMs: elapsed(started), attempt });

        const canRetry = attempt < cfg.maxAttempts;
        if (malformed !== undefined && response !== undefined) {
          // The same policy as a 502/503/504: backoff, bounded by maxAttempts.
          if (!canRetry) {
            throw new JumpCloudApiError({
              kind: "invalid-response",
              operation,
              status: response.status,
              message: cfg.redact(
                `${operation}: invalid response: HTTP ${response.status} with a body that is not valid JSON (${malformed.bytes} bytes; cut short?)${attempt > 1 ? ` after ${attempt} attempts` : ""}`,
              ),
              attempts: attempt,
              cause: scrubbedCopy(malformed.error, cfg.redact),
            });
          }
          const delayMs = backoff(attempt, cfg);
          cfg.emit({ type: "retry", operation, attempt, delayMs, reason: `malformed body (HTTP ${response.status}, ${malformed.bytes} bytes)` });
          await sleep(delayMs, outer);
          continue;
        }
        if (response !== undefined) {
          const retryable = RETRY_STATUSES.has(response.status);
          let delayMs: number | null = null;
          if (retryable) {
            const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
            if (response.status === 429) cfg.emit({ type: "rate-limited", operation, retryAfterMs });
            delayMs = retryAfterMs !== null ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoff(attempt, cfg);
            // Everyone on this key slows down, not just this request.
            if (response.status === 429) {
              cfg.limiter.pauseFor(delayMs);
              cfg.budget?.pauseFor(delayMs);
            }
          }
          if (!retryable || !canRetry || policy !== "safe" || delayMs === null) {
            response.headers.set(ATTEMPTS_HEADER, String(attempt));
            return response;
          }
          cfg.emit({ type: "retry", operation, attempt, delayMs, reason: `HTTP ${response.status}` });
          await sleep(delayMs, outer);
          continue;
        }

        const f = failure!;
        const mayRetry = canRetry && (policy === "safe" || !f.sent);
        if (!mayRetry) {
          const why =
            policy === "once" && f.sent
              ? " (not retried: the request may have reached JumpCloud and this operation is not safe to repeat)"
              : attempt > 1
                ? ` after ${attempt} attempts`
                : "";
          throw new JumpCloudApiError({
            kind: f.kind,
            operation,
            status: null,
            message: cfg.redact(
              f.kind === "timeout"
                ? `${operation}: no response within ${cfg.timeoutMs} ms${why}`
                : `${operation}: network error (${describeNetworkError(f.error)})${why}`,
            ),
            attempts: attempt,
            cause: scrubbedCopy(f.error, cfg.redact),
          });
        }
        const delayMs = backoff(attempt, cfg);
        cfg.emit({ type: "retry", operation, attempt, delayMs, reason: f.kind === "timeout" ? "timeout" : cfg.redact(`network: ${describeNetworkError(f.error)}`) });
        await sleep(delayMs, outer);
      }
    }
  };
}

function keepAlive(_value: unknown): void {}

async function buffered(res: Response, method: string): Promise<{ response: Response; body: ArrayBuffer | null }> {
  const noBody = method === "HEAD" || res.status === 204 || res.status === 304 || res.body === null;
  const buf = noBody ? null : await res.arrayBuffer();
  const headers = new Headers(res.headers);
  // The body is already decoded; these described the wire form.
  headers.delete("content-encoding");
  if (buf !== null) headers.set("content-length", String(buf.byteLength));
  return { response: new Response(buf, { status: res.status, statusText: res.statusText, headers }), body: buf };
}

/** JSON by its content type, or untyped (openapi-fetch parses every body as JSON either way). */
function claimsJson(response: Response): boolean {
  const type = response.headers.get("content-type");
  return type === null || /\bjson\b/iu.test(type);
}

const UTF8 = new TextDecoder("utf-8");

function parseJson(body: ArrayBuffer): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    // What Response#json() does: UTF-8, a BOM dropped, then JSON.parse.
    return { ok: true, value: JSON.parse(UTF8.decode(body)) as unknown };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * openapi-fetch reads the body with `response.json()`: hand it the value already parsed, so a page
 * of 10 000 Directory Insights events is not parsed twice. `text()`/`arrayBuffer()` still read the
 * buffered bytes.
 */
function servesParsed(response: Response, value: unknown): void {
  Object.defineProperty(response, "json", { value: () => Promise.resolve(value), configurable: true });
}

/** Exponential with "equal jitter": never less than half the step, so a 429 always backs off. */
export function backoff(attempt: number, cfg: { baseDelayMs: number; maxDelayMs: number }): number {
  const step = Math.min(cfg.maxDelayMs, cfg.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** `Retry-After`: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function neverSent(error: unknown): boolean {
  const codes = new Set<string>();
  collectCodes(error, codes, 0);
  return codes.size > 0 && [...codes].every((c) => NOT_SENT_CODES.has(c));
}

function collectCodes(error: unknown, into: Set<string>, depth: number): void {
  if (!(error instanceof Error) || depth > 4) return;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") into.add(code);
  if (error instanceof AggregateError) for (const e of error.errors) collectCodes(e, into, depth + 1);
  collectCodes(error.cause, into, depth + 1);
}

function describeNetworkError(error: unknown): string {
  const codes = new Set<string>();
  collectCodes(error, codes, 0);
  if (codes.size > 0) return [...codes].join(", ");
  return error instanceof Error ? error.message : "unknown";
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
