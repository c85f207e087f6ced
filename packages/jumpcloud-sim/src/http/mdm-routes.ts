// The MDM routes: systems (v1), device bindings and managed software (v2), System Insights tables.
import type { SystemInsightsTable } from "../api.types.js";
import { SimError } from "../errors.js";
import { type Device, type SoftwareApp, inventoryRow, siSoftware, softwareAppRecord, statusRecord, systemRecord } from "../mdm-model.js";
import { appSystems, deviceOf, softwareAppOf } from "../mdm-world.js";
import type { Org } from "../model.js";
import { cacheOf, edge, node, objectIdParam, userOf, v1List, v2List } from "./console-routes.js";
import { type Ctx, type Reply, type Route, route } from "./context.js";
import { applySort, parseV1, parseV2, project, splitV2Filters } from "./list-query.js";

type Rec = Record<string, unknown>;

function systemRec(org: Org, d: Device): Rec & { _id: string; id: string } {
  const users: { username: string; suspended: boolean; admin: boolean }[] = [];
  for (const id of d.users) {
    const u = org.userById.get(id);
    if (u !== undefined) users.push({ username: u.username, suspended: u.state === "SUSPENDED", admin: false });
  }
  return systemRecord(d, users);
}

function deviceParam(ctx: Ctx, name: string): Device {
  return deviceOf(ctx.world, objectIdParam("system id", ctx.params[name] as string), ctx.org);
}
function appParam(ctx: Ctx, name: string): SoftwareApp {
  return softwareAppOf(ctx.world, objectIdParam("software app id", ctx.params[name] as string), ctx.org);
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Users of a device with every path: direct (1 hop) and through each bound user group (2 hops). */
function deviceUserRows(org: Org, d: Device): Rec[] {
  const paths = new Map<string, unknown[][]>();
  const add = (uid: string, path: unknown[]) => {
    const list = paths.get(uid);
    if (list === undefined) paths.set(uid, [path]);
    else list.push(path);
  };
  for (const uid of d.users) if (org.userById.has(uid)) add(uid, [edge(uid, "user")]);
  for (const gid of d.userGroups) for (const uid of org.groupById.get(gid)?.members ?? []) add(uid, [edge(gid, "user_group"), edge(uid, "user")]);
  return [...paths.keys()].sort(byId).map((id) => ({ id, type: "user", compiledAttributes: null, paths: paths.get(id) }));
}

/** user id → the devices reachable from that user, with paths; built once per world version. */
function userSystemIndex(ctx: Ctx): Map<string, Rec[]> {
  const [index] = cacheOf(ctx).get(`userSystems|${ctx.org.id}`, ctx.world.version, () => {
    const org = ctx.org;
    const out = new Map<string, Rec[]>();
    for (const d of org.mdm.devices) {
      const paths = new Map<string, unknown[][]>();
      const add = (uid: string, path: unknown[]) => {
        const list = paths.get(uid);
        if (list === undefined) paths.set(uid, [path]);
        else list.push(path);
      };
      for (const uid of d.users) add(uid, [edge(d.id, "system")]);
      for (const gid of d.userGroups) for (const uid of org.groupById.get(gid)?.members ?? []) add(uid, [edge(gid, "user_group"), edge(d.id, "system")]);
      for (const [uid, p] of paths) {
        const row = { id: d.id, type: "system", compiledAttributes: null, paths: p };
        const list = out.get(uid);
        if (list === undefined) out.set(uid, [row]);
        else list.push(row);
      }
    }
    return [out];
  });
  return index as Map<string, Rec[]>;
}

function targetsParam(ctx: Ctx, allowed: readonly string[]): Set<string> {
  const raw = ctx.query.getAll("targets");
  if (raw.length === 0) throw new SimError(400, `targets is required (${allowed.join(", ")})`);
  const targets = new Set(raw.flatMap((t) => t.split(",")));
  for (const t of targets) if (!allowed.includes(t)) throw new SimError(400, `invalid target "${t}"; expected ${allowed.join(", ")}`);
  return targets;
}

// ---- System Insights -------------------------------------------------------------------------

export const SI_MAX_LIMIT = 10_000;
const SI_DEFAULT_LIMIT = 10;

/** Valid filter fields per table, from each operation's description (system_id everywhere: the shared filter trait's own example). */
const SI_FILTER_FIELDS: Record<SystemInsightsTable, readonly string[]> = {
  apps: ["system_id", "bundle_name"],
  programs: ["system_id", "name"],
  linux_packages: ["system_id", "name", "package_format"],
  chrome_extensions: ["system_id", "name"],
  firefox_addons: ["system_id", "name"],
  safari_extensions: ["system_id", "name"],
};
export const SI_TABLES = Object.keys(SI_FILTER_FIELDS) as SystemInsightsTable[];

interface SiFilter {
  field: string;
  values: Set<string>;
}

function siParams(ctx: Ctx, table: SystemInsightsTable) {
  const int = (name: string, fallback: number): number => {
    const raw = ctx.query.get(name);
    if (raw === null) return fallback;
    if (!/^\d+$/.test(raw)) throw new SimError(400, `${name} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  };
  const limit = int("limit", SI_DEFAULT_LIMIT);
  if (limit > SI_MAX_LIMIT) throw new SimError(400, `limit must be at most ${SI_MAX_LIMIT}, got ${limit}`);
  const filters: SiFilter[] = [];
  for (const raw of ctx.query.getAll("filter")) {
    for (const expr of splitV2Filters(raw)) {
      const m = /^([^:]+):([^:]*):([\s\S]*)$/.exec(expr);
      if (m === null) throw new SimError(400, `invalid filter "${expr}": expected <field>:<op>:<value>`);
      const [, field, op, value] = m as unknown as [string, string, string, string];
      if (op !== "eq" && op !== "in") throw new SimError(400, `invalid filter "${expr}": System Insights supports only eq and in`);
      if (!SI_FILTER_FIELDS[table].includes(field)) throw new SimError(400, `invalid filter "${expr}": valid filter fields for ${table} are ${SI_FILTER_FIELDS[table].join(", ")}`);
      filters.push({ field, values: new Set(op === "eq" ? [value] : value.split("|")) });
    }
  }
  const sort = (ctx.query.get("sort") ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => (p.startsWith("-") ? { field: p.slice(1), desc: true } : { field: p, desc: false }));
  return { limit, skip: int("skip", 0), filters, sort };
}

/** Row positions (device index, item index) of a table, in served order; rebuilt when the world changes. */
function siIndex(ctx: Ctx, table: SystemInsightsTable): { dev: Int32Array; item: Int32Array } {
  const [index] = cacheOf(ctx).get(`si|${table}|${ctx.org.id}`, ctx.world.version, () => {
    const devices = ctx.org.mdm.devices;
    const variants = ctx.world.software;
    let n = 0;
    const dev: number[] = [];
    const item: number[] = [];
    devices.forEach((d, di) => {
      if (d.si !== "enabled") return;
      const sw = siSoftware(d).sw;
      for (let k = 0; k < sw.length; k++) {
        if (variants.variant(sw[k] as number).table !== table) continue;
        dev.push(di);
        item.push(k);
        n++;
      }
    });
    return [{ dev: Int32Array.from(dev), item: Int32Array.from(item), n }];
  });
  return index as { dev: Int32Array; item: Int32Array };
}

function systemInsights(table: SystemInsightsTable) {
  return (ctx: Ctx): Reply => {
    const p = siParams(ctx, table);
    const devices = ctx.org.mdm.devices;
    const sw = ctx.world.software;
    const { dev, item } = siIndex(ctx, table);
    // Filters are checked on the device and the catalog entry, without building rows.
    const field = (d: Device, k: number, name: string): string => {
      if (name === "system_id") return d.id;
      const v = sw.variant(siSoftware(d).sw[k] as number);
      if (name === "bundle_name") return v.displayName;
      if (name === "package_format") return "deb";
      return v.name;
    };
    const positions: number[] = [];
    const bySystem = p.filters.find((f) => f.field === "system_id");
    for (let i = 0; i < dev.length; i++) {
      const d = devices[dev[i] as number] as Device;
      if (bySystem !== undefined && !bySystem.values.has(d.id)) continue;
      if (p.filters.every((f) => f.values.has(field(d, item[i] as number, f.field)))) positions.push(i);
    }
    const row = (i: number) => inventoryRow(devices[dev[i] as number] as Device, item[i] as number, sw);
    let rows: Rec[];
    if (p.sort.length === 0) rows = positions.slice(p.skip, p.skip + p.limit).map(row);
    else rows = applySort(positions.map(row), p.sort, "system_id").slice(p.skip, p.skip + p.limit);
    // The contract is silent on x-total-count here (API-NOTES §8): none is sent, a client pages to a short page.
    return { status: 200, body: rows };
  };
}

export const mdmRoutes: Route[] = [
  // ---- systems (v1) ----
  route("GET", "/api/systems", "org", (ctx) => v1List(ctx, ctx.org.mdm.devices, (d) => systemRec(ctx.org, d), `systems|${ctx.org.id}`, parseV1(ctx.query, ctx.headers, null))),
  route("GET", "/api/systems/{id}", "org", (ctx) => {
    const d = deviceParam(ctx, "id");
    const p = parseV1(ctx.query, ctx.headers, null);
    const rec = systemRec(ctx.org, d);
    if (p.filter !== null && !p.filter(rec)) throw new SimError(404, `system ${d.id} not found`);
    return { status: 200, body: project(rec, p.fields, ["_id", "id"]) };
  }),

  // ---- bindings (v2 graph) ----
  route("GET", "/api/v2/systems/{system_id}/users", "org", (ctx) => {
    const d = deviceParam(ctx, "system_id");
    return v2List(ctx, deviceUserRows(ctx.org, d), (r) => r, parseV2(ctx.query));
  }),
  route("GET", "/api/v2/users/{user_id}/systems", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.user_id as string);
    return v2List(ctx, userSystemIndex(ctx).get(u.id) ?? [], (r) => r, parseV2(ctx.query));
  }),
  route("GET", "/api/v2/systems/{system_id}/associations", "org", (ctx) => {
    const d = deviceParam(ctx, "system_id");
    const targets = targetsParam(ctx, ["command", "policy", "policy_group", "user", "user_group"]);
    const rows: Rec[] = [];
    // Commands and policies are not modelled: their targets answer no edges.
    if (targets.has("user")) for (const uid of [...d.users].sort(byId)) rows.push({ attributes: null, to: node(uid, "user") });
    if (targets.has("user_group")) for (const gid of [...d.userGroups].sort(byId)) rows.push({ attributes: null, to: node(gid, "user_group") });
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query));
  }),
  route("GET", "/api/v2/systems/{system_id}/softwareappstatuses", "org", (ctx) => {
    const d = deviceParam(ctx, "system_id");
    const rows: Rec[] = [];
    for (const a of ctx.org.mdm.softwareApps) {
      const s = a.statuses.get(d.id);
      if (s !== undefined) rows.push({ app: softwareAppRecord(a, ctx.world.software), status: statusRecord(a, d.id, s) });
    }
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query), "status.id");
  }),

  // ---- managed software (v2) ----
  route("GET", "/api/v2/softwareapps", "org", (ctx) => v2List(ctx, ctx.org.mdm.softwareApps, (a) => softwareAppRecord(a, ctx.world.software), parseV2(ctx.query))),
  route("GET", "/api/v2/softwareapps/{id}", "org", (ctx) => ({ status: 200, body: softwareAppRecord(appParam(ctx, "id"), ctx.world.software) })),
  route("GET", "/api/v2/softwareapps/{software_app_id}/statuses", "org", (ctx) => {
    const a = appParam(ctx, "software_app_id");
    const rows = cacheOf(ctx).get(`statuses|${a.id}`, ctx.world.version, () => [...a.statuses.entries()].map(([systemId, s]) => statusRecord(a, systemId, s)));
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query));
  }),
  route("GET", "/api/v2/softwareapps/{software_app_id}/systems", "org", (ctx) => {
    const a = appParam(ctx, "software_app_id");
    const rows = cacheOf(ctx).get(`appSystems|${a.id}`, ctx.world.version, () => {
      const reach = appSystems(ctx.org, a);
      const out: Rec[] = [];
      for (const d of ctx.org.mdm.devices) {
        if (!reach.has(d.id)) continue;
        const paths: unknown[][] = [];
        if (a.systems.has(d.id)) paths.push([edge(d.id, "system")]);
        for (const gid of a.systemGroups) if (ctx.org.mdm.systemGroupById.get(gid)?.members.has(d.id) === true) paths.push([edge(gid, "system_group"), edge(d.id, "system")]);
        out.push({ id: d.id, type: "system", compiledAttributes: null, paths });
      }
      return out;
    });
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query));
  }),
  route("GET", "/api/v2/softwareapps/{software_app_id}/associations", "org", (ctx) => {
    const a = appParam(ctx, "software_app_id");
    const targets = targetsParam(ctx, ["system", "system_group"]);
    const rows: Rec[] = [];
    if (targets.has("system")) for (const d of ctx.org.mdm.devices) if (a.systems.has(d.id)) rows.push({ attributes: null, to: node(d.id, "system") });
    if (targets.has("system_group")) for (const g of ctx.org.mdm.systemGroups) if (a.systemGroups.has(g.id)) rows.push({ attributes: null, to: node(g.id, "system_group") });
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query));
  }),

  // ---- System Insights ----
  ...SI_TABLES.map((table) => route("GET", `/api/v2/systeminsights/${table}`, "org", systemInsights(table))),
];
