import type { AppAssignment, DirectoryChangeSet, DirectoryState, DirectoryUser, SsoApplication, Tracked, UserGroup } from "../model/directory.js";
import type { InsightsCursor, UsageCoverage, UsageKey, UsageRecord } from "../model/usage.js";
import type { UsageMatchApplication, UsageMatchUser } from "../rules/usage.js";

/** Rows written by a store call: a no-op sync writes none. */
export interface WriteStats {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}

/** What a snapshot reconciled in chunks reads and writes, inside its transaction (one scope). */
export interface DirectorySnapshotUnit {
  /** Stored users, tombstones included, in a stable key order: the page after `after` (null: the first). */
  usersPage(after: string | null, limit: number): Promise<readonly Tracked<DirectoryUser>[]>;
  /** The stored users of these ids (tombstones included; unknown ids left out). */
  usersById(ids: readonly string[]): Promise<readonly Tracked<DirectoryUser>[]>;
  /** Live users whose manager is one of these users. */
  liveReportsOf(managerIds: readonly string[]): Promise<readonly Tracked<DirectoryUser>[]>;
  /** Each live user's groups (user id → group ids): membership alone, not the records. */
  liveMemberships(): Promise<ReadonlyMap<string, readonly string[]>>;
  groups(): Promise<readonly Tracked<UserGroup>[]>;
  applications(): Promise<readonly Tracked<SsoApplication>[]>;
  /** The stored assignments of one application, tombstones included (of these users only, when given). */
  assignmentsOfApplication(applicationId: string, userIds?: readonly string[]): Promise<readonly Tracked<AppAssignment>[]>;
  /** Applications with a live stored assignment (of these users only, when given). */
  assignedApplicationIds(userIds?: readonly string[]): Promise<readonly string[]>;
  /** Live users and live applications stored (the mass-deletion guard's population). */
  liveCounts(): Promise<{ readonly users: number; readonly applications: number }>;
  /** Writes part of the change set (the unit commits all of it or none). */
  write(changes: Partial<DirectoryChangeSet>): Promise<WriteStats>;
  /** The directory stream's cursor, with the data. */
  saveCursor(directoryCursor: unknown): Promise<void>;
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
  /**
   * The same unit of work, for a snapshot reconciled piece by piece (bounded memory): `work` reads
   * the stored rows it compares in pages and writes the changes as it goes, the cursor last, all in
   * one transaction — a crash (or a throw) leaves nothing of it.
   */
  snapshotUnit<T>(scopeId: string, work: (unit: DirectorySnapshotUnit) => Promise<T>): Promise<T>;

  /**
   * Only what usage matching needs, tombstones included: each user's id, username and email, each
   * SSO application's id and SSO URL (narrow queries; no roles, groups or assignments).
   */
  loadUsageMatchEntries(scopeId: string): Promise<{ readonly users: readonly UsageMatchUser[]; readonly applications: readonly UsageMatchApplication[] }>;
  /** The stored usage records of the given keys (absent keys are left out). */
  loadUsageFor(scopeId: string, keys: readonly UsageKey[]): Promise<ReadonlyMap<UsageKey, UsageRecord>>;
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
