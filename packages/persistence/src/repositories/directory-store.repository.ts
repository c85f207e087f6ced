import {
  DIRECTORY_STREAM,
  isLater,
  type AppAssignment,
  type AssignmentKey,
  type DirectoryChangeSet,
  type DirectorySnapshotUnit,
  type DirectoryState,
  type DirectoryStorePort,
  type DirectoryUser,
  type InsightsCursor,
  type SsoApplication,
  type Tracked,
  type UsageCoverage,
  type UsageKey,
  type UsageMatchApplication,
  type UsageMatchUser,
  type UsageRecord,
  type UsageSource,
  type UserGroup,
  type UserStatus,
  type WriteStats,
} from "@jumpcloud-sync/domain";
import { chunks, parseIso, str, strOrNull, toBool, toIsoOrNull, valuesList, type Db, type Param, type Session } from "../db.js";
import { addStats, freshKeys, splitPair, upsertBatch, writeEntityChanges, ZERO, type TableSpec } from "./table-writer.js";
import { saveCursor } from "./cursor.repository.js";

const NONE = { created: [], updated: [], removed: [] } as const;

export const USER: TableSpec<DirectoryUser> = {
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
  keyParts: (k) => [k],
};

const GROUP: TableSpec<UserGroup> = {
  table: "directory_group",
  keys: ["id"],
  values: ["name", "description"],
  row: (g) => [g.id, g.name, g.description],
  keyParts: (k) => [k],
};

const APPLICATION: TableSpec<SsoApplication> = {
  table: "directory_application",
  keys: ["id"],
  values: ["name", "display_name", "display_label", "sso_url", "sso_type", "active"],
  row: (a) => [a.id, a.name, a.displayName, a.displayLabel, a.ssoUrl, a.ssoType, a.active],
  keyParts: (k) => [k],
};

const ASSIGNMENT: TableSpec<AppAssignment> = {
  table: "app_assignment",
  keys: ["application_id", "user_id"],
  values: ["direct", "group_ids"],
  row: (a) => [a.applicationId, a.userId, a.direct, JSON.stringify(a.groupIds)],
  keyParts: splitPair,
};

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

  async snapshotUnit<T>(scopeId: string, work: (unit: DirectorySnapshotUnit) => Promise<T>): Promise<T> {
    return this.#db.tx((s) => work(this.#unit(s, scopeId, new Date())));
  }

  #unit(s: Session, scopeId: string, now: Date): DirectorySnapshotUnit {
    const db = this.#db;
    const inList = (n: number): string => Array.from({ length: n }, () => "?").join(", ");
    const byIds = async (sql: (list: string) => string, ids: readonly string[]): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = [];
      for (const batch of chunks([...new Set(ids)], db.batchSize(1) - 1)) out.push(...(await s.all(sql(inList(batch.length)), [scopeId, ...batch])));
      return out;
    };
    return {
      usersPage: async (after, limit) =>
        (
          await s.all(
            after === null
              ? `select * from directory_user where scope_id = ? order by id limit ?`
              : `select * from directory_user where scope_id = ? and id > ? order by id limit ?`,
            after === null ? [scopeId, limit] : [scopeId, after, limit],
          )
        ).map(userFromRow),
      usersById: async (ids) => (await byIds((list) => `select * from directory_user where scope_id = ? and id in (${list})`, ids)).map(userFromRow),
      liveReportsOf: async (ids) =>
        (await byIds((list) => `select * from directory_user where scope_id = ? and removed_at is null and manager_id in (${list})`, ids)).map(userFromRow),
      liveMemberships: async () => {
        const out = new Map<string, readonly string[]>();
        for (const r of await s.all(`select id, group_ids from directory_user where scope_id = ? and removed_at is null`, [scopeId])) out.set(str(r["id"]), parseIds(r["group_ids"]));
        return out;
      },
      groups: async () =>
        (await s.all(`select * from directory_group where scope_id = ?`, [scopeId])).map(
          (r): Tracked<UserGroup> => ({ id: str(r["id"]), name: str(r["name"]), description: strOrNull(r["description"]), removedAt: toIsoOrNull(r["removed_at"]) }),
        ),
      applications: async () => (await s.all(`select * from directory_application where scope_id = ?`, [scopeId])).map(applicationFromRow),
      assignmentsOfApplication: async (applicationId, userIds) => {
        const columns = `select user_id, direct, group_ids, removed_at from app_assignment where scope_id = ? and application_id = ?`;
        const rows: Record<string, unknown>[] = [];
        if (userIds === undefined) rows.push(...(await s.all(columns, [scopeId, applicationId])));
        else for (const batch of chunks([...new Set(userIds)], db.batchSize(1) - 2)) rows.push(...(await s.all(`${columns} and user_id in (${inList(batch.length)})`, [scopeId, applicationId, ...batch])));
        return rows.map(
          (r): Tracked<AppAssignment> => ({ applicationId, userId: str(r["user_id"]), direct: toBool(r["direct"]), groupIds: parseIds(r["group_ids"]), removedAt: toIsoOrNull(r["removed_at"]) }),
        );
      },
      assignedApplicationIds: async (userIds) => {
        const rows =
          userIds === undefined
            ? await s.all(`select distinct application_id from app_assignment where scope_id = ? and removed_at is null`, [scopeId])
            : await byIds((list) => `select distinct application_id from app_assignment where scope_id = ? and removed_at is null and user_id in (${list})`, userIds);
        return [...new Set(rows.map((r) => str(r["application_id"])))];
      },
      liveCounts: async () => {
        const users = await s.get(`select count(*) as n from directory_user where scope_id = ? and removed_at is null`, [scopeId]);
        const applications = await s.get(`select count(*) as n from directory_application where scope_id = ? and removed_at is null`, [scopeId]);
        return { users: Number(users?.["n"] ?? 0), applications: Number(applications?.["n"] ?? 0) };
      },
      write: (changes) => this.#applyChanges(s, scopeId, { users: NONE, groups: NONE, applications: NONE, assignments: NONE, ...changes }, now),
      saveCursor: (cursor) => saveCursor(s, scopeId, DIRECTORY_STREAM, cursor, now),
    };
  }

  async loadUsageMatchEntries(scopeId: string): Promise<{ readonly users: readonly UsageMatchUser[]; readonly applications: readonly UsageMatchApplication[] }> {
    return this.#db.session(async (s) => {
      const users = (await s.all(`select id, username, email, removed_at from directory_user where scope_id = ?`, [scopeId])).map(
        (r): UsageMatchUser => ({ id: str(r["id"]), username: str(r["username"]), email: str(r["email"]), removedAt: toIsoOrNull(r["removed_at"]) }),
      );
      const applications = (await s.all(`select id, sso_url, removed_at from directory_application where scope_id = ?`, [scopeId])).map(
        (r): UsageMatchApplication => ({ id: str(r["id"]), ssoUrl: strOrNull(r["sso_url"]), removedAt: toIsoOrNull(r["removed_at"]) }),
      );
      return { users, applications };
    });
  }

  async loadUsageFor(scopeId: string, keys: readonly UsageKey[]): Promise<ReadonlyMap<UsageKey, UsageRecord>> {
    return this.#db.session(async (s) => {
      const out = new Map<UsageKey, UsageRecord>();
      for (const batch of chunks([...new Set(keys)], this.#db.batchSize(2))) {
        const params: Param[] = [scopeId];
        for (const key of batch) params.push(...splitPair(key));
        const rows = await s.all(
          `select user_id, application_id, last_used_at, source, event_id from usage_record
           where scope_id = ? and (user_id, application_id) in (values ${valuesList(batch.length, 2)})`,
          params,
        );
        for (const r of rows) {
          const rec = usageFromRow(r);
          out.set(`${rec.userId}/${rec.applicationId ?? ""}`, rec);
        }
      }
      return out;
    });
  }

  async #applyChanges(s: Session, scopeId: string, changes: DirectoryChangeSet, now: Date): Promise<WriteStats> {
    let stats = ZERO;
    stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, USER, changes.users, (u) => u.id, now));
    stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, GROUP, changes.groups, (g) => g.id, now));
    stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, APPLICATION, changes.applications, (a) => a.id, now));
    stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, ASSIGNMENT, changes.assignments, (a) => `${a.applicationId}/${a.userId}`, now));
    return stats;
  }

  async loadUsage(scopeId: string): Promise<ReadonlyMap<UsageKey, UsageRecord>> {
    return this.#db.session(async (s) => {
      const out = new Map<UsageKey, UsageRecord>();
      for (const r of await s.all(`select user_id, application_id, last_used_at, source, event_id from usage_record where scope_id = ?`, [scopeId])) {
        const rec = usageFromRow(r);
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

/** The MDM tables of a scope (`MdmStoreRepository.purgeScope` removes these and its cursor). */
export const MDM_TABLES = ["device", "device_binding", "managed_app", "managed_app_status", "managed_app_link", "installation", "software_events_coverage", "inventory_device"] as const;

/** Every synced and bookkeeping row of a scope (not the scope itself), MDM included. */
export async function purgeScopeData(s: Session, scopeId: string): Promise<number> {
  let n = 0;
  for (const table of ["directory_user", "directory_group", "directory_application", "app_assignment", "usage_record", "usage_coverage", ...MDM_TABLES, "sync_cursor", "sync_lease", "sync_run", "stream_status"]) {
    n += await s.run(`delete from ${table} where scope_id = ?`, [scopeId]);
  }
  return n;
}

function usageFromRow(r: Record<string, unknown>): UsageRecord {
  const appId = str(r["application_id"]);
  return {
    userId: str(r["user_id"]),
    applicationId: appId === "" ? null : appId,
    lastUsedAt: toIsoOrNull(r["last_used_at"]) ?? "",
    source: str(r["source"]) as UsageSource,
    eventId: str(r["event_id"]),
  };
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
    const written = await upsertBatch(
      s,
      `insert into usage_record (${USAGE_COLUMNS.join(", ")}) values ${valuesList(batch.length, USAGE_COLUMNS.length)}
       on conflict (scope_id, user_id, application_id) do update
         set last_used_at = excluded.last_used_at, source = excluded.source, event_id = excluded.event_id
       where excluded.last_used_at > usage_record.last_used_at
          or (excluded.last_used_at = usage_record.last_used_at and excluded.event_id ${binary} > usage_record.event_id ${binary})
          or (excluded.last_used_at = usage_record.last_used_at and excluded.event_id = usage_record.event_id
              and excluded.source ${binary} > usage_record.source ${binary})`,
      params,
      () => freshKeys(s, "usage_record", scopeId, ["user_id", "application_id"], keys, batch.length),
    );
    inserted += written.inserted;
    updated += written.updated;
  }
  return { inserted, updated, deleted: 0 };
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
