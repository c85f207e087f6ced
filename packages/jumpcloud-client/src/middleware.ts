import type { Middleware } from "openapi-fetch";
import { OPERATION_HEADER, RETRY_POLICY_HEADER, type RetryPolicy } from "./transport.js";

/**
 * Operations that are not GET but only read, so the transport may resend them after they reached
 * the server. Everything else that is not GET/HEAD/OPTIONS is sent once (see transport.ts).
 */
const READ_ONLY_POSTS: Readonly<Record<"console" | "insights", ReadonlySet<string>>> = {
  insights: new Set(["/events", "/events/count", "/events/distinct", "/events/interval"]),
  // The v1 search endpoints only read; they are POSTs because the filter travels in the body.
  console: new Set(["/api/search/systemusers", "/api/search/systems", "/api/search/organizations", "/api/search/commands", "/api/search/commandresults"]),
};

export function retryPolicyFor(api: "console" | "insights", method: string, schemaPath: string): RetryPolicy {
  const m = method.toUpperCase();
  if (m === "GET" || m === "HEAD" || m === "OPTIONS") return "safe";
  return m === "POST" && READ_ONLY_POSTS[api].has(schemaPath) ? "safe" : "once";
}

/**
 * Routes whose spec declares no `x-org-id`: the MSP's own view of its organizations. Sending one
 * there risks JumpCloud's 403 "ID included on unsupported route", so org-scoped clients omit it.
 */
const ROUTES_WITHOUT_ORG_HEADER: ReadonlySet<string> = new Set(["/api/organizations", "/api/organizations/{id}"]);

/**
 * Auth and org scoping. The key always replaces whatever a caller put in `x-api-key`. With an
 * `orgId` the client's org replaces a caller's `x-org-id`; without one, a caller may send its own
 * (Directory Insights accepts several `x-org-id` headers for an MSP).
 */
export function authMiddleware(opts: { api: "console" | "insights"; apiKey: string; orgId: string | null }): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      const h = request.headers;
      h.set("x-api-key", opts.apiKey);
      if (opts.orgId !== null && !(opts.api === "console" && ROUTES_WITHOUT_ORG_HEADER.has(schemaPath))) h.set("x-org-id", opts.orgId);
      if (!h.has("accept")) h.set("accept", "application/json");
      if (!h.has(OPERATION_HEADER)) h.set(OPERATION_HEADER, `${request.method} ${schemaPath}`);
      // Always ours: a caller cannot opt an action into retries through a header.
      h.set(RETRY_POLICY_HEADER, retryPolicyFor(opts.api, request.method, schemaPath));
      return request;
    },
  };
}
