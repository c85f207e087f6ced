import type { Action, ActionFailure, ActionKind, ActionState, ConfirmationState, NewAction, UpstreamCall } from "../model/action.js";
import type { DirectoryUser, UserStatus } from "../model/directory.js";
import type { Page } from "../model/read-models.js";

/**
 * A request's first answer, kept under its `Idempotency-Key` (scoped to the caller) with the
 * fingerprint of the request: a retry with the same key and body gets this answer again instead of
 * acting twice; the same key with another body is refused.
 */
export interface IdempotentResponse {
  /** Who may replay it: the API token's id (`cli` for the CLI). */
  readonly scope: string;
  readonly key: string;
  /** sha256 of the method, path and canonical body. */
  readonly fingerprint: string;
  readonly status: number;
  /** The response body as sent (JSON text; never a secret). */
  readonly body: string;
  readonly createdAt: Date;
}

export interface ActionQuery {
  readonly scopeId?: string;
  readonly state?: ActionState;
  readonly kind?: ActionKind;
  readonly userId?: string;
  readonly batchId?: string;
  readonly cursor?: string;
  readonly limit: number;
}

export type ActionOutcome =
  | { readonly state: "succeeded"; readonly userId: string | null; readonly toStatus: UserStatus | "deleted" | null }
  | { readonly state: "failed"; readonly failure: ActionFailure };

/**
 * The durable queue of accepted actions. Each is claimed with a lease by a conditional write
 * (queued and due, or running with an expired lease): of two workers exactly one gets it, and an
 * action whose worker died is claimed again once its lease expired. Every update after the claim
 * names the owner and changes nothing when the lease was lost.
 */
export interface ActionPort {
  /**
   * Enqueues `actions` (possibly none) and, with `response`, stores the request's answer, in one
   * transaction. When another request already stored an answer under the same scope and key,
   * nothing is enqueued and that answer is returned.
   */
  accept(actions: readonly NewAction[], at: Date, response: IdempotentResponse | null): Promise<{ readonly replay: IdempotentResponse | null }>;
  findResponse(scope: string, key: string): Promise<IdempotentResponse | null>;

  /** Claims up to `limit` due actions for `owner`; attempts +1 each. Oldest first. */
  claim(owner: string, leaseMs: number, now: Date, limit: number): Promise<Action[]>;
  renew(id: string, owner: string, leaseMs: number, now: Date): Promise<boolean>;
  /** Marks that a write is about to be sent (see `Action.writeStartedAt`). */
  markWriteStarted(id: string, owner: string, at: Date): Promise<boolean>;
  appendUpstream(id: string, owner: string, calls: readonly UpstreamCall[]): Promise<boolean>;
  /** Back to `queued` for `nextAttemptAt` (a transient failure), keeping the failure as the last error. */
  requeue(id: string, owner: string, nextAttemptAt: Date, failure: ActionFailure): Promise<boolean>;
  finish(id: string, owner: string, outcome: ActionOutcome, at: Date): Promise<boolean>;
  /** When the queue next has work: the earliest queued `nextAttemptAt` or running lease expiry; null when it is empty. */
  nextWakeUp(): Promise<Date | null>;

  get(id: string): Promise<Action | null>;
  /** Newest first, keyset-paged. */
  list(query: ActionQuery): Promise<Page<Action>>;
  /** Succeeded actions whose confirmation is still pending, oldest first. */
  listUnconfirmed(limit: number): Promise<Action[]>;
  setConfirmation(id: string, state: Exclude<ConfirmationState, "pending">, detail: string, at: Date): Promise<void>;

  /**
   * The store reflects a successful action at once (before the next sync confirms it): a new
   * user row, a status, or a tombstone. Only rows of `scopeId`.
   */
  reflectCreated(scopeId: string, user: DirectoryUser, at: Date): Promise<void>;
  reflectStatus(scopeId: string, userId: string, status: UserStatus, at: Date): Promise<void>;
  reflectRemoved(scopeId: string, userId: string, at: Date): Promise<void>;
}
