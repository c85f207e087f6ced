// Mutations of the MDM world, shared by the world controls (and any future write route): each one
// changes state, bumps the world version and logs the DI event JumpCloud would log.
import type { NewDeviceInput, OsFamily, SoftwareAppState, SoftwareEventOptions, SoftwareInput, SystemInsightsState } from "./api.types.js";
import { SimError } from "./errors.js";
import { type Device, type SoftwareApp, iso, pack, packSoftwareEvent, variantOf } from "./mdm-model.js";
import type { EventRecord, Group, Org, User } from "./model.js";
import { hex8 } from "./rng.js";
import { appTable } from "./software-catalog.js";
import type { Actor, World } from "./world.js";

const OS_FAMILIES: readonly OsFamily[] = ["darwin", "windows", "linux"];
const SI_STATES: readonly SystemInsightsState[] = ["enabled", "disabled", "deferred"];
const OS_DEFAULTS: Record<OsFamily, { os: string; version: string; release: string; arch: string; vendor: string }> = {
  darwin: { os: "Mac OS X", version: "15.3.1", release: "Sequoia", arch: "arm64", vendor: "Apple Inc." },
  windows: { os: "Windows", version: "11 Pro 23H2", release: "23H2", arch: "x86_64", vendor: "Dell Inc." },
  linux: { os: "Ubuntu", version: "24.04", release: "Noble Numbat", arch: "x86_64", vendor: "LENOVO" },
};

export function deviceOf(world: World, id: string, org?: Org): Device {
  const owner = world.deviceOrg.get(id);
  const d = owner?.mdm.deviceById.get(id);
  if (d === undefined || (org !== undefined && owner !== org)) throw new SimError(404, `system ${id} not found`);
  return d;
}

export function softwareAppOf(world: World, id: string, org?: Org): SoftwareApp {
  const owner = world.softwareAppOrg.get(id);
  const a = owner?.mdm.softwareAppById.get(id);
  if (a === undefined || (org !== undefined && owner !== org)) throw new SimError(404, `software app ${id} not found`);
  return a;
}

/** Users reachable from a device: bound directly, or members of a bound user group. */
export function deviceUsers(org: Org, d: Device): Set<string> {
  const out = new Set(d.users);
  for (const gid of d.userGroups) for (const uid of org.groupById.get(gid)?.members ?? []) out.add(uid);
  return out;
}

/** Devices reachable from a managed app: bound directly, or members of a bound device group. */
export function appSystems(org: Org, a: SoftwareApp): Set<string> {
  const out = new Set(a.systems);
  for (const gid of a.systemGroups) for (const id of org.mdm.systemGroupById.get(gid)?.members ?? []) out.add(id);
  return out;
}

const systemResource = (d: Device) => ({ id: d.id, type: "system", hostname: d.hostname, displayName: d.displayName });

function log(world: World, org: Org, type: string, actor: Actor, body: Record<string, unknown>): void {
  org.events.add([world.lifecycleEvent(org, type, actor, body)]);
}

export function addDevice(world: World, org: Org, input: NewDeviceInput, actor: Actor): Device {
  if (!OS_FAMILIES.includes(input.osFamily)) throw new SimError(400, `osFamily must be one of ${OS_FAMILIES.join(", ")}`);
  const si = input.systemInsights ?? "enabled";
  if (!SI_STATES.includes(si)) throw new SimError(400, `systemInsights must be one of ${SI_STATES.join(", ")}`);
  const users = (input.userIds ?? []).map((id) => world.user(id, org));
  const ms = world.now();
  const id = world.newId(ms);
  const def = OS_DEFAULTS[input.osFamily];
  const suffix = hex8(world.rng.u32()).slice(0, 6);
  const hostname = input.hostname ?? (input.osFamily === "windows" ? `DESKTOP-${suffix.toUpperCase()}` : `${input.osFamily === "darwin" ? "mac" : "linux"}-${suffix}`);
  if (hostname.trim() === "") throw new SimError(400, "hostname must not be empty");
  const d: Device = {
    id,
    orgId: org.id,
    createdMs: ms,
    hostname,
    displayName: input.displayName ?? hostname,
    serialNumber: input.serialNumber ?? hex8(world.rng.u32()).toUpperCase(),
    os: def.os,
    osFamily: input.osFamily,
    version: def.version,
    releaseName: def.release,
    arch: def.arch,
    hwVendor: def.vendor,
    agentVersion: "1.207.0",
    lastContactMs: ms,
    active: true,
    si,
    mdmVendor: input.osFamily === "linux" ? "none" : "internal",
    enrollmentType: input.osFamily === "linux" ? "unknown" : "device",
    dep: false,
    remoteIP: "203.0.113.10",
    fde: input.osFamily !== "linux",
    users: new Set(users.map((u) => u.id)),
    userGroups: new Set(),
    sw: [],
    swAt: [],
  };
  org.mdm.devices.push(d);
  org.mdm.deviceById.set(d.id, d);
  world.deviceOrg.set(d.id, org);
  // Enrolled devices join their OS's device group, as the generated ones are.
  const osGroup = org.mdm.systemGroups.find((g) => g.name === (input.osFamily === "darwin" ? "All macOS devices" : input.osFamily === "windows" ? "All Windows devices" : "All Linux devices"));
  osGroup?.members.add(d.id);
  world.version++;
  log(world, org, "system_create", actor, { resource: systemResource(d) });
  for (const u of users) logBinding(world, org, d, { type: "user", object_id: u.id, name: u.username }, "add", actor);
  return d;
}

export function removeDevice(world: World, d: Device, actor: Actor): void {
  const org = world.org(d.orgId);
  org.mdm.devices.splice(org.mdm.devices.indexOf(d), 1);
  org.mdm.deviceById.delete(d.id);
  world.deviceOrg.delete(d.id);
  for (const g of org.mdm.systemGroups) g.members.delete(d.id);
  for (const a of org.mdm.softwareApps) {
    a.systems.delete(d.id);
    a.statuses.delete(d.id);
  }
  world.version++;
  log(world, org, "system_delete", actor, { resource: systemResource(d) });
}

function logBinding(world: World, org: Org, d: Device, to: { type: string; object_id: string; name: string }, op: "add" | "remove", actor: Actor): void {
  log(world, org, "association_change", actor, {
    resource: { id: d.id, type: "system", hostname: d.hostname },
    association: { op, connection: { from: { type: "system", object_id: d.id, name: d.hostname }, to } },
  });
}

export function bindUser(world: World, d: Device, u: User, op: "add" | "remove", actor: Actor): void {
  if (u.orgId !== d.orgId) throw new SimError(404, `user ${u.id} not found`);
  if (op === "add" ? d.users.has(u.id) : !d.users.has(u.id)) return;
  if (op === "add") d.users.add(u.id);
  else d.users.delete(u.id);
  world.version++;
  logBinding(world, world.org(d.orgId), d, { type: "user", object_id: u.id, name: u.username }, op, actor);
}

export function bindUserGroup(world: World, d: Device, g: Group, op: "add" | "remove", actor: Actor): void {
  if (g.orgId !== d.orgId) throw new SimError(404, `user group ${g.id} not found`);
  if (op === "add" ? d.userGroups.has(g.id) : !d.userGroups.has(g.id)) return;
  if (op === "add") d.userGroups.add(g.id);
  else d.userGroups.delete(g.id);
  world.version++;
  logBinding(world, world.org(d.orgId), d, { type: "user_group", object_id: g.id, name: g.name }, op, actor);
}

function eventTimes(world: World, options: SoftwareEventOptions | undefined): { ms: number; vis: number | null } {
  const ms = options?.at === undefined ? world.now() : new Date(options.at).getTime();
  if (!Number.isFinite(ms)) throw new SimError(400, `invalid event time ${String(options?.at)}`);
  const vis = options?.visibleAt === undefined ? null : new Date(options.visibleAt).getTime();
  if (vis !== null && !Number.isFinite(vis)) throw new SimError(400, `invalid visibleAt ${String(options?.visibleAt)}`);
  return { ms, vis };
}

function softwareEvent(world: World, d: Device, type: "software_add" | "software_change" | "software_remove", variant: number, from: number, to: number, options: SoftwareEventOptions | undefined): EventRecord {
  const { ms, vis } = eventTimes(world, options);
  const id = world.newId(ms);
  const r: EventRecord = {
    ms,
    vis: vis ?? world.visibleAt(ms, id),
    id,
    type,
    service: "software",
    ok: true,
    actorId: d.id,
    actorName: d.hostname,
    app: null,
    v: packSoftwareEvent(variant, from, to),
    ts: null,
    body: null,
    sw: world.software,
  };
  world.org(d.orgId).softwareEvents.add([r]);
  world.version++;
  return r;
}

/** The item index of an installed app on the device, by the name its OS reports. */
function itemOf(world: World, d: Device, name: string): number {
  const k = d.sw.findIndex((p) => world.software.variant(p).name === name);
  if (k < 0) throw new SimError(404, `${name} is not installed on ${d.hostname}`);
  return k;
}

export function installSoftware(world: World, d: Device, input: SoftwareInput, options?: SoftwareEventOptions): EventRecord {
  const table = world.software;
  const appTableName = appTable(d.osFamily);
  let variant: number;
  if (input.product !== undefined) {
    const found = table.variants.findIndex((v) => v.product === input.product && v.os === d.osFamily && v.table === appTableName);
    if (found < 0) throw new SimError(400, `product ${JSON.stringify(input.product)} has no ${d.osFamily} build in the catalog`);
    variant = found;
  } else if (typeof input.name === "string" && input.name.trim() !== "") {
    variant =
      table.find(d.osFamily, appTableName, input.name) ??
      table.add({
        product: "",
        os: d.osFamily,
        table: appTableName,
        name: input.name,
        displayName: input.name.replace(/\.app$/, ""),
        publisher: input.publisher ?? "",
        identifier: "",
        path: d.osFamily === "darwin" ? `/Applications/${input.name}` : "",
        versions: [input.version ?? "1.0.0"],
        churn: 0,
        share: 0,
        category: "",
      });
  } else throw new SimError(400, "software needs a product or a name");
  const v = table.variants[variant] as (typeof table.variants)[number];
  if (d.sw.some((p) => variantOf(p) === variant)) throw new SimError(409, `${v.name} is already installed on ${d.hostname}; change its version instead`);
  const version = table.versionIndex(variant, input.version ?? (v.versions[v.versions.length - 1] as string));
  const { ms } = eventTimes(world, options);
  d.sw.push(pack(variant, version));
  d.swAt.push(ms);
  return softwareEvent(world, d, "software_add", variant, version, version, options);
}

export function changeSoftware(world: World, d: Device, name: string, toVersion: string, options?: SoftwareEventOptions): EventRecord {
  if (typeof toVersion !== "string" || toVersion === "") throw new SimError(400, "toVersion is required");
  const k = itemOf(world, d, name);
  const packed = d.sw[k] as number;
  const variant = variantOf(packed);
  const from = packed % 4096;
  const to = world.software.versionIndex(variant, toVersion);
  if (to === from) throw new SimError(409, `${name} is already at ${toVersion} on ${d.hostname}`);
  d.sw[k] = pack(variant, to);
  return softwareEvent(world, d, "software_change", variant, from, to, options);
}

export function removeSoftware(world: World, d: Device, name: string, options?: SoftwareEventOptions): EventRecord {
  const k = itemOf(world, d, name);
  const packed = d.sw[k] as number;
  d.sw.splice(k, 1);
  d.swAt.splice(k, 1);
  return softwareEvent(world, d, "software_remove", variantOf(packed), packed % 4096, packed % 4096, options);
}

export function setSoftwareStatus(world: World, a: SoftwareApp, d: Device, state: SoftwareAppState, detail: { version?: string; details?: string; code?: number } = {}): void {
  if (typeof state !== "string" || state.trim() === "") throw new SimError(400, "state must be a non-empty string");
  if (a.orgId !== d.orgId) throw new SimError(404, `system ${d.id} not found`);
  if (detail.code !== undefined && !Number.isInteger(detail.code)) throw new SimError(400, "code must be an integer");
  const ms = world.now();
  const previous = a.statuses.get(d.id);
  const versions = (world.software.variants[a.variant] as (typeof world.software.variants)[number]).versions;
  a.statuses.set(d.id, {
    id: previous?.id ?? world.newId(ms),
    state,
    version: detail.version ?? previous?.version ?? versions[versions.length - 1] ?? "",
    details: detail.details ?? "",
    code: detail.code ?? 0,
    ms,
  });
  world.version++;
}

export function setSystemInsights(world: World, d: Device, state: SystemInsightsState, actor: Actor): void {
  if (!SI_STATES.includes(state)) throw new SimError(400, `systemInsights must be one of ${SI_STATES.join(", ")}`);
  if (d.si === state) return;
  const from = d.si;
  d.si = state;
  world.version++;
  const org = world.org(d.orgId);
  log(world, org, "system_update", actor, { resource: systemResource(d), changes: [{ field: "systemInsights.state", from, to: state }] });
}

/** The agent reports the device's software now, stamped `at` (README "World controls"): served until the next collection or `liveInventory`. */
export function collectInventory(world: World, d: Device, options?: { at?: string | Date }): string {
  const now = world.now();
  const ms = options?.at === undefined ? now : new Date(options.at).getTime();
  if (!Number.isFinite(ms)) throw new SimError(400, `invalid collection time ${String(options?.at)}`);
  if (ms > now) throw new SimError(400, "a collection time cannot be in the future");
  d.siSnapshot = { ms, sw: [...d.sw], swAt: [...d.swAt] };
  world.version++;
  return iso(ms);
}

export function liveInventory(world: World, d: Device): void {
  if (d.siSnapshot === undefined || d.siSnapshot === null) return;
  d.siSnapshot = null;
  world.version++;
}
