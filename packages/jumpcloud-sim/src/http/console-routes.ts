// The console API routes (v1 and v2) the directory sync uses, answered from the world state.
import type { NewUserInput } from "../api.types.js";
import { SimError } from "../errors.js";
import { type App, type Group, type Org, type User, appRecord, groupRecord, orgRecord, userRecord } from "../model.js";
import { OBJECT_ID } from "../rng.js";
import { type Ctx, type Reply, type Route, route } from "./context.js";
import { type ListParams, applySort, parseV1, parseV2, project } from "./list-query.js";

type Rec = Record<string, unknown>;

export function objectIdParam(name: string, value: string): string {
  if (!OBJECT_ID.test(value)) throw new SimError(400, `${name} "${value}" is not a valid ObjectId`);
  return value;
}

/** Serialized-and-sorted views keyed on the world version: 50,000 users are not re-sorted per page. */
class ViewCache {
  private readonly entries = new Map<string, { version: number; rows: unknown[] }>();
  get<T>(key: string, version: number, build: () => T[]): T[] {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.version === version) return hit.rows as T[];
    const rows = build();
    if (this.entries.size > 256) this.entries.clear();
    this.entries.set(key, { version, rows });
    return rows;
  }
}
// One cache per world: two sims with the same seed share org ids and version numbers.
const caches = new WeakMap<object, ViewCache>();
export function cacheOf(ctx: Ctx): ViewCache {
  let c = caches.get(ctx.world);
  if (c === undefined) caches.set(ctx.world, (c = new ViewCache()));
  return c;
}

/**
 * A v1 list: `{ totalCount, results }`. Without filter or sort the page is sliced from the source
 * array and only its rows are serialized.
 */
export function v1List<T>(ctx: Ctx, source: T[], toRecord: (item: T) => Rec, cacheKey: string, params: ListParams): Reply {
  let total: number;
  let rows: Rec[];
  if (params.filter === null && params.sort.length === 0) {
    total = source.length;
    rows = source.slice(params.skip, params.skip + params.limit).map(toRecord);
  } else {
    const filter = params.filter;
    // Keyed by what decides the whole ordered list, not by the page window or the projection: a
    // key per `skip` built and kept every record once per page (a 50,000-user listing ran out of heap).
    const query = new URLSearchParams(ctx.query);
    for (const name of ["skip", "limit", "fields"]) query.delete(name);
    query.sort();
    const all = cacheOf(ctx).get(`${cacheKey}|${query.toString()}|${String(ctx.headers["x-eventually-consistent"])}`, ctx.world.version, () => {
      const recs = source.map(toRecord);
      return applySort(filter === null ? recs : recs.filter(filter), params.sort, "_id");
    });
    total = all.length;
    rows = all.slice(params.skip, params.skip + params.limit);
  }
  return { status: 200, body: { totalCount: total, results: rows.map((r) => project(r, params.fields, ["_id", "id"])) } };
}

/**
 * A v2 list: a bare array, the total in x-total-count. Without filter or sort only the page is
 * turned into records.
 *
 * The short-page fault models what JumpCloud's engineers describe: null records inside the
 * collection. They count in x-total-count and take a slot of the page window, but are left out of
 * the body, so a page mid-stream comes back short. A client that advances `skip` by the limit
 * (and stops at the total) reads every real row with the fewest requests; one that stops on a
 * short page loses rows.
 */
export function v2List<T>(ctx: Ctx, source: readonly T[], toRecord: (item: T) => Rec, params: ListParams, idField = "id"): Reply {
  const filtered = params.filter !== null || params.sort.length > 0;
  let ordered: readonly T[] | Rec[];
  if (filtered) {
    const all = source.map(toRecord);
    ordered = applySort(params.filter === null ? all : all.filter(params.filter), params.sort, idField);
  } else {
    ordered = source;
  }
  const slots = ctx.shortPage ? withNullRecords(ordered.length) : null;
  const total = slots === null ? ordered.length : slots.length;
  const window = slots === null ? null : slots.slice(params.skip, params.skip + params.limit);
  if (window !== null && window.includes(-1)) ctx.onShortPage();
  const picked: (T | Rec)[] =
    window === null ? ordered.slice(params.skip, params.skip + params.limit) : window.filter((i) => i >= 0).map((i) => ordered[i] as T | Rec);
  const rows = filtered ? (picked as Rec[]) : (picked as T[]).map(toRecord);
  return { status: 200, body: rows.map((r) => project(r, params.fields, [idField])), headers: { "x-total-count": String(total) } };
}

/**
 * Slot layout of a collection with null records: the real row indexes in order, with a null
 * (-1) after every 5th real row, never at the very start or end.
 */
function withNullRecords(n: number): number[] {
  const slots: number[] = [];
  for (let i = 0; i < n; i++) {
    slots.push(i);
    if ((i + 1) % 5 === 0 && i + 1 < n) slots.push(-1);
  }
  return slots;
}

/** An id list derived from world state, rebuilt only when the world changes. */
function cachedIds(ctx: Ctx, key: string, build: () => string[]): string[] {
  return cacheOf(ctx).get(key, ctx.world.version, build);
}

export const node = (id: string, type: string) => ({ attributes: null, id, type });
export const edge = (id: string, type: string) => ({ attributes: null, to: node(id, type) });

export function userOf(ctx: Ctx, id: string): User {
  return ctx.world.user(objectIdParam("user id", id), ctx.org);
}
export function groupOf(ctx: Ctx, id: string): Group {
  return ctx.world.group(objectIdParam("group id", id), ctx.org);
}
function appOf(ctx: Ctx, id: string): App {
  return ctx.world.app(objectIdParam("application id", id), ctx.org);
}

/** Users reachable from an app, with every association path (direct and through each group). */
function appUsers(org: Org, a: App): Rec[] {
  const paths = new Map<string, unknown[][]>();
  const add = (uid: string, path: unknown[]) => {
    const list = paths.get(uid);
    if (list === undefined) paths.set(uid, [path]);
    else list.push(path);
  };
  for (const uid of a.directUsers) add(uid, [edge(uid, "user")]);
  for (const gid of a.groups) for (const uid of org.groupById.get(gid)?.members ?? []) add(uid, [edge(gid, "user_group"), edge(uid, "user")]);
  const out: Rec[] = [];
  for (const u of org.users) {
    const p = paths.get(u.id);
    if (p !== undefined) out.push({ id: u.id, type: "user", compiledAttributes: null, paths: p });
  }
  return out;
}

function userApps(org: Org, u: User): Rec[] {
  const out: Rec[] = [];
  for (const a of org.apps) {
    const p: unknown[][] = [];
    if (a.directUsers.has(u.id)) p.push([edge(a.id, "application")]);
    for (const gid of a.groups) if (org.groupById.get(gid)?.members.has(u.id) === true) p.push([edge(gid, "user_group"), edge(a.id, "application")]);
    if (p.length > 0) out.push({ id: a.id, type: "application", compiledAttributes: null, paths: p });
  }
  return out;
}

const USER_POST_FIELDS = new Set([
  "account_locked", "activated", "addresses", "allow_public_key", "alternateEmail", "attributes", "company", "costCenter", "department", "description",
  "disableDeviceMaxLoginAttempts", "displayname", "email", "employeeIdentifier", "employeeType", "enable_managed_uid", "enable_user_portal_multifactor",
  "external_dn", "external_password_expiration_date", "external_source_type", "externally_managed", "firstname", "jobTitle", "lastname",
  "ldap_binding_user", "location", "manager", "mfa", "middlename", "password", "password_never_expires", "passwordless_sudo", "phoneNumbers",
  "public_key", "recoveryEmail", "relationships", "samba_service_user", "state", "sudo", "suspended", "tags", "unix_guid", "unix_uid", "username",
  "managedAppleId", "delegatedAuthority", "restrictedFields",
]);
const USER_PUT_FIELDS = new Set([...USER_POST_FIELDS, "ssh_keys"].filter((f) => f !== "activated" && f !== "recoveryEmail"));

function bodyObject(ctx: Ctx, allowed: Set<string>): Rec {
  const b = ctx.body;
  if (b === undefined || b === null || typeof b !== "object" || Array.isArray(b)) throw new SimError(400, "the request body must be a JSON object");
  for (const k of Object.keys(b)) if (!allowed.has(k)) throw new SimError(400, `"${k}" is not allowed`);
  return b as Rec;
}

function userInput(b: Rec): Rec {
  const out: Rec = { ...b };
  if ("manager" in b) {
    out.managerId = b.manager;
    delete out.manager;
  }
  return out;
}

export const consoleRoutes: Route[] = [
  // ---- organizations ----
  route("GET", "/api/organizations", "org-list", (ctx) => {
    const orgs = ctx.key.orgIds.map((id) => ctx.world.org(id));
    return v1List(ctx, orgs, orgRecord, `orgs|${ctx.key.orgIds.join(",")}`, parseV1(ctx.query, ctx.headers, null));
  }),
  route("GET", "/api/organizations/{id}", "org-path", (ctx) => {
    const p = parseV1(ctx.query, ctx.headers, null);
    return { status: 200, body: project(orgRecord(ctx.org), p.fields, ["_id", "id"]) };
  }),

  // ---- users (v1) ----
  route("GET", "/api/systemusers", "org", (ctx) => v1List(ctx, ctx.org.users, userRecord, `users|${ctx.org.id}`, parseV1(ctx.query, ctx.headers, null))),
  route("GET", "/api/systemusers/{id}", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.id as string);
    const p = parseV1(ctx.query, ctx.headers, null);
    const rec = userRecord(u);
    if (p.filter !== null && !p.filter(rec)) throw new SimError(404, `user ${u.id} not found`);
    return { status: 200, body: project(rec, p.fields, ["_id", "id"]) };
  }),
  route("POST", "/api/systemusers", "org", (ctx) => {
    const b = userInput(bodyObject(ctx, USER_POST_FIELDS));
    if (b.state !== undefined && b.state !== "ACTIVATED" && b.state !== "STAGED" && b.state !== "SUSPENDED") throw new SimError(400, `invalid state ${JSON.stringify(b.state)}`);
    const u = ctx.world.createUser(ctx.org, b as unknown as NewUserInput, ctx.actor);
    return { status: 200, body: userRecord(u) };
  }),
  route("PUT", "/api/systemusers/{id}", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.id as string);
    const b = userInput(bodyObject(ctx, USER_PUT_FIELDS));
    if (b.state !== undefined && b.state !== "ACTIVATED" && b.state !== "SUSPENDED") throw new SimError(400, `state must be ACTIVATED or SUSPENDED, got ${JSON.stringify(b.state)}`);
    ctx.world.updateUser(u, b, ctx.actor);
    return { status: 200, body: userRecord(u) };
  }),
  route("DELETE", "/api/systemusers/{id}", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.id as string);
    const cascade = ctx.query.get("cascade_manager");
    if (cascade !== null && cascade !== "null") throw new SimError(400, 'cascade_manager accepts only "null"');
    const rec = userRecord(u);
    ctx.world.deleteUser(u, ctx.actor, cascade === "null");
    return { status: 200, body: rec };
  }),
  route("POST", "/api/systemusers/{id}/state/suspend", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.id as string);
    if (ctx.rawBody.trim() !== "") throw new SimError(400, "Request body must be empty.");
    ctx.world.updateUser(u, { state: "SUSPENDED" }, ctx.actor);
    return { status: 200 };
  }),
  route("POST", "/api/systemusers/{id}/state/activate", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.id as string);
    if (ctx.rawBody.trim() !== "") {
      const b = bodyObject(ctx, new Set(["email"]));
      if (b.email !== undefined && typeof b.email !== "boolean" && typeof b.email !== "string") throw new SimError(400, "email must be a boolean or an address");
    }
    if (u.state !== "STAGED") throw new SimError(409, `user ${u.id} is ${u.state}; only a STAGED user can be activated (unsuspend with PUT state ACTIVATED)`);
    ctx.world.updateUser(u, { state: "ACTIVATED" }, ctx.actor);
    return { status: 200, body: "OK" };
  }),

  // ---- applications ----
  route("GET", "/api/applications", "org", (ctx) => v1List(ctx, ctx.org.apps, appRecord, `apps|${ctx.org.id}`, parseV1(ctx.query, ctx.headers, "name"))),
  route("GET", "/api/applications/{id}", "org", (ctx) => ({ status: 200, body: appRecord(appOf(ctx, ctx.params.id as string)) })),
  route("GET", "/api/v2/applications/{application_id}", "org", (ctx) => ({ status: 200, body: appRecord(appOf(ctx, ctx.params.application_id as string)) })),
  route("GET", "/api/v2/applications/{application_id}/users", "org", (ctx) => {
    const a = appOf(ctx, ctx.params.application_id as string);
    const rows = cacheOf(ctx).get(`appUsers|${a.id}`, ctx.world.version, () => appUsers(ctx.org, a));
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query));
  }),
  route("GET", "/api/v2/applications/{application_id}/usergroups", "org", (ctx) => {
    const a = appOf(ctx, ctx.params.application_id as string);
    const rows = ctx.org.groups.filter((g) => a.groups.has(g.id));
    return v2List(ctx, rows, (g) => ({ id: g.id, type: "user_group", compiledAttributes: null, paths: [[edge(g.id, "user_group")]] }), parseV2(ctx.query));
  }),
  route("GET", "/api/v2/applications/{application_id}/associations", "org", (ctx) => {
    const a = appOf(ctx, ctx.params.application_id as string);
    const raw = ctx.query.getAll("targets");
    if (raw.length === 0) throw new SimError(400, "targets is required (user, user_group or agent_group)");
    const targets = new Set(raw.flatMap((t) => t.split(",")));
    for (const t of targets) if (t !== "user" && t !== "user_group" && t !== "agent_group") throw new SimError(400, `invalid target "${t}"`);
    const rows: Rec[] = [];
    if (targets.has("user")) for (const u of ctx.org.users) if (a.directUsers.has(u.id)) rows.push({ attributes: null, to: node(u.id, "user") });
    if (targets.has("user_group")) for (const g of ctx.org.groups) if (a.groups.has(g.id)) rows.push({ attributes: null, to: node(g.id, "user_group") });
    return v2List(ctx, rows, (r) => r, parseV2(ctx.query));
  }),
  route("POST", "/api/v2/applications/{application_id}/associations", "org", (ctx) => {
    const a = appOf(ctx, ctx.params.application_id as string);
    const b = bodyObject(ctx, new Set(["op", "type", "id", "attributes"]));
    if (b.op !== "add" && b.op !== "remove" && b.op !== "update") throw new SimError(400, "op must be add, remove or update");
    if (b.type !== "user" && b.type !== "user_group" && b.type !== "agent_group") throw new SimError(400, "type must be user, user_group or agent_group");
    if (typeof b.id !== "string") throw new SimError(400, "id is required");
    if (b.type === "agent_group") throw new SimError(404, `agent group ${b.id} not found`);
    objectIdParam("id", b.id);
    if (b.op !== "update") ctx.world.associate(a, b.type === "user" ? { userId: b.id } : { groupId: b.id }, b.op, ctx.actor);
    return { status: 204 };
  }),

  // ---- user groups (v2) ----
  route("GET", "/api/v2/usergroups", "org", (ctx) => v2List(ctx, ctx.org.groups, groupRecord, parseV2(ctx.query))),
  route("POST", "/api/v2/usergroups", "org", (ctx) => {
    const b = bodyObject(ctx, new Set(["name", "description", "email", "attributes", "memberQuery", "memberQueryExemptions", "memberSuggestionsNotify", "membershipMethod"]));
    if (typeof b.name !== "string") throw new SimError(400, "name is required");
    const g = ctx.world.addGroup(ctx.org, b.name, typeof b.description === "string" ? b.description : "", ctx.actor);
    return { status: 201, body: groupRecord(g) };
  }),
  route("GET", "/api/v2/usergroups/{id}", "org", (ctx) => ({ status: 200, body: groupRecord(groupOf(ctx, ctx.params.id as string)) })),
  route("GET", "/api/v2/usergroups/{group_id}/members", "org", (ctx) => {
    const g = groupOf(ctx, ctx.params.group_id as string);
    const ids = cachedIds(ctx, `members|${g.id}`, () => [...g.members]);
    return v2List(ctx, ids, (uid) => ({ attributes: null, to: node(uid, "user") }), parseV2(ctx.query));
  }),
  route("POST", "/api/v2/usergroups/{group_id}/members", "org", (ctx) => {
    const g = groupOf(ctx, ctx.params.group_id as string);
    const b = bodyObject(ctx, new Set(["op", "type", "id", "attributes"]));
    if (b.op !== "add" && b.op !== "remove") throw new SimError(400, "op must be add or remove");
    if (b.type !== "user") throw new SimError(400, 'type must be "user"');
    if (typeof b.id !== "string") throw new SimError(400, "id is required");
    ctx.world.setMember(g, userOf(ctx, b.id), b.op === "add", ctx.actor);
    return { status: 204 };
  }),
  ...["membership", "users"].map((leaf) =>
    // /membership is the spec's traversal; /users is served as its alias (not in the official spec).
    route("GET", `/api/v2/usergroups/{group_id}/${leaf}`, "org", (ctx) => {
      const g = groupOf(ctx, ctx.params.group_id as string);
      const ids = cachedIds(ctx, `membership|${g.id}`, () => ctx.org.users.filter((u) => g.members.has(u.id)).map((u) => u.id));
      return v2List(ctx, ids, (id) => ({ id, type: "user", compiledAttributes: null, paths: [[edge(id, "user")]] }), parseV2(ctx.query));
    }),
  ),
  route("GET", "/api/v2/usergroups/{group_id}/applications", "org", (ctx) => {
    const g = groupOf(ctx, ctx.params.group_id as string);
    const rows = ctx.org.apps.filter((a) => a.groups.has(g.id));
    return v2List(ctx, rows, (a) => ({ id: a.id, type: "application", compiledAttributes: null, paths: [[edge(a.id, "application")]] }), parseV2(ctx.query));
  }),

  // ---- users (v2 graph) ----
  route("GET", "/api/v2/users/{user_id}/memberof", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.user_id as string);
    const rows = ctx.org.groups.filter((g) => g.members.has(u.id));
    return v2List(ctx, rows, (g) => ({ id: g.id, type: "user_group", compiledAttributes: null, paths: [[edge(g.id, "user_group")]] }), parseV2(ctx.query, { object_id: "id" }));
  }),
  route("GET", "/api/v2/users/{user_id}/applications", "org", (ctx) => {
    const u = userOf(ctx, ctx.params.user_id as string);
    return v2List(ctx, userApps(ctx.org, u), (r) => r, parseV2(ctx.query));
  }),
];
