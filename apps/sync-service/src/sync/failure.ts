import { isJumpCloudApiError } from "@jumpcloud-sync/jumpcloud-client";
import type { AttentionCode, Scope } from "@jumpcloud-sync/domain";

export interface ClassifiedFailure {
  readonly message: string;
  /** Shown at once (a revoked key will not fix itself); null: "failing" only after repeated failures. */
  readonly attention: AttentionCode | null;
}

/**
 * Attention codes that mean the scope's credentials or organization are gone: every stream of the
 * scope would fail the same way, so streams registered with `credentialFailureBlocksScope` hold
 * the scope's other streams back while they back off.
 */
export const SCOPE_BLOCKING_ATTENTION: readonly AttentionCode[] = ["invalid-credentials", "org-not-found"];

/**
 * What a failed run means for the operator, for any stream (a stream definition may classify its
 * own errors first); messages never contain a secret (client errors are scrubbed).
 */
export function classifyFailure(error: unknown, scope: Scope): ClassifiedFailure {
  if (isJumpCloudApiError(error)) {
    switch (error.kind) {
      case "unauthorized":
        return {
          attention: "invalid-credentials",
          message: `JumpCloud rejected the API key (401 on ${error.operation}): it was revoked, reset or mistyped. Replace it with \`jumpcloud-sync accounts update ${scope.accountId} --api-key-env <VAR>\`.`,
        };
      case "not-found":
        if (scope.orgId !== null) {
          return { attention: "org-not-found", message: `JumpCloud does not know organization ${scope.orgId} any more (404 on ${error.operation}).` };
        }
        return { attention: null, message: `JumpCloud answered 404 on ${error.operation}: ${error.message}` };
      case "forbidden":
        return { attention: null, message: `JumpCloud refused ${error.operation} (403): the key's administrator lacks the permission. ${error.hint ?? ""}`.trim() };
      case "insights-not-enabled":
      case "bad-request":
      case "rate-limited":
      case "server":
      case "network":
      case "timeout":
      case "invalid-response":
        return { attention: null, message: `${error.kind} on ${error.operation}${error.status === null ? "" : ` (HTTP ${error.status})`} after ${error.attempts} attempt(s): ${error.message}` };
    }
  }
  return { attention: null, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** True for a 404 of one item (a group or app deleted while the snapshot was being read). */
export function isNotFound(error: unknown): boolean {
  return isJumpCloudApiError(error) && error.kind === "not-found";
}
