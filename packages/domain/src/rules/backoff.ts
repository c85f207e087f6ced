/** When a failing scope+stream may be tried again: exponential, capped, so a revoked key is not hammered. */
export interface FailureBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_FAILURE_BACKOFF: FailureBackoff = { baseMs: 60_000, maxMs: 6 * 3_600_000 };

export function nextAttemptAfterFailure(consecutiveFailures: number, now: Date, backoff: FailureBackoff = DEFAULT_FAILURE_BACKOFF): Date {
  const exp = Math.max(0, consecutiveFailures - 1);
  const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exp, 30));
  return new Date(now.getTime() + delay);
}

/** After this many failures in a row a scope shows "needs attention" even for transient errors. */
export const ATTENTION_AFTER_FAILURES = 3;
