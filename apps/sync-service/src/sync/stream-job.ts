import type { JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import type { Account, AttentionCode, Scope, StreamName, SyncCounters } from "@jumpcloud-sync/domain";

/** Everything one bounded unit of sync work gets; the job holds no state between runs. */
export interface StreamJobContext {
  readonly account: Account;
  readonly scope: Scope;
  readonly stream: StreamName;
  /** The scope's JumpCloud client (per account key, org-scoped; its rate limiter is shared by the key's scopes). */
  readonly client: JumpCloudClient;
  /** Raised on shutdown, pause/removal of the account, or a lost lease: stop at the next checkpoint. */
  readonly signal: AbortSignal;
  readonly counters: SyncCounters;
  progress(stage: string, done?: number, total?: number): void;
}

export type StreamOutcome =
  | { readonly kind: "succeeded"; readonly summary: string }
  /** The job chose not to apply (the mass-deletion guard); needs a person. */
  | { readonly kind: "refused"; readonly attention: AttentionCode; readonly message: string }
  /**
   * The scope does not offer the stream's source (a plan without the feature: Directory Insights
   * not enabled, 402; a key not allowed to read it, 403). A capability, not a failure: the run
   * succeeds, the stream status shows `unavailable` with the reason, nobody is asked to fix it.
   */
  | { readonly kind: "unavailable"; readonly reason: string; readonly message: string }
  /** Stopped at a checkpoint (shutdown, pause, lost lease): the next run resumes from there. */
  | { readonly kind: "interrupted"; readonly message: string };

export class Interrupted extends Error {
  override readonly name = "Interrupted";
}

/** Throws {@link Interrupted} once the signal is raised; jobs call it at their checkpoints. */
export function checkpoint(signal: AbortSignal): void {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    throw new Interrupted(reason instanceof Error ? reason.message : "stopped");
  }
}
