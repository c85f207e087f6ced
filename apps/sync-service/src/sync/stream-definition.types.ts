import type { Account, AttentionCode, Scope, StreamName, StreamStatus } from "@jumpcloud-sync/domain";
import type { ClassifiedFailure } from "./failure.js";
import type { StreamJobContext, StreamOutcome } from "./stream-job.js";

/** What a due rule sees: the scope's stream statuses and the stream's resolved freshness target. */
export interface StreamDueInput {
  readonly account: Account;
  readonly scope: Scope;
  readonly now: Date;
  /** This stream's status in the scope; undefined before its first run. */
  readonly status: StreamStatus | undefined;
  /** Every stream status of the scope (a rule may look at its dependencies). */
  readonly statuses: readonly StreamStatus[];
  readonly freshnessMs: number;
}

/** How long a stream's data may age before the stream is due again. */
export interface StreamFreshness {
  /** The module's default, in minutes; `JCS_STREAM_FRESHNESS_MINUTES` overrides it per stream. */
  readonly defaultMinutes: number;
  /**
   * The account's own setting when the stream has one (the directory snapshot follows the
   * account's schedule). Such a stream takes no `JCS_STREAM_FRESHNESS_MINUTES` override.
   */
  readonly fromAccount?: (account: Account) => number;
}

/**
 * A stream as its module registers it with the core's {@link StreamRegistry}. The core owns
 * everything around `run` (due scope × stream, lease, run record, failure classification, backoff,
 * attention, stale-run sweep, shutdown); the module owns the work and its cursor.
 */
export interface StreamDefinition {
  /** Unique, lowercase kebab-case (`directory`, `managed-apps`); the name in runs, leases, cursors, metrics and the API. */
  readonly name: StreamName;
  /** The module that registers it (for logs and errors), e.g. `directory`, `mdm`. */
  readonly module: string;
  /**
   * Streams of the same scope this one runs after (each registered before it). The stream is not
   * due until each of them has succeeded once in the scope; when they run in the same scope pass,
   * it starts after they finish, and not at all when one of them ended on a scope-blocking failure.
   * Streams without a declared dependency never wait for one another.
   */
  readonly after?: readonly StreamName[];
  readonly freshness: StreamFreshness;
  /**
   * Whether the stream should run now. Default ({@link defaultDue}): when its next attempt (set by
   * its last run: the freshness target after a success, the backoff after a failure) has come.
   */
  readonly isDue?: (input: StreamDueInput) => boolean;
  /**
   * The stream's own reading of an error a job threw; null (or absent) falls back to the core's
   * {@link classifyFailure} (401 → invalid credentials, 404 of the org → org not found, ...).
   */
  readonly classifyFailure?: (error: unknown, scope: Scope) => ClassifiedFailure | null;
  /** Attention reasons a success of this stream clears (a fixed key, a re-enabled feature). */
  readonly clearsOnSuccess: readonly AttentionCode[];
  /**
   * When this stream fails on the scope's credentials or organization (invalid-credentials,
   * org-not-found), the scope's other streams wait for its backoff instead of proving it again.
   */
  readonly credentialFailureBlocksScope: boolean;
  /** One bounded unit of work: read, write data and cursor together, return an outcome. */
  readonly run: (ctx: StreamJobContext) => Promise<StreamOutcome>;
  /**
   * A one-shot forced run (the directory's override of a refused mass deletion): `arm` records it
   * in the stream's cursor, the audit log gets `auditAction`. Streams without it cannot be forced.
   */
  readonly force?: { readonly auditAction: string; arm(scopeId: string, at: Date): Promise<void> };
}

/** The default due rule: the stream's next attempt has come (or it never ran). */
export function defaultDue(input: StreamDueInput): boolean {
  const next = input.status?.nextAttemptAt ?? null;
  return next === null || next.getTime() <= input.now.getTime();
}
