/**
 * One kind of sync within a scope: an open name, because streams are registered by the modules
 * that own them (the sync service's stream registry validates names at runtime). The directory
 * module's two streams are named here so the domain's ports and rules can refer to them.
 */
export type StreamName = string;

/** The directory snapshot stream (users, groups, SSO applications, assignments). */
export const DIRECTORY_STREAM = "directory";
/** The last-use stream read from Directory Insights, ordered after the directory's first snapshot. */
export const USAGE_STREAM = "usage";

export type SyncRunState = "pending" | "running" | "succeeded" | "failed";
export type SyncTrigger = "schedule" | "manual" | "startup";

export interface SyncCounters {
  requests: number;
  pages: number;
  retries: number;
  rateLimited: number;
  created: number;
  updated: number;
  removed: number;
  events: number;
  usageChanged: number;
}

export function emptyCounters(): SyncCounters {
  return { requests: 0, pages: 0, retries: 0, rateLimited: 0, created: 0, updated: 0, removed: 0, events: 0, usageChanged: 0 };
}

export interface SyncRun {
  readonly id: string;
  readonly scopeId: string;
  readonly stream: StreamName;
  readonly state: SyncRunState;
  readonly trigger: SyncTrigger;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  /** Why the run failed (never contains a secret). */
  readonly error: string | null;
  readonly counters: SyncCounters;
}

/** Why a scope needs a person to look at it. */
export type AttentionCode =
  | "invalid-credentials"
  | "org-not-found"
  | "insights-not-enabled"
  | "insights-forbidden"
  | "mass-deletion-refused"
  | "failing";

export interface AttentionReason {
  readonly code: AttentionCode;
  readonly message: string;
  readonly since: string;
}

/**
 * A stream whose source the scope does not offer: a plan without the feature (Directory Insights
 * not enabled, 402), a key whose administrator may not read it (403). A capability, not a failure:
 * the run succeeds, nothing needs a person, and the stream keeps checking on its schedule.
 */
export interface StreamUnavailability {
  /** A stable code, e.g. `insights-not-enabled`, `insights-forbidden`. */
  readonly reason: string;
  /** For a person, e.g. "Directory Insights not enabled for this organization (402) …". */
  readonly message: string;
  /** When the stream first found the source unavailable (kept while the reason stays the same). */
  readonly since: string;
}

/** The health of one stream of one scope. */
export interface StreamStatus {
  readonly scopeId: string;
  readonly stream: StreamName;
  readonly lastAttemptAt: Date | null;
  readonly lastSuccessAt: Date | null;
  readonly consecutiveFailures: number;
  /** Not before this instant (backoff after failures, or the schedule). */
  readonly nextAttemptAt: Date | null;
  readonly lastError: string | null;
  readonly attention: readonly AttentionReason[];
  /** Set while the scope does not offer the stream's source; null when it does (or before the first run). */
  readonly unavailable: StreamUnavailability | null;
}

/** A time-bound, owner-tagged claim on a scope+stream; at most one live lease per key. */
export interface Lease {
  readonly scopeId: string;
  readonly stream: StreamName;
  readonly owner: string;
  readonly expiresAt: Date;
}

/** The injectable clock: rules never read the time themselves. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
