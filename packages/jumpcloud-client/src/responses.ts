// Turns openapi-fetch results into data or a JumpCloudApiError. Only strings and numbers cross into
// the error: never the Request (it carries x-api-key) or the Response.
import { JumpCloudApiError, type JumpCloudErrorKind } from "./errors.js";
import { scrubbedCopy, summarizeBody, type Redactor } from "./redact.js";
import { ATTEMPTS_HEADER } from "./transport.js";

export interface CallContext {
  api: "console" | "insights";
  orgId: string | null;
  redact: Redactor;
  signal?: AbortSignal | undefined;
}

export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** Runs one openapi-fetch call; resolves only for a 2xx, throws JumpCloudApiError otherwise. */
export async function call(operation: string, ctx: CallContext, run: () => Promise<FetchResult>): Promise<{ data: unknown; response: Response }> {
  let result: FetchResult;
  try {
    result = await run();
  } catch (err) {
    throw translateThrown(operation, ctx, err);
  }
  const { response } = result;
  if (!response.ok) throw errorFromResponse(operation, ctx, response, result.error);
  return { data: result.data, response };
}

function translateThrown(operation: string, ctx: CallContext, err: unknown): unknown {
  if (err instanceof JumpCloudApiError) return err;
  // The caller's own abort: hand its reason back untouched, as fetch does.
  if (ctx.signal?.aborted && err === ctx.signal.reason) return err;
  if (err instanceof DOMException && err.name === "AbortError") return err;
  if (err instanceof SyntaxError) {
    return invalidResponse(operation, ctx, "the response body is not valid JSON", err);
  }
  return new JumpCloudApiError({
    kind: "network",
    operation,
    status: null,
    message: ctx.redact(`${operation}: request failed (${err instanceof Error ? err.message : String(err)})`),
    cause: scrubbedCopy(err, ctx.redact),
  });
}

export function invalidResponse(operation: string, ctx: CallContext, what: string, cause?: unknown, status: number | null = 200): JumpCloudApiError {
  return new JumpCloudApiError({
    kind: "invalid-response",
    operation,
    status,
    message: ctx.redact(`${operation}: invalid response: ${what}`),
    ...(cause === undefined ? {} : { cause: scrubbedCopy(cause, ctx.redact) }),
  });
}

export function errorFromResponse(operation: string, ctx: CallContext, response: Response, body: unknown): JumpCloudApiError {
  const status = response.status;
  const kind = kindFor(status, ctx.api);
  const location = response.headers.get("location");
  const detail =
    status >= 300 && status < 400
      ? ctx.redact(`redirect to ${location ?? "(no Location)"} not followed: the API key is never sent to a redirect target`)
      : summarizeBody(body, ctx.redact);
  const attempts = Number(response.headers.get(ATTEMPTS_HEADER) ?? "1") || 1;
  const requestId = response.headers.get("x-request-id") ?? undefined;
  const hint = hintFor(kind, ctx, detail, attempts);
  const message = ctx.redact(
    `${operation}: HTTP ${status} (${kind})${detail ? `: ${detail}` : ""}${attempts > 1 ? ` after ${attempts} attempts` : ""}`,
  );
  return new JumpCloudApiError({
    kind,
    operation,
    status,
    message,
    attempts,
    ...(hint === undefined ? {} : { hint }),
    ...(detail === undefined ? {} : { detail }),
    ...(requestId === undefined ? {} : { requestId: ctx.redact(requestId) }),
  });
}

function kindFor(status: number, api: "console" | "insights"): JumpCloudErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 402) return api === "insights" ? "insights-not-enabled" : "bad-request";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "server";
  if (status >= 400) return "bad-request";
  // A 3xx: the transport never follows redirects (the key would travel to the Location's origin).
  return "invalid-response";
}

function hintFor(kind: JumpCloudErrorKind, ctx: CallContext, detail: string | undefined, attempts: number): string | undefined {
  switch (kind) {
    case "unauthorized": {
      const mentionsOrg = detail !== undefined && /multi-tenant|org(anization)?[ _-]?id/i.test(detail);
      if (ctx.orgId === null) {
        return mentionsOrg
          ? "JumpCloud says the x-org-id header is missing: this key belongs to a multi-tenant (MSP) administrator. Pass orgId (or use withOrg(orgId)) for org-scoped calls."
          : "Likely a bad, revoked or reset API key. If the key belongs to a multi-tenant (MSP) administrator, org-scoped calls also need x-org-id: pass orgId or use withOrg(orgId).";
      }
      return mentionsOrg
        ? "JumpCloud rejected the x-org-id for this key: check that the org is managed by this administrator."
        : "Likely a bad, revoked or reset API key (resetting a key in the console invalidates the old one); x-org-id was sent.";
    }
    case "forbidden":
      return ctx.api === "insights"
        ? "Directory Insights answers 403 to non-administrator roles (e.g. command runners)."
        : ctx.orgId !== null
          ? "The admin's role lacks this scope, or this route does not accept x-org-id."
          : "The admin's role lacks the scope this operation needs.";
    case "insights-not-enabled":
      return "Directory Insights is not enabled for this organization; event-based data is unavailable.";
    case "rate-limited":
      return `JumpCloud still answered 429 after ${attempts} attempt(s); lower rateLimit.requestsPerMinute / concurrency or retry later.`;
    case "not-found":
    case "bad-request":
    case "server":
    case "network":
    case "timeout":
    case "invalid-response":
      return undefined;
  }
}
