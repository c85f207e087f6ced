import {
  lastUsedOf,
  type ApplicationQuery,
  type ApplicationUserView,
  type ApplicationView,
  type DirectoryQueryPort,
  type LastUsed,
  type Page,
  type UsageCoverage,
  type UsageSource,
  type UserAppView,
  type UserQuery,
  type UserView,
} from "@jumpcloud-sync/domain";
import { decodeCursor, encodeCursor, str, strOrNull, toBool, toDate, toIsoOrNull, type Db, type Param, type Session } from "../db.js";
import { applicationFromRow, parseIds, userFromRow } from "./directory-store.repository.js";
import { clampLimit } from "./sync-run.repository.js";

interface UsageHit {
  readonly lastUsedAt: string;
  readonly source: UsageSource;
  readonly eventId: string;
}

/**
 * The read models. Pages are keyset-paginated on (scope_id, id) with an opaque cursor, so a page
 * boundary stays put while rows are added or changed. Each page costs a fixed number of queries,
 * whatever its size: users, then their groups, assignments, applications and usage in bulk.
 */
export class DirectoryQueryRepository implements DirectoryQueryPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async listUsers(query: UserQuery): Promise<Page<UserView>> {
    const where: string[] = [];
    const params: Param[] = [];
    if (query.scopeId !== undefined) {
      where.push("u.scope_id = ?");
      params.push(query.scopeId);
    }
    if (query.status === "deleted") where.push("u.removed_at is not null");
    else if (query.status !== undefined) {
      where.push("u.status = ? and u.removed_at is null");
      params.push(query.status);
    }
    if (query.groupId !== undefined) {
      where.push(
        this.#db.dialect === "postgresql"
          ? "exists (select 1 from jsonb_array_elements_text(u.group_ids::jsonb) g where g = ?)"
          : "exists (select 1 from json_each(u.group_ids) g where g.value = ?)",
      );
      params.push(query.groupId);
    }
    if (query.search !== undefined && query.search.trim() !== "") {
      const pattern = likePattern(query.search.trim());
      where.push(`(lower(u.username) like ? escape '\\' or lower(u.email) like ? escape '\\' or lower(coalesce(u.display_name, '')) like ? escape '\\')`);
      params.push(pattern, pattern, pattern);
    }
    if (query.updatedSince !== undefined) {
      where.push("u.updated_at >= ?");
      params.push(query.updatedSince);
    }
    keyset(query.cursor, "u", where, params);
    const limit = clampLimit(query.limit);
    return this.#db.session(async (s) => {
      const rows = await s.all(`select u.* from directory_user u ${whereSql(where)} order by u.scope_id, u.id limit ${limit + 1}`, params);
      const items = await this.#userViews(s, rows.slice(0, limit));
      return { items, nextCursor: next(rows, limit) };
    });
  }

  async getUser(scopeId: string, userId: string): Promise<UserView | null> {
    return this.#db.session(async (s) => {
      const rows = await s.all(`select * from directory_user where scope_id = ? and id = ?`, [scopeId, userId]);
      return (await this.#userViews(s, rows))[0] ?? null;
    });
  }

  async listApplications(query: ApplicationQuery): Promise<Page<ApplicationView>> {
    const where: string[] = [];
    const params: Param[] = [];
    if (query.scopeId !== undefined) {
      where.push("a.scope_id = ?");
      params.push(query.scopeId);
    }
    if (query.search !== undefined && query.search.trim() !== "") {
      const pattern = likePattern(query.search.trim());
      where.push(`(lower(a.name) like ? escape '\\' or lower(coalesce(a.display_label, '')) like ? escape '\\' or lower(coalesce(a.display_name, '')) like ? escape '\\')`);
      params.push(pattern, pattern, pattern);
    }
    if (query.updatedSince !== undefined) {
      where.push("a.updated_at >= ?");
      params.push(query.updatedSince);
    }
    keyset(query.cursor, "a", where, params);
    const limit = clampLimit(query.limit);
    return this.#db.session(async (s) => {
      const rows = await s.all(`select a.* from directory_application a ${whereSql(where)} order by a.scope_id, a.id limit ${limit + 1}`, params);
      return { items: await this.#applicationViews(s, rows.slice(0, limit)), nextCursor: next(rows, limit) };
    });
  }

  async getApplication(scopeId: string, applicationId: string): Promise<ApplicationView | null> {
    return this.#db.session(async (s) => {
      const rows = await s.all(`select * from directory_application where scope_id = ? and id = ?`, [scopeId, applicationId]);
      return (await this.#applicationViews(s, rows))[0] ?? null;
    });
  }

  /**
   * The application's users, by user id: everyone assigned now, and everyone with a recorded SSO
   * login into it (assigned or not: access kept after an unassignment is what an audit looks for).
   */
  async listApplicationUsers(scopeId: string, applicationId: string, page: { cursor?: string; limit: number }): Promise<Page<ApplicationUserView>> {
    const limit = clampLimit(page.limit);
    const params: Param[] = [scopeId, applicationId, scopeId, applicationId, scopeId, applicationId, scopeId];
    let after = "";
    if (page.cursor !== undefined) {
      const [userId] = decodeCursor(page.cursor, 1);
      after = "where x.user_id > ?";
      params.push(String(userId));
    }
    return this.#db.session(async (s) => {
      const rows = await s.all(
        `select x.user_id, s.direct, s.group_ids, s.user_id as assigned_user, u.username from (
           select user_id from app_assignment where scope_id = ? and application_id = ? and removed_at is null
           union
           select user_id from usage_record where scope_id = ? and application_id = ?
         ) x
         left join app_assignment s on s.scope_id = ? and s.application_id = ? and s.user_id = x.user_id and s.removed_at is null
         left join directory_user u on u.scope_id = ? and u.id = x.user_id
         ${after}
         order by x.user_id limit ${limit + 1}`,
        params,
      );
      const pageRows = rows.slice(0, limit);
      const coverage = await coverageOf(s, [scopeId]);
      const userIds = pageRows.map((r) => str(r["user_id"]));
      const usage = await usageOf(s, scopeId, userIds);
      const items = pageRows.map((r): ApplicationUserView => {
        const userId = str(r["user_id"]);
        const assigned = r["assigned_user"] !== null && r["assigned_user"] !== undefined;
        return {
          userId,
          username: strOrNull(r["username"]) ?? userId,
          assigned,
          direct: assigned && toBool(r["direct"]),
          groupIds: assigned ? parseIds(r["group_ids"]) : [],
          lastUsed: lastUsed(usage.get(`${userId}/${applicationId}`), coverage.get(scopeId)),
        };
      });
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.userId]) : null };
    });
  }

  async #userViews(s: Session, rows: readonly Record<string, unknown>[]): Promise<UserView[]> {
    if (rows.length === 0) return [];
    const byScope = groupByScope(rows);
    const coverage = await coverageOf(s, [...byScope.keys()]);
    const groupNames = new Map<string, string>();
    const assignments = new Map<string, Record<string, unknown>[]>();
    const apps = new Map<string, Record<string, unknown>>();
    const usage = new Map<string, UsageHit>();
    for (const [scopeId, scopeRows] of byScope) {
      const userIds = scopeRows.map((r) => str(r["id"]));
      const groupIds = [...new Set(scopeRows.flatMap((r) => parseIds(r["group_ids"])))];
      for (const g of await selectIn(s, `select id, name from directory_group where scope_id = ? and id in`, [scopeId], groupIds)) {
        groupNames.set(`${scopeId}/${str(g["id"])}`, str(g["name"]));
      }
      const assigned = await selectIn(s, `select * from app_assignment where scope_id = ? and user_id in`, [scopeId], userIds);
      for (const a of assigned) {
        const key = `${scopeId}/${str(a["user_id"])}`;
        assignments.set(key, [...(assignments.get(key) ?? []), a]);
      }
      const scopeUsage = await usageOf(s, scopeId, userIds);
      for (const [k, v] of scopeUsage) usage.set(`${scopeId}/${k}`, v);
      // Apps used without any assignment row (never assigned, or through a group since removed)
      // are the user's apps too: an audit looks for exactly those.
      for (const key of scopeUsage.keys()) {
        const [userId = "", applicationId = ""] = key.split("/");
        if (applicationId === "") continue;
        const list = assignments.get(`${scopeId}/${userId}`) ?? [];
        if (list.some((a) => str(a["application_id"]) === applicationId)) continue;
        assignments.set(`${scopeId}/${userId}`, [...list, { application_id: applicationId, direct: false, group_ids: "[]", removed_at: null, unassigned: true }]);
      }
      const appIds = [...new Set([...assignments.entries()].filter(([k]) => k.startsWith(`${scopeId}/`)).flatMap(([, list]) => list.map((a) => str(a["application_id"]))))];
      for (const a of await selectIn(s, `select * from directory_application where scope_id = ? and id in`, [scopeId], appIds)) {
        apps.set(`${scopeId}/${str(a["id"])}`, a);
      }
    }
    return rows.map((r): UserView => {
      const scopeId = str(r["scope_id"]);
      const user = userFromRow(r);
      const cov = coverage.get(scopeId);
      const applications = (assignments.get(`${scopeId}/${user.id}`) ?? [])
        .map((a): UserAppView => {
          const applicationId = str(a["application_id"]);
          const app = apps.get(`${scopeId}/${applicationId}`);
          const assignmentRemoved = toIsoOrNull(a["removed_at"]);
          const appRemoved = app === undefined ? null : toIsoOrNull(app["removed_at"]);
          const unassigned = a["unassigned"] === true;
          return {
            applicationId,
            name: app === undefined ? applicationId : str(app["name"]),
            displayLabel: app === undefined ? null : strOrNull(app["display_label"]),
            assigned: !unassigned && assignmentRemoved === null && appRemoved === null,
            direct: toBool(a["direct"]),
            groupIds: parseIds(a["group_ids"]),
            lastUsed: lastUsed(usage.get(`${scopeId}/${user.id}/${applicationId}`), cov),
            removedAt: assignmentRemoved ?? appRemoved,
          };
        })
        .sort((a, b) => (a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0));
      return {
        scopeId,
        id: user.id,
        username: user.username,
        email: user.email,
        displayName: user.displayName,
        status: user.removedAt === null ? user.status : "deleted",
        hr: user.hr,
        adminRole: user.adminRole,
        groups: user.groupIds.map((id) => ({ id, name: groupNames.get(`${scopeId}/${id}`) ?? id })),
        applications,
        lastUsed: lastUsed(usage.get(`${scopeId}/${user.id}/`), cov),
        removedAt: user.removedAt,
        updatedAt: toDate(r["updated_at"]).toISOString(),
      };
    });
  }

  async #applicationViews(s: Session, rows: readonly Record<string, unknown>[]): Promise<ApplicationView[]> {
    if (rows.length === 0) return [];
    const byScope = groupByScope(rows);
    const coverage = await coverageOf(s, [...byScope.keys()]);
    const assigned = new Map<string, number>();
    const usedBy = new Map<string, number>();
    const users = new Map<string, number>();
    const latest = new Map<string, UsageHit>();
    for (const [scopeId, scopeRows] of byScope) {
      const appIds = scopeRows.map((r) => str(r["id"]));
      for (const c of await selectIn(
        s,
        `select application_id, count(*) as n from app_assignment where scope_id = ? and removed_at is null and application_id in`,
        [scopeId],
        appIds,
        "group by application_id",
      )) {
        assigned.set(`${scopeId}/${str(c["application_id"])}`, Number(c["n"]));
      }
      // One usage row per (user, app): a count of rows is a count of users.
      for (const c of await selectIn(s, `select application_id, count(*) as n from usage_record where scope_id = ? and application_id in`, [scopeId], appIds, "group by application_id")) {
        usedBy.set(`${scopeId}/${str(c["application_id"])}`, Number(c["n"]));
      }
      for (let i = 0; i < appIds.length; i += 5_000) {
        const slice = appIds.slice(i, i + 5_000);
        const marks = slice.map(() => "?").join(", ");
        for (const c of await s.all(
          `select application_id, count(*) as n from (
             select application_id, user_id from app_assignment where scope_id = ? and removed_at is null and application_id in (${marks})
             union
             select application_id, user_id from usage_record where scope_id = ? and application_id in (${marks})
           ) x group by application_id`,
          [scopeId, ...slice, scopeId, ...slice],
        )) {
          users.set(`${scopeId}/${str(c["application_id"])}`, Number(c["n"]));
        }
      }
      const hits = await selectIn(
        s,
        `select r.application_id, r.last_used_at, r.source, r.event_id from usage_record r
         join (select application_id, max(last_used_at) as m from usage_record where scope_id = ? and application_id in`,
        [scopeId],
        appIds,
        `group by application_id) x on x.application_id = r.application_id and x.m = r.last_used_at where r.scope_id = ?`,
        [scopeId],
      );
      for (const h of hits) {
        const key = `${scopeId}/${str(h["application_id"])}`;
        const hit = usageHit(h);
        const prev = latest.get(key);
        if (prev === undefined || hit.eventId > prev.eventId) latest.set(key, hit);
      }
    }
    return rows.map((r): ApplicationView => {
      const scopeId = str(r["scope_id"]);
      const app = applicationFromRow(r);
      return {
        scopeId,
        id: app.id,
        name: app.name,
        displayLabel: app.displayLabel,
        ssoUrl: app.ssoUrl,
        active: app.active,
        assignedUsers: assigned.get(`${scopeId}/${app.id}`) ?? 0,
        usedBy: usedBy.get(`${scopeId}/${app.id}`) ?? 0,
        users: users.get(`${scopeId}/${app.id}`) ?? 0,
        lastUsed: lastUsed(latest.get(`${scopeId}/${app.id}`), coverage.get(scopeId)),
        removedAt: app.removedAt,
        updatedAt: toDate(r["updated_at"]).toISOString(),
      };
    });
  }
}

function lastUsed(hit: UsageHit | undefined, coverage: UsageCoverage | undefined): LastUsed {
  return lastUsedOf(hit ?? null, coverage ?? { kind: "not-synced" });
}

function usageHit(r: Record<string, unknown>): UsageHit {
  return { lastUsedAt: toIsoOrNull(r["last_used_at"]) ?? "", source: str(r["source"]) as UsageSource, eventId: str(r["event_id"]) };
}

/** Usage of the given users in one scope, keyed `userId/applicationId` (`userId/` overall). */
async function usageOf(s: Session, scopeId: string, userIds: readonly string[]): Promise<Map<string, UsageHit>> {
  const out = new Map<string, UsageHit>();
  for (const r of await selectIn(s, `select user_id, application_id, last_used_at, source, event_id from usage_record where scope_id = ? and user_id in`, [scopeId], userIds)) {
    out.set(`${str(r["user_id"])}/${str(r["application_id"])}`, usageHit(r));
  }
  return out;
}

async function coverageOf(s: Session, scopeIds: readonly string[]): Promise<Map<string, UsageCoverage>> {
  const out = new Map<string, UsageCoverage>();
  for (const r of await selectIn(s, `select * from usage_coverage where scope_id in`, [], scopeIds)) {
    const scopeId = str(r["scope_id"]);
    const kind = str(r["kind"]);
    if (kind === "available") out.set(scopeId, { kind, since: str(r["since"]) });
    else if (kind === "unavailable") out.set(scopeId, { kind, reason: str(r["reason"]) as "insights-not-enabled" | "insights-forbidden", detail: strOrNull(r["detail"]) ?? "" });
  }
  return out;
}

/** `<head> (?, ?, …) <tail>` over `ids`, in slices that respect the parameter limit. */
export async function selectIn(s: Session, head: string, before: readonly Param[], ids: readonly string[], tail = "", after: readonly Param[] = []): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < ids.length; i += 10_000) {
    const slice = ids.slice(i, i + 10_000);
    out.push(...(await s.all(`${head} (${slice.map(() => "?").join(", ")}) ${tail}`, [...before, ...slice, ...after])));
  }
  return out;
}

export function groupByScope(rows: readonly Record<string, unknown>[]): Map<string, Record<string, unknown>[]> {
  const out = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const scopeId = str(r["scope_id"]);
    out.set(scopeId, [...(out.get(scopeId) ?? []), r]);
  }
  return out;
}

function keyset(cursor: string | undefined, alias: string, where: string[], params: Param[]): void {
  if (cursor === undefined) return;
  const [scopeId, id] = decodeCursor(cursor, 2).map(String) as [string, string];
  where.push(`(${alias}.scope_id > ? or (${alias}.scope_id = ? and ${alias}.id > ?))`);
  params.push(scopeId, scopeId, id);
}

function next(rows: readonly Record<string, unknown>[], limit: number): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last !== undefined ? encodeCursor([str(last["scope_id"]), str(last["id"])]) : null;
}

export function whereSql(where: readonly string[]): string {
  return where.length > 0 ? `where ${where.join(" and ")}` : "";
}

export function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
}
