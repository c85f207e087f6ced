/**
 * A `fetch` for the JumpCloud client whose cancellation cannot be garbage-collected away.
 *
 * Why: the client composes its per-request signal with `AbortSignal.any([...])` and
 * `AbortSignal.timeout()`. On Node 24 such composite signals are only weakly linked to their
 * sources: after a garbage collection during a request, neither the client's timeout nor an abort
 * of its `signal` option reaches the fetch any more (reproduced: a 1 s timeout against a 5 s answer
 * completes after 5 s once `gc()` ran). Here every link is a plain listener or timer held by this
 * closure for as long as the request runs: the shutdown signal aborts the request in flight, and a
 * backstop timer just after the client's own timeout bounds every request, body included.
 */
export function heldAbortFetch(shutdown: AbortSignal, timeoutMs: number, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (shutdown.aborted) throw toError(shutdown.reason);
    const controller = new AbortController();
    const abort = (reason: unknown): void => {
      if (!controller.signal.aborted) controller.abort(reason);
    };
    const onShutdown = (): void => abort(shutdown.reason);
    const onRequestAbort = (): void => abort(request.signal.reason);
    shutdown.addEventListener("abort", onShutdown, { once: true });
    request.signal.addEventListener("abort", onRequestAbort, { once: true });
    // Slightly after the client's own timeout, which normally wins and classifies the failure.
    const timer = setTimeout(() => abort(new DOMException(`no response within ${timeoutMs} ms`, "TimeoutError")), timeoutMs + 250);
    try {
      const response = await inner(request, { signal: controller.signal });
      // Read the body under the same guard: a stalled body must not outlive the timeout either.
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } finally {
      clearTimeout(timer);
      shutdown.removeEventListener("abort", onShutdown);
      request.signal.removeEventListener("abort", onRequestAbort);
    }
  };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
