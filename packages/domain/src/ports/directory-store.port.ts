import type { DirectoryChangeSet, DirectoryState } from "../model/directory.js";
import type { InsightsCursor, UsageCoverage, UsageKey, UsageRecord } from "../model/usage.js";

/** Rows written by a store call: a no-op sync writes none. */
export interface WriteStats {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}

/** Reads and writes one scope's synced directory and usage. Implemented by persistence. */
export interface DirectoryStorePort {
  /** The scope's stored directory, tombstones included. */
  loadDirectory(scopeId: string): Promise<DirectoryState>;
  /** Applies a change set atomically; applying the same set twice changes nothing. */
  applyDirectoryChanges(scopeId: string, changes: DirectoryChangeSet): Promise<WriteStats>;
  /**
   * The directory stream's unit of work: applies a snapshot's change set **and the stream's
   * cursor** (`directoryCursor`, stored under the `directory` stream) in one transaction, so a
   * crash never leaves one without the other (a one-shot force consumed without its snapshot, or
   * applied twice).
   */
  applySnapshot(scopeId: string, changes: DirectoryChangeSet, directoryCursor: unknown): Promise<WriteStats>;

  /** The scope's usage records, keyed by {@link usageKey}. */
  loadUsage(scopeId: string): Promise<ReadonlyMap<UsageKey, UsageRecord>>;
  /**
   * Writes usage records that moved forward, and the usage stream's cursor, in one transaction:
   * a crash never leaves the cursor ahead of the data.
   */
  applyUsageChanges(scopeId: string, changes: readonly UsageRecord[], cursor: InsightsCursor): Promise<WriteStats>;
  /** What the scope's usage is known from (written by the usage stream). */
  getUsageCoverage(scopeId: string): Promise<UsageCoverage>;
  setUsageCoverage(scopeId: string, coverage: UsageCoverage): Promise<void>;
  /** Removes everything synced for the scope (account removal with purge). */
  purgeScope(scopeId: string): Promise<void>;
}
