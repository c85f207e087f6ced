import {
  DIRECTORY_STREAM,
  isLater,
  type AppAssignment,
  type AssignmentKey,
  type DirectoryChangeSet,
  type DirectoryState,
  type DirectoryStorePort,
  type DirectoryUser,
  type EntityChanges,
  type InsightsCursor,
  type Removal,
  type SsoApplication,
  type Tracked,
  type UsageCoverage,
  type UsageKey,
  type UsageRecord,
  type UsageSource,
  type UserGroup,
  type UserStatus,
  type WriteStats,
} from "@jumpcloud-sync/domain";
import { chunks, parseIso, str, strOrNull, toBool, toIsoOrNull, valuesList, type Db, type Param, type Session } from "../db.js";
import { saveCursor } from "./cursor.repository.js";

/** How one directory table is written: its key, its columns and how a record becomes a row. */
interface TableSpec<T> {
  readonly table: string;
  /** Key columns after `scope_id`. */
  readonly keys: readonly string[];
  /** Value columns compared (IS DISTINCT FROM) to decide whether an upsert changes the row. */
  readonly values: readonly string[];
  readonly row: (r: T) => Param[];
}

const USER: TableSpec<DirectoryUser> = {
  table: "directory_user",
  keys: ["id"],
  values: [
    "username",
    "email",
    "display_name",
    "first_name",
    "last_name",
    "status",
    "employee_identifier",
    "employee_type",
    "department",
    "job_title",
    "company",
    "cost_center",
    "location",
    "manager_id",
    "admin_role",
    "group_ids",
    "upstream_created_at",
  ],
  row: (u) => [
    u.id,
    u.username,
    u.email,
    u.displayName,
    u.firstName,
    u.lastName,
    u.status,
    u.hr.employeeIdentifier,
    u.hr.employeeType,
    u.hr.department,
    u.hr.jobTitle,
    u.hr.company,
    u.hr.costCenter,
    u.hr.location,
    u.hr.managerId,
    u.adminRole,
    JSON.stringify(u.groupIds),
    u.createdAt,
  ],
};

const GROUP: TableSpec<UserGroup> = {
  table: "directory_group",
  keys: ["id"],
  values: ["name", "description"],
  row: (g) => [g.id, g.name, g.description],
};

const APPLICATION: TableSpec<SsoApplication> = {
  table: "directory_application",
  keys: ["id"],
  values: ["name", "display_name", "display_label", "sso_url", "sso_type", "active"],
  row: (a) => [a.id, a.name, a.displayName, a.displayLabel, a.ssoUrl, a.ssoType, a.active],
};

const ASSIGNMENT: TableSpec<AppAssignment> = {
  table: "app_assignment",
  keys: ["application_id", "user_id"],
  values: ["direct", "group_ids"],
  row: (a) => [a.applicationId, a.userId, a.direct, JSON.stringify(a.groupIds)],
};

const ZERO: WriteStats = { inserted: 0, updated: 0, deleted: 0 };

function add(a: WriteStats, b: WriteStats): WriteStats {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted };
}

export class DirectoryStoreRepository implements DirectoryStorePort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async loadDirectory(scopeId: string): Promise<DirectoryState> {
    return this.#db.session(async (s) => {
      const users = new Map<string, Tracked<DirectoryUser>>();
      for (const r of await s.all(`select * from directory_user where scope_id = ?`, [scopeId])) {
        const u = userFromRow(r);
        users.set(u.id, u);
      }
      const groups = new Map<string, Tracked<UserGroup>>();
      for (const r of await s.all(`select * from directory_group where scope_id = ?`, [scopeId])) {
        groups.set(str(r["id"]), { id: str(r["id"]), name: str(r["name"]), description: strOrNull(r["description"]), removedAt: toIsoOrNull(r["removed_at"]) });
      }
      const applications = new Map<string, Tracked<SsoApplication>>();
      for (const r of await s.all(`select * from directory_application where scope_id = ?`, [scopeId])) {
        const a = applicationFromRow(r);
        applications.set(a.id, a);
      }
      const assignments = new Map<AssignmentKey, Tracked<AppAssignment>>();
      for (const r of await s.all(`select * from app_assignment where scope_id = ?`, [scopeId])) {
        const a: Tracked<AppAssignment> = {
          applicationId: str(r["application_id"]),
          userId: str(r["user_id"]),
          direct: toBool(r["direct"]),
          groupIds: parseIds(r["group_ids"]),
          removedAt: toIsoOrNull(r["removed_at"]),
        };
        assignments.set(`${a.applicationId}/${a.userId}`, a);
      }
      return { users, groups, applications, assignments };
    });
  }

  async applyDirectoryChanges(scopeId: string, changes: DirectoryChangeSet): Promise<WriteStats> {
    return this.#db.tx((s) => this.#applyChanges(s, scopeId, changes, new Date()));
  }

  async applySnapshot(scopeId: string, changes: DirectoryChangeSet, directoryCursor: unknown): Promise<WriteStats> {
    return this.#db.tx(async (s) => {
      const now = new Date();
      const stats = await this.#applyChanges(s, scopeId, changes, now);
      await saveCursor(s, scopeId, DIRECTORY_STREAM, directoryCursor, now);
      return stats;
    });
  }

  async #applyChanges(s: Session, scopeId: string, changes: DirectoryChangeSet, now: Date): Promise<WriteStats> {
    let stats = ZERO;
    stats = add(stats, await this.#apply(s, scopeId, USER, changes.users, (u) => u.id, now));
    stats = add(stats, await this.#apply(s, scopeId, GROUP, changes.groups, (g) => g.id, now));
    stats = add(stats, await this.#apply(s, scopeId, APPLICATION, changes.applications, (a) => a.id, now));
    stats = add(stats, await this.#apply(s, scopeId, ASSIGNMENT, changes.assignments, (a) => `${a.applicationId}/${a.userId}`, now));
    return stats;
  }

  /**
   * Created and updated records go through one set-based upsert per batch whose DO UPDATE only
   * fires when a value differs or the row is a tombstone (re-creation clears `removed_at`), so
   * unchanged rows are never written; removals stamp `removed_at` on live rows only.
   */
  async #apply<T, K extends string>(s: Session, scopeId: string, spec: TableSpec<T>, changes: EntityChanges<T, K>, keyOf: (t: T) => string, now: Date): Promise<WriteStats> {
    let inserted = 0;
    let updated = 0;
    const upserts = dedupe([...changes.created, ...changes.updated], keyOf);
    if (upserts.length > 0) {
      const columns = ["scope_id", ...spec.keys, ...spec.values, "updated_at"];
      const set = [...spec.values.map((c) => `${c} = excluded.${c}`), "removed_at = null", "updated_at = excluded.updated_at"].join(", ");
      const changed = [...spec.values.map((c) => `${spec.table}.${c} is distinct from excluded.${c}`), `${spec.table}.removed_at is not null`].join(" or ");
      for (const batch of chunks(upserts, this.#db.batchSize(columns.length))) {
        const params: Param[] = [];
        const keys: Param[][] = [];
        for (const r of batch) {
          const row = spec.row(r);
          keys.push(row.slice(0, spec.keys.length));
          params.push(scopeId, ...row, now);
        }
        const written = await upsert(
          s,
          `insert into ${spec.table} (${columns.join(", ")}) values ${valuesList(batch.length, columns.length)}
           on conflict (scope_id, ${spec.keys.join(", ")}) do update set ${set} where ${changed}`,
          params,
          () => existing(s, spec.table, scopeId, spec.keys, keys, batch.length),
        );
        inserted += written.inserted;
        updated += written.updated;
      }
    }
    updated += await this.#remove(s, scopeId, spec, changes.removed, now);
    return { inserted, updated, deleted: 0 };
  }

  async #remove<T>(s: Session, scopeId: string, spec: TableSpec<T>, removed: readonly Removal[], now: Date): Promise<number> {
    let n = 0;
    // Grouped by date so that one statement stamps many rows; a tombstone keeps its first date.
    const byDate = new Map<string, Removal[]>();
    for (const r of removed) byDate.set(r.removedAt, [...(byDate.get(r.removedAt) ?? []), r]);
    for (const [removedAt, group] of byDate) {
      const at = parseIso(removedAt, "removedAt");
      const keyCols = spec.keys.length;
      for (const batch of chunks(group, this.#db.batchSize(keyCols + 1))) {
        // `updated_at` is when the store learnt it, so `updatedSince` readers see the removal.
        const params: Param[] = [at, now, scopeId];
        for (const r of batch) params.push(...splitKey(r.key, keyCols));
        const keyList = keyCols === 1 ? `id in (${batch.map(() => "?").join(", ")})` : `(${spec.keys.join(", ")}) in (values ${valuesList(batch.length, keyCols)})`;
        n += await s.run(`update ${spec.table} set removed_at = ?, updated_at = ? where scope_id = ? and removed_at is null and ${keyList}`, params);
      }
    }
    return n;
  }

  async loadUsage(scopeId: string): Promise<ReadonlyMap<UsageKey, UsageRecord>> {
    return this.#db.session(async (s) => {
      const out = new Map<UsageKey, UsageRecord>();
      for (const r of await s.all(`select user_id, application_id, last_used_at, source, event_id from usage_record where scope_id = ?`, [scopeId])) {
        const appId = str(r["application_id"]);
        const rec: UsageRecord = {
          userId: str(r["user_id"]),
          applicationId: appId === "" ? null : appId,
          lastUsedAt: toIsoOrNull(r["last_used_at"]) ?? "",
          source: str(r["source"]) as UsageSource,
          eventId: str(r["event_id"]),
        };
        out.set(`${rec.userId}/${rec.applicationId ?? ""}`, rec);
      }
      return out;
    });
  }

  async applyUsageChanges(scopeId: string, changes: readonly UsageRecord[], cursor: InsightsCursor): Promise<WriteStats> {
    const latest = latestPerKey(changes);
    return this.#db.tx(async (s) => {
      const written = await upsertUsage(s, this.#db, scopeId, latest);
      await saveCursor(s, scopeId, "usage", cursor, new Date());
      return written;
    });
  }

  async getUsageCoverage(scopeId: string): Promise<UsageCoverage> {
    return this.#db.session(async (s) => {
      const r = await s.get(`select kind, since, reason, detail from usage_coverage where scope_id = ?`, [scopeId]);
      if (r === undefined) return { kind: "not-synced" };
      switch (r["kind"]) {
        case "available":
          return { kind: "available", since: str(r["since"]) };
        case "unavailable":
          return { kind: "unavailable", reason: str(r["reason"]) as "insights-not-enabled" | "insights-forbidden", detail: strOrNull(r["detail"]) ?? "" };
        default:
          return { kind: "not-synced" };
      }
    });
  }

  async setUsageCoverage(scopeId: string, coverage: UsageCoverage): Promise<void> {
    const row: Param[] =
      coverage.kind === "available"
        ? [scopeId, coverage.kind, coverage.since, null, null]
        : coverage.kind === "unavailable"
          ? [scopeId, coverage.kind, null, coverage.reason, coverage.detail]
          : [scopeId, coverage.kind, null, null, null];
    await this.#db.session((s) =>
      s.run(
        `insert into usage_coverage (scope_id, kind, since, reason, detail) values (?, ?, ?, ?, ?)
         on conflict (scope_id) do update set kind = excluded.kind, since = excluded.since, reason = excluded.reason, detail = excluded.detail`,
        row,
      ),
    );
  }

  async purgeScope(scopeId: string): Promise<void> {
    await this.#db.tx((s) => purgeScopeData(s, scopeId));
  }
}

/** Every synced and bookkeeping row of a scope (not the scope itself). */
export async function purgeScopeData(s: Session, scopeId: string): Promise<number> {
  let n = 0;
  for (const table of ["directory_user", "directory_group", "directory_application", "app_assignment", "usage_record", "usage_coverage", "sync_cursor", "sync_lease", "sync_run", "stream_status"]) {
    n += await s.run(`delete from ${table} where scope_id = ?`, [scopeId]);
  }
  return n;
}

/** One record per key, the latest by the domain's order: a statement may not hit a row twice. */
export function latestPerKey(changes: readonly UsageRecord[]): UsageRecord[] {
  const latest = new Map<string, UsageRecord>();
  for (const r of changes) {
    parseIso(r.lastUsedAt, "lastUsedAt");
    const key = `${r.userId}/${r.applicationId ?? ""}`;
    const prev = latest.get(key);
    if (prev === undefined || isLater(r, prev)) latest.set(key, r);
  }
  return [...latest.values()];
}

const USAGE_COLUMNS = ["scope_id", "user_id", "application_id", "last_used_at", "source", "event_id"];

/**
 * Set-based upsert that only moves forward, in the domain's order (`isLater`: instant, then event
 * id, then source; binary string order on both backends), so replaying a batch writes nothing.
 */
export async function upsertUsage(s: Session, db: Db, scopeId: string, records: readonly UsageRecord[]): Promise<WriteStats> {
  if (records.length === 0) return ZERO;
  const binary = s.dialect === "postgresql" ? `collate "C"` : `collate binary`;
  let inserted = 0;
  let updated = 0;
  for (const batch of chunks(records, db.batchSize(USAGE_COLUMNS.length))) {
    const params: Param[] = [];
    for (const r of batch) params.push(scopeId, r.userId, r.applicationId ?? "", parseIso(r.lastUsedAt, "lastUsedAt"), r.source, r.eventId);
    const keys = batch.map((r): Param[] => [r.userId, r.applicationId ?? ""]);
    const written = await upsert(
      s,
      `insert into usage_record (${USAGE_COLUMNS.join(", ")}) values ${valuesList(batch.length, USAGE_COLUMNS.length)}
       on conflict (scope_id, user_id, application_id) do update
         set last_used_at = excluded.last_used_at, source = excluded.source, event_id = excluded.event_id
       where excluded.last_used_at > usage_record.last_used_at
          or (excluded.last_used_at = usage_record.last_used_at and excluded.event_id ${binary} > usage_record.event_id ${binary})
          or (excluded.last_used_at = usage_record.last_used_at and excluded.event_id = usage_record.event_id
              and excluded.source ${binary} > usage_record.source ${binary})`,
      params,
      () => existing(s, "usage_record", scopeId, ["user_id", "application_id"], keys, batch.length),
    );
    inserted += written.inserted;
    updated += written.updated;
  }
  return { inserted, updated, deleted: 0 };
}

/**
 * Runs one upsert batch and tells inserts from updates. PostgreSQL says so itself (`xmax = 0` on
 * a freshly inserted row version); SQLite's affected-row count does not, so there the batch's keys
 * are probed first (`existing`, an O(batch) primary-key lookup in the same transaction).
 */
async function upsert(s: Session, sql: string, params: readonly Param[], freshKeys: () => Promise<number>): Promise<{ inserted: number; updated: number }> {
  if (s.dialect === "postgresql") {
    const rows = await s.all(`${sql} returning (xmax = 0) as inserted`, params);
    const inserted = rows.filter((r) => r["inserted"] === true).length;
    return { inserted, updated: rows.length - inserted };
  }
  const inserted = await freshKeys();
  const touched = await s.run(sql, params);
  return { inserted, updated: touched - inserted };
}

/** How many of a batch's (distinct) keys have no row yet. */
async function existing(s: Session, table: string, scopeId: string, keyColumns: readonly string[], keys: readonly Param[][], size: number): Promise<number> {
  const list = keyColumns.length === 1 ? `${keyColumns[0]} in (${keys.map(() => "?").join(", ")})` : `(${keyColumns.join(", ")}) in (values ${valuesList(keys.length, keyColumns.length)})`;
  const r = await s.get(`select count(*) as n from ${table} where scope_id = ? and ${list}`, [scopeId, ...keys.flat()]);
  return size - Number(r?.["n"] ?? 0);
}

function dedupe<T>(records: readonly T[], keyOf: (t: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of records) byKey.set(keyOf(r), r);
  return [...byKey.values()];
}

function splitKey(key: string, parts: number): string[] {
  if (parts === 1) return [key];
  const i = key.indexOf("/");
  if (i < 0) throw new TypeError(`not an assignment key (applicationId/userId): ${key}`);
  return [key.slice(0, i), key.slice(i + 1)];
}

export function parseIds(v: unknown): string[] {
  const parsed: unknown = typeof v === "string" ? JSON.parse(v) : v;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

export function userFromRow(r: Record<string, unknown>): Tracked<DirectoryUser> {
  return {
    id: str(r["id"]),
    username: str(r["username"]),
    email: str(r["email"]),
    displayName: strOrNull(r["display_name"]),
    firstName: strOrNull(r["first_name"]),
    lastName: strOrNull(r["last_name"]),
    status: str(r["status"]) as UserStatus,
    hr: {
      employeeIdentifier: strOrNull(r["employee_identifier"]),
      employeeType: strOrNull(r["employee_type"]),
      department: strOrNull(r["department"]),
      jobTitle: strOrNull(r["job_title"]),
      company: strOrNull(r["company"]),
      costCenter: strOrNull(r["cost_center"]),
      location: strOrNull(r["location"]),
      managerId: strOrNull(r["manager_id"]),
    },
    adminRole: strOrNull(r["admin_role"]),
    groupIds: parseIds(r["group_ids"]),
    createdAt: strOrNull(r["upstream_created_at"]),
    removedAt: toIsoOrNull(r["removed_at"]),
  };
}

export function applicationFromRow(r: Record<string, unknown>): Tracked<SsoApplication> {
  return {
    id: str(r["id"]),
    name: str(r["name"]),
    displayName: strOrNull(r["display_name"]),
    displayLabel: strOrNull(r["display_label"]),
    ssoUrl: strOrNull(r["sso_url"]),
    ssoType: strOrNull(r["sso_type"]),
    active: toBool(r["active"]),
    removedAt: toIsoOrNull(r["removed_at"]),
  };
}
