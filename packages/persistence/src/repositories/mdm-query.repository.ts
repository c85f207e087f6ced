import {
  INSTALLATION_SOURCES,
  isInstalledState,
  mergeInstalledApps,
  userInstalledApps,
  type AppDeviceView,
  type AppUserView,
  type DeviceDetailView,
  type DeviceManagedStatusView,
  type DeviceQuery,
  type DeviceStatus,
  type DeviceUserView,
  type DeviceView,
  type InstalledAppQuery,
  type InstalledAppView,
  type ManagedAppQuery,
  type ManagedAppView,
  type MdmQueryPort,
  type Page,
  type PageRequest,
  type StoredInstallation,
  type UserInstalledAppView,
} from "@jumpcloud-sync/domain";
import { decodeCursor, encodeCursor, str, strOrNull, toDate, toIsoOrNull, type Db, type Param, type Session } from "../db.js";
import { groupByScope, likePattern, selectIn, whereSql } from "./directory-query.repository.js";
import { coverageFromRow, deviceFromRow, installationFromRow, managedAppFromRow, statusFromRow } from "./mdm-store.repository.js";
import { clampLimit } from "./sync-run.repository.js";

type Row = Record<string, unknown>;

/** Live installation rows on live devices: what "installed" means in every read model. */
const LIVE_ON_LIVE_DEVICE = `join device d on d.scope_id = i.scope_id and d.id = i.device_id and d.removed_at is null`;

/**
 * The MDM read models. Keyset pages with opaque cursors; each page costs a fixed number of
 * queries (the page, then its details in bulk), and aggregates (device and user counts, versions,
 * sources) are computed by the database, never by loading every installation of an app.
 */
export class MdmQueryRepository implements MdmQueryPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async listDevices(query: DeviceQuery): Promise<Page<DeviceView>> {
    const where: string[] = [];
    const params: Param[] = [];
    if (query.scopeId !== undefined) {
      where.push("d.scope_id = ?");
      params.push(query.scopeId);
    }
    if (query.osFamily !== undefined) {
      where.push("lower(d.os_family) = ?");
      params.push(query.osFamily.toLowerCase());
    }
    if (query.os !== undefined) {
      where.push("lower(d.os) = ?");
      params.push(query.os.toLowerCase());
    }
    if (query.status === "deleted") where.push("d.removed_at is not null");
    else if (query.status !== undefined) {
      where.push("d.removed_at is null and d.active = ?");
      params.push(query.status === "active");
    }
    if (query.userId !== undefined) {
      where.push("exists (select 1 from device_binding b where b.scope_id = d.scope_id and b.device_id = d.id and b.user_id = ? and b.removed_at is null)");
      params.push(query.userId);
    }
    if (query.systemInsights !== undefined) {
      where.push("d.system_insights = ?");
      params.push(query.systemInsights);
    }
    if (query.lastContactBefore !== undefined) {
      where.push("(d.last_contact_at is null or d.last_contact_at < ?)");
      params.push(query.lastContactBefore);
    }
    if (query.lastContactSince !== undefined) {
      where.push("d.last_contact_at >= ?");
      params.push(query.lastContactSince);
    }
    if (query.search !== undefined && query.search.trim() !== "") {
      const pattern = likePattern(query.search.trim());
      where.push(
        `(lower(coalesce(d.hostname, '')) like ? escape '\\' or lower(coalesce(d.display_name, '')) like ? escape '\\' or lower(coalesce(d.serial_number, '')) like ? escape '\\')`,
      );
      params.push(pattern, pattern, pattern);
    }
    if (query.updatedSince !== undefined) {
      where.push("d.updated_at >= ?");
      params.push(query.updatedSince);
    }
    scopedKeyset(query.cursor, "d.scope_id", "d.id", where, params);
    const limit = clampLimit(query.limit);
    return this.#db.session(async (s) => {
      const rows = await s.all(`select d.* from device d ${whereSql(where)} order by d.scope_id, d.id limit ${limit + 1}`, params);
      return { items: await this.#deviceViews(s, rows.slice(0, limit)), nextCursor: nextScoped(rows, limit, "id") };
    });
  }

  async getDevice(scopeId: string, deviceId: string): Promise<DeviceDetailView | null> {
    return this.#db.session(async (s) => {
      const rows = await s.all(`select * from device where scope_id = ? and id = ?`, [scopeId, deviceId]);
      const view = (await this.#deviceViews(s, rows))[0];
      if (view === undefined) return null;
      const installations = (await s.all(`select * from installation where scope_id = ? and device_id = ?`, [scopeId, deviceId])).map(installationFromRow);
      const statuses = await s.all(
        `select st.*, a.display_name as app_display_name from managed_app_status st
         left join managed_app a on a.scope_id = st.scope_id and a.id = st.app_id
         where st.scope_id = ? and st.device_id = ? order by st.app_id`,
        [scopeId, deviceId],
      );
      const coverage = coverageFromRow(await s.get(`select kind, since, reason, detail from software_events_coverage where scope_id = ?`, [scopeId]));
      return {
        ...view,
        installations: mergeInstalledApps(installations).map((a) => ({
          appKey: a.appKey,
          name: a.name,
          sources: a.sources,
          versions: a.versions,
          firstSeenAt: a.firstSeenAt,
          lastSeenAt: a.lastSeenAt,
          managedAppIds: a.managedAppIds,
        })),
        managedStatuses: statuses.map((r): DeviceManagedStatusView => {
          const st = statusFromRow(r);
          return {
            appId: st.appId,
            displayName: strOrNull(r["app_display_name"]),
            state: st.state,
            installed: isInstalledState(st.state),
            version: st.version,
            timestamp: st.timestamp,
            removedAt: st.removedAt,
          };
        }),
        softwareEventsCoverage: coverage,
      };
    });
  }

  async #deviceViews(s: Session, rows: readonly Row[]): Promise<DeviceView[]> {
    if (rows.length === 0) return [];
    const users = new Map<string, DeviceUserView[]>();
    const apps = new Map<string, number>();
    for (const [scopeId, scopeRows] of groupByScope(rows)) {
      const ids = scopeRows.map((r) => str(r["id"]));
      for (const b of await selectIn(
        s,
        `select b.device_id, b.user_id, u.username from device_binding b
         left join directory_user u on u.scope_id = b.scope_id and u.id = b.user_id
         where b.scope_id = ? and b.removed_at is null and b.device_id in`,
        [scopeId],
        ids,
        "order by b.device_id, b.user_id",
      )) {
        const k = `${scopeId}/${str(b["device_id"])}`;
        const list = users.get(k) ?? [];
        list.push({ userId: str(b["user_id"]), username: strOrNull(b["username"]) ?? str(b["user_id"]) });
        users.set(k, list);
      }
      for (const c of await selectIn(
        s,
        `select device_id, count(distinct app_key) as n from installation where scope_id = ? and removed_at is null and device_id in`,
        [scopeId],
        ids,
        "group by device_id",
      )) {
        apps.set(`${scopeId}/${str(c["device_id"])}`, Number(c["n"]));
      }
    }
    return rows.map((r): DeviceView => {
      const scopeId = str(r["scope_id"]);
      const d = deviceFromRow(r);
      const status: DeviceStatus = d.removedAt !== null ? "deleted" : d.active ? "active" : "inactive";
      return {
        scopeId,
        id: d.id,
        hostname: d.hostname,
        displayName: d.displayName,
        serialNumber: d.serialNumber,
        os: d.os,
        osFamily: d.osFamily,
        version: d.version,
        arch: d.arch,
        lastContact: d.lastContact,
        status,
        agentVersion: d.agentVersion,
        systemInsights: d.systemInsights,
        mdm: d.mdm,
        users: users.get(`${scopeId}/${d.id}`) ?? [],
        installedApps: apps.get(`${scopeId}/${d.id}`) ?? 0,
        removedAt: d.removedAt,
        updatedAt: toDate(r["updated_at"]).toISOString(),
      };
    });
  }

  async listInstalledApps(query: InstalledAppQuery): Promise<Page<InstalledAppView>> {
    // Filters on one installation row (the scope and the keyset come separately).
    const filters: string[] = [];
    const filterParams: Param[] = [];
    if (query.search !== undefined && query.search.trim() !== "") {
      const pattern = likePattern(query.search.trim());
      filters.push(`(lower(i.app_key) like ? escape '\\' or lower(i.name) like ? escape '\\')`);
      filterParams.push(pattern, pattern);
    }
    if (query.source !== undefined) {
      if (!INSTALLATION_SOURCES.includes(query.source)) throw new RangeError(`unknown installation source: ${String(query.source)}`);
      filters.push("i.source = ? and i.removed_at is null");
      filterParams.push(query.source);
    }
    // "Some row written since" is "the latest write since", and removals count: the row may be a tombstone.
    if (query.updatedSince !== undefined) {
      filters.push("i.updated_at >= ?");
      filterParams.push(query.updatedSince);
    } else if (query.source === undefined) {
      filters.push("i.removed_at is null");
    }
    const limit = clampLimit(query.limit);
    return this.#db.session(async (s) => {
      // Candidates come a batch at a time in key order; the views keep only apps with a live row
      // on a live device (a candidate found through `updatedSince` may be a tombstone), so a
      // batch may come up short and the next one continues after its last candidate.
      const items: InstalledAppView[] = [];
      let after: string | undefined = query.cursor;
      let more = false;
      for (;;) {
        const batch = Math.min(1000, limit + 1 - items.length);
        const rows =
          query.scopeId === undefined ? await this.#candidatesAcrossScopes(s, filters, filterParams, after, batch) : await this.#candidatesInScope(s, query.scopeId, filters, filterParams, after, batch);
        items.push(...(await this.#installedAppViews(s, rows)));
        const last = rows.at(-1);
        if (items.length > limit) {
          more = true;
          break;
        }
        if (rows.length < batch || last === undefined) break;
        after = encodeCursor([str(last["scope_id"]), str(last["app_key"])]);
      }
      const page = items.slice(0, limit);
      const tail = page.at(-1);
      return { items: page, nextCursor: more && tail !== undefined ? encodeCursor([tail.scopeId, tail.appKey]) : null };
    });
  }

  /**
   * The next `batch` app keys of one scope by a loose index scan: each step asks the
   * (scope_id, app_key) index for the first key after the previous one with a matching row on a
   * live device, so a popular app costs one probe, not a pass over its thousands of rows (a
   * GROUP BY would aggregate every installation before the LIMIT).
   */
  async #candidatesInScope(s: Session, scopeId: string, filters: readonly string[], filterParams: readonly Param[], cursor: string | undefined, batch: number): Promise<Row[]> {
    let start = "";
    if (cursor !== undefined) {
      const [cursorScope, key] = decodeCursor(cursor, 2).map(String) as [string, string];
      if (cursorScope > scopeId) return [];
      if (cursorScope === scopeId) start = key;
    }
    const match = ["exists (select 1 from device d where d.scope_id = i.scope_id and d.id = i.device_id and d.removed_at is null)", ...filters].join(" and ");
    const next = (from: string) => `(select i.app_key from installation i where i.scope_id = ? and i.app_key > ${from} and ${match} order by i.app_key limit 1)`;
    const rows = await s.all(
      `with recursive k (n, app_key) as (
         select 1, ${next("?")}
         union all
         select k.n + 1, ${next("k.app_key")} from k where k.app_key is not null and k.n < ${batch}
       )
       select app_key from k where app_key is not null`,
      [scopeId, start, ...filterParams, scopeId, ...filterParams],
    );
    return rows.map((r) => ({ scope_id: scopeId, app_key: str(r["app_key"]) }));
  }

  /** Without a scope: grouped candidates on (scope_id, app_key) (an operator's view across scopes). */
  async #candidatesAcrossScopes(s: Session, filters: readonly string[], filterParams: readonly Param[], cursor: string | undefined, batch: number): Promise<Row[]> {
    const where = [...filters];
    const params = [...filterParams];
    scopedKeyset(cursor, "i.scope_id", "i.app_key", where, params);
    return s.all(`select i.scope_id, i.app_key from installation i ${LIVE_ON_LIVE_DEVICE} ${whereSql(where)} group by i.scope_id, i.app_key order by i.scope_id, i.app_key limit ${batch}`, params);
  }

  async getInstalledApp(scopeId: string, appKey: string): Promise<InstalledAppView | null> {
    return this.#db.session(async (s) => (await this.#installedAppViews(s, [{ scope_id: scopeId, app_key: appKey }]))[0] ?? null);
  }

  /** Aggregates per app, by the database: rows per (app, source, managed app, version), counts. */
  async #installedAppViews(s: Session, rows: readonly Row[]): Promise<InstalledAppView[]> {
    const out: InstalledAppView[] = [];
    for (const [scopeId, scopeRows] of groupByScope(rows)) {
      const keys = scopeRows.map((r) => str(r["app_key"]));
      const totals = new Map<string, Row>();
      // Devices, users (through live bindings: left join, a device may have none), seen range and
      // latest write in one pass over the page's rows.
      for (const t of await selectIn(
        s,
        `select i.app_key, count(distinct case when i.removed_at is null then i.device_id end) as devices,
                count(distinct case when i.removed_at is null then b.user_id end) as users,
                min(case when i.removed_at is null then i.first_seen_at end) as first_seen,
                max(case when i.removed_at is null then i.last_seen_at end) as last_seen,
                max(i.updated_at) as updated
         from installation i ${LIVE_ON_LIVE_DEVICE}
         left join device_binding b on b.scope_id = i.scope_id and b.device_id = i.device_id and b.removed_at is null
         where i.scope_id = ? and i.app_key in`,
        [scopeId],
        keys,
        "group by i.app_key having sum(case when i.removed_at is null then 1 else 0 end) > 0",
      )) {
        totals.set(str(t["app_key"]), t);
      }
      const detail = new Map<string, Row[]>();
      for (const r of await selectIn(
        s,
        `select i.app_key, i.source, case when i.source = 'managed' then i.source_ref else '' end as ref, i.version, min(i.name) as name
         from installation i ${LIVE_ON_LIVE_DEVICE} where i.scope_id = ? and i.removed_at is null and i.app_key in`,
        [scopeId],
        keys,
        "group by i.app_key, i.source, case when i.source = 'managed' then i.source_ref else '' end, i.version",
      )) {
        const k = str(r["app_key"]);
        detail.set(k, [...(detail.get(k) ?? []), r]);
      }
      for (const appKey of keys) {
        const t = totals.get(appKey);
        if (t === undefined) continue;
        const d = detail.get(appKey) ?? [];
        const sources = INSTALLATION_SOURCES.filter((src) => d.some((r) => r["source"] === src));
        // The name of the preferred source present (managed, events, inventory), its smallest spelling.
        const preferred = sources[0];
        const names = d.filter((r) => r["source"] === preferred).map((r) => str(r["name"]));
        out.push({
          scopeId,
          appKey,
          name: names.sort()[0] ?? appKey,
          devices: Number(t["devices"]),
          users: Number(t["users"]),
          sources,
          versions: distinctSorted(d.map((r) => strOrNull(r["version"]))),
          managedAppIds: distinctSorted(d.filter((r) => r["source"] === "managed").map((r) => str(r["ref"]))),
          firstSeenAt: toIsoOrNull(t["first_seen"]),
          lastSeenAt: toIsoOrNull(t["last_seen"]),
          updatedAt: toDate(t["updated"]).toISOString(),
        });
      }
    }
    return out;
  }

  async listAppDevices(scopeId: string, appKey: string, page: PageRequest): Promise<Page<AppDeviceView>> {
    const limit = clampLimit(page.limit);
    const params: Param[] = [scopeId, appKey];
    let after = "";
    if (page.cursor !== undefined) {
      after = "and i.device_id > ?";
      params.push(String(decodeCursor(page.cursor, 1)[0]));
    }
    return this.#db.session(async (s) => {
      const ids = (
        await s.all(
          `select i.device_id from installation i ${LIVE_ON_LIVE_DEVICE}
           where i.scope_id = ? and i.app_key = ? and i.removed_at is null ${after}
           group by i.device_id order by i.device_id limit ${limit + 1}`,
          params,
        )
      ).map((r) => str(r["device_id"]));
      const pageIds = ids.slice(0, limit);
      const rows = await selectIn(s, `select * from installation where scope_id = ? and app_key = ? and removed_at is null and device_id in`, [scopeId, appKey], pageIds);
      const devices = new Map<string, Row>();
      for (const d of await selectIn(s, `select id, hostname, display_name from device where scope_id = ? and id in`, [scopeId], pageIds)) devices.set(str(d["id"]), d);
      const merged = new Map(mergeInstalledApps(rows.map(installationFromRow)).map((a) => [a.deviceId, a]));
      const items = pageIds.flatMap((id): AppDeviceView[] => {
        const a = merged.get(id);
        const d = devices.get(id);
        if (a === undefined) return [];
        return [
          {
            deviceId: id,
            hostname: d === undefined ? null : strOrNull(d["hostname"]),
            displayName: d === undefined ? null : strOrNull(d["display_name"]),
            sources: a.sources,
            versions: a.versions,
            firstSeenAt: a.firstSeenAt,
            lastSeenAt: a.lastSeenAt,
          },
        ];
      });
      return { items, nextCursor: ids.length > limit ? encodeCursor([pageIds.at(-1) ?? ""]) : null };
    });
  }

  async listAppUsers(scopeId: string, appKey: string, page: PageRequest): Promise<Page<AppUserView>> {
    const limit = clampLimit(page.limit);
    const params: Param[] = [scopeId, appKey];
    let after = "";
    if (page.cursor !== undefined) {
      after = "and b.user_id > ?";
      params.push(String(decodeCursor(page.cursor, 1)[0]));
    }
    const holders = `from installation i ${LIVE_ON_LIVE_DEVICE}
      join device_binding b on b.scope_id = i.scope_id and b.device_id = i.device_id and b.removed_at is null
      where i.scope_id = ? and i.app_key = ? and i.removed_at is null`;
    return this.#db.session(async (s) => {
      const ids = (await s.all(`select b.user_id ${holders} ${after} group by b.user_id order by b.user_id limit ${limit + 1}`, params)).map((r) => str(r["user_id"]));
      const pageIds = ids.slice(0, limit);
      const devices = new Map<string, Set<string>>();
      for (const r of await selectIn(s, `select distinct b.user_id, i.device_id ${holders} and b.user_id in`, [scopeId, appKey], pageIds)) {
        const u = str(r["user_id"]);
        const set = devices.get(u) ?? new Set<string>();
        set.add(str(r["device_id"]));
        devices.set(u, set);
      }
      const names = new Map<string, string>();
      for (const u of await selectIn(s, `select id, username from directory_user where scope_id = ? and id in`, [scopeId], pageIds)) names.set(str(u["id"]), str(u["username"]));
      const items = pageIds.map((userId): AppUserView => ({ userId, username: names.get(userId) ?? userId, deviceIds: [...(devices.get(userId) ?? [])].sort() }));
      return { items, nextCursor: ids.length > limit ? encodeCursor([pageIds.at(-1) ?? ""]) : null };
    });
  }

  async listUserInstalledApps(scopeId: string, userId: string, page: PageRequest): Promise<Page<UserInstalledAppView>> {
    const limit = clampLimit(page.limit);
    const params: Param[] = [scopeId, userId];
    let after = "";
    if (page.cursor !== undefined) {
      after = "and i.app_key > ?";
      params.push(String(decodeCursor(page.cursor, 1)[0]));
    }
    return this.#db.session(async (s) => {
      const bindings = (
        await s.all(
          `select b.device_id, b.user_id from device_binding b join device d on d.scope_id = b.scope_id and d.id = b.device_id and d.removed_at is null
           where b.scope_id = ? and b.user_id = ? and b.removed_at is null`,
          [scopeId, userId],
        )
      ).map((r) => ({ deviceId: str(r["device_id"]), userId: str(r["user_id"]), removedAt: null }));
      const deviceIds = bindings.map((b) => b.deviceId);
      if (deviceIds.length === 0) return { items: [], nextCursor: null };
      // A user has few devices: naming them lets both databases probe the primary key
      // (scope_id, device_id) instead of walking the app-key index in ORDER BY order (SQLite chose
      // that for the join form). A user bound to thousands of devices falls back to the join.
      const keys = (
        deviceIds.length <= 5_000
          ? await s.all(
              `select i.app_key from installation i where i.scope_id = ? and i.device_id in (${deviceIds.map(() => "?").join(", ")}) and i.removed_at is null ${after}
               group by i.app_key order by i.app_key limit ${limit + 1}`,
              [scopeId, ...deviceIds, ...params.slice(2)],
            )
          : await s.all(
              `select i.app_key from device_binding b
               join device d on d.scope_id = b.scope_id and d.id = b.device_id and d.removed_at is null
               join installation i on i.scope_id = b.scope_id and i.device_id = b.device_id and i.removed_at is null
               where b.scope_id = ? and b.user_id = ? and b.removed_at is null ${after}
               group by i.app_key order by i.app_key limit ${limit + 1}`,
              params,
            )
      ).map((r) => str(r["app_key"]));
      const pageKeys = keys.slice(0, limit);
      const rows: StoredInstallation[] = [];
      // The user's devices are few; the page's apps bound the rest.
      for (let i = 0; i < pageKeys.length; i += 500) {
        const slice = pageKeys.slice(i, i + 500);
        rows.push(
          ...(
            await selectIn(s, `select * from installation where scope_id = ? and removed_at is null and app_key in (${slice.map(() => "?").join(", ")}) and device_id in`, [scopeId, ...slice], deviceIds)
          ).map(installationFromRow),
        );
      }
      const items = userInstalledApps(bindings, mergeInstalledApps(rows)).map(
        (a): UserInstalledAppView => ({ appKey: a.appKey, name: a.name, sources: a.sources, versions: a.versions, deviceIds: a.deviceIds }),
      );
      return { items, nextCursor: keys.length > limit ? encodeCursor([pageKeys.at(-1) ?? ""]) : null };
    });
  }

  async listManagedApps(query: ManagedAppQuery): Promise<Page<ManagedAppView>> {
    const where: string[] = [];
    const params: Param[] = [];
    if (query.scopeId !== undefined) {
      where.push("a.scope_id = ?");
      params.push(query.scopeId);
    }
    if (query.search !== undefined && query.search.trim() !== "") {
      const pattern = likePattern(query.search.trim());
      where.push(`(lower(a.display_name) like ? escape '\\' or lower(a.app_key) like ? escape '\\')`);
      params.push(pattern, pattern);
    }
    if (query.updatedSince !== undefined) {
      where.push("a.updated_at >= ?");
      params.push(query.updatedSince);
    }
    scopedKeyset(query.cursor, "a.scope_id", "a.id", where, params);
    const limit = clampLimit(query.limit);
    return this.#db.session(async (s) => {
      const rows = await s.all(`select a.* from managed_app a ${whereSql(where)} order by a.scope_id, a.id limit ${limit + 1}`, params);
      return { items: await this.#managedAppViews(s, rows.slice(0, limit)), nextCursor: nextScoped(rows, limit, "id") };
    });
  }

  async getManagedApp(scopeId: string, appId: string): Promise<ManagedAppView | null> {
    return this.#db.session(async (s) => (await this.#managedAppViews(s, await s.all(`select * from managed_app where scope_id = ? and id = ?`, [scopeId, appId])))[0] ?? null);
  }

  async #managedAppViews(s: Session, rows: readonly Row[]): Promise<ManagedAppView[]> {
    if (rows.length === 0) return [];
    const counts = new Map<string, Record<string, number>>();
    const linked = new Map<string, number>();
    for (const [scopeId, scopeRows] of groupByScope(rows)) {
      const ids = scopeRows.map((r) => str(r["id"]));
      for (const c of await selectIn(
        s,
        `select app_id, upper(state) as state, count(*) as n from managed_app_status where scope_id = ? and removed_at is null and app_id in`,
        [scopeId],
        ids,
        "group by app_id, upper(state)",
      )) {
        const k = `${scopeId}/${str(c["app_id"])}`;
        counts.set(k, { ...(counts.get(k) ?? {}), [str(c["state"])]: Number(c["n"]) });
      }
      for (const c of await selectIn(
        s,
        `select l.app_id, count(*) as n from managed_app_link l join device d on d.scope_id = l.scope_id and d.id = l.device_id and d.removed_at is null
         where l.scope_id = ? and l.removed_at is null and l.app_id in`,
        [scopeId],
        ids,
        "group by l.app_id",
      )) {
        linked.set(`${scopeId}/${str(c["app_id"])}`, Number(c["n"]));
      }
    }
    return rows.map((r): ManagedAppView => {
      const scopeId = str(r["scope_id"]);
      const a = managedAppFromRow(r);
      const first = a.settings[0];
      return {
        scopeId,
        id: a.id,
        displayName: a.displayName,
        appKey: str(r["app_key"]),
        packageManager: first?.packageManager ?? null,
        packageId: first?.packageId ?? null,
        bundleId: first?.bundleId ?? null,
        desiredState: first?.desiredState ?? null,
        statusCounts: counts.get(`${scopeId}/${a.id}`) ?? {},
        linkedDevices: linked.get(`${scopeId}/${a.id}`) ?? 0,
        removedAt: a.removedAt,
        updatedAt: toDate(r["updated_at"]).toISOString(),
      };
    });
  }
}

function distinctSorted(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}

/** Keyset on (scope, id) with an opaque cursor of both. */
function scopedKeyset(cursor: string | undefined, scopeCol: string, idCol: string, where: string[], params: Param[]): void {
  if (cursor === undefined) return;
  const [scopeId, id] = decodeCursor(cursor, 2).map(String) as [string, string];
  where.push(`(${scopeCol} > ? or (${scopeCol} = ? and ${idCol} > ?))`);
  params.push(scopeId, scopeId, id);
}

function nextScoped(rows: readonly Row[], limit: number, idCol: string): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last !== undefined ? encodeCursor([str(last["scope_id"]), str(last[idCol])]) : null;
}

