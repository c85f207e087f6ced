// The seeded MDM generator: devices bound to users (some users with two, some with none, shared
// devices bound through a user group, spare devices bound to nobody), device groups, managed
// software apps with statuses, installed software, and 90 days of DI `software` events consistent
// with it. It draws from its own generator, so the directory world of a seed is unchanged.
import type { OsFamily } from "./api.types.js";
import { type AppStatus, type Device, type SoftwareApp, type SystemGroup, pack, packSoftwareEvent, variantOf } from "./mdm-model.js";
import type { EventRecord, Org, User } from "./model.js";
import { type Rng, hex8, objectId } from "./rng.js";
import { MANAGED_APPS, appTable } from "./software-catalog.js";
import type { World } from "./world.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface MdmShape {
  devices: number;
  /** Share of devices shared through a user group. */
  sharedRate: number;
  /** Share of personal devices with a second direct user. */
  coUserRate: number;
  /** Multiplies every product's update rate (events per device). */
  churnScale: number;
  /** Apps removed per device per 90 days. */
  removesPerDevice: number;
  /** Multiplies the share of each OS's base software (1 = as in the catalog). */
  baseShare: number;
  /** Share of apps installed after the device's enrollment (the rest come with it). */
  lateInstallRate: number;
}

const SERIAL = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
function serial(rng: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += SERIAL[rng.int(SERIAL.length)];
  return s;
}

const OS_VERSIONS: Record<OsFamily, { os: string; version: string; release: string; weight: number }[]> = {
  darwin: [
    { os: "Mac OS X", version: "15.3.1", release: "Sequoia", weight: 45 },
    { os: "Mac OS X", version: "15.2", release: "Sequoia", weight: 20 },
    { os: "Mac OS X", version: "14.7.4", release: "Sonoma", weight: 25 },
    { os: "Mac OS X", version: "13.7.4", release: "Ventura", weight: 10 },
  ],
  windows: [
    { os: "Windows", version: "11 Pro 23H2", release: "23H2", weight: 40 },
    { os: "Windows", version: "11 Enterprise 24H2", release: "24H2", weight: 35 },
    { os: "Windows", version: "10 Pro 22H2", release: "22H2", weight: 25 },
  ],
  linux: [
    { os: "Ubuntu", version: "24.04", release: "Noble Numbat", weight: 60 },
    { os: "Ubuntu", version: "22.04", release: "Jammy Jellyfish", weight: 40 },
  ],
};
const AGENT_VERSIONS = ["1.199.0", "1.203.0", "1.207.0"];

function pickWeighted<T extends { weight: number }>(rng: Rng, items: readonly T[]): T {
  return rng.weighted(items.map((i) => [i, i.weight] as const));
}

/** Devices of one org and all that hangs off them; `org.softwareEvents` gets the software history. */
export function generateMdm(world: World, org: Org, rng: Rng, now: number, days: number, shape: MdmShape): void {
  const mdm = org.mdm;
  const table = world.software;
  const windowStart = now - days * DAY;
  const eligible = org.users.filter((u) => u.state !== "STAGED");
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [eligible[i], eligible[j]] = [eligible[j] as User, eligible[i] as User];
  }
  const total = shape.devices;
  const shared = total === 0 ? 0 : Math.max(1, Math.round(total * shape.sharedRate));
  const spare = total <= shared ? 0 : Math.max(1, Math.round(total * 0.04));
  const personal = Math.max(0, total - shared - spare);
  // Owners: most get one device, the rest of the personal devices go to owners as a second one.
  const owners = eligible.slice(0, Math.min(eligible.length, Math.ceil(personal / 1.2)));
  const plan: { owner: User | null; kind: "personal" | "second" | "shared" | "spare" }[] = [];
  for (let i = 0; i < personal; i++) {
    if (owners.length === 0) plan.push({ owner: null, kind: "spare" });
    else if (i < owners.length) plan.push({ owner: owners[i] as User, kind: "personal" });
    else plan.push({ owner: owners[rng.int(owners.length)] as User, kind: "second" });
  }
  for (let i = 0; i < shared; i++) plan.push({ owner: null, kind: "shared" });
  for (let i = 0; i < spare; i++) plan.push({ owner: null, kind: "spare" });

  // Shared devices are bound to a small user group (a project team): the contract's path of 2.
  const teamGroups = org.groups.filter((g) => g.members.size > 0 && g.members.size <= 80 && g.name.startsWith("Project"));
  const sharedGroups = teamGroups.length > 0 ? teamGroups : org.groups.filter((g) => g.members.size > 0).slice(0, 1);
  const hostnames = new Set<string>();
  const secondOs = new Map<string, OsFamily>();
  for (const p of plan) {
    const u = p.owner;
    let osFamily: OsFamily;
    if (p.kind === "shared") osFamily = "windows";
    else if (p.kind === "spare") osFamily = rng.chance(0.5) ? "linux" : "darwin";
    else if (p.kind === "second" && u !== null && secondOs.has(u.id)) osFamily = (secondOs.get(u.id) as OsFamily) === "darwin" ? (rng.chance(0.6) ? "linux" : "windows") : "darwin";
    else {
      const eng = u?.department === "Engineering";
      const roll = rng.next();
      osFamily = eng ? (roll < 0.45 ? "darwin" : roll < 0.65 ? "windows" : "linux") : roll < 0.6 ? "darwin" : roll < 0.98 ? "windows" : "linux";
    }
    if (u !== null && p.kind === "personal") secondOs.set(u.id, osFamily);
    // Most devices were enrolled before the event window (their initial software is beyond
    // retention); recent hires' devices and a few replacements were enrolled inside it.
    const base = u === null ? org.createdMs + 30 * DAY : Math.max(u.createdMs, org.createdMs);
    const fresh = days >= 1 && (base >= windowStart || rng.chance(0.05));
    const createdMs = fresh
      ? Math.max(base, now - rng.int(days * DAY))
      : Math.min(now - 2 * DAY, base + rng.int(Math.max(1, Math.min(windowStart - DAY - base, 400 * DAY))));
    const osv = pickWeighted(rng, OS_VERSIONS[osFamily]);
    const stem = u === null ? "" : u.username.replace(/[._]/g, "-");
    let hostname =
      osFamily === "darwin"
        ? `${stem === "" ? `mac-${hex8(rng.u32()).slice(0, 6)}` : stem}-mbp`
        : osFamily === "windows"
          ? p.kind === "shared"
            ? `KIOSK-${hex8(rng.u32()).slice(0, 6).toUpperCase()}`
            : `DESKTOP-${hex8(rng.u32()).slice(0, 7).toUpperCase()}`
          : `${stem === "" ? `srv-${hex8(rng.u32()).slice(0, 6)}` : stem}-ws`;
    while (hostnames.has(hostname)) hostname = `${hostname}-${hostnames.size % 97}`;
    hostnames.add(hostname);
    const displayName =
      osFamily === "darwin" && u !== null
        ? `${u.displayname}'s MacBook ${rng.chance(0.7) ? "Pro" : "Air"}`
        : p.kind === "shared"
          ? `Shared kiosk ${hostname.slice(6)}`
          : hostname;
    const neverSeen = rng.chance(0.01);
    const lastContactMs = neverSeen ? null : rng.chance(0.1) ? now - DAY - rng.int(20 * DAY) : now - rng.int(6 * HOUR);
    const siRoll = rng.next();
    const d: Device = {
      id: objectId(createdMs, rng),
      orgId: org.id,
      createdMs,
      hostname,
      displayName,
      serialNumber: osFamily === "darwin" ? serial(rng, 10) : osFamily === "windows" ? serial(rng, 7) : `VMware-${hex8(rng.u32())}`,
      os: osv.os,
      osFamily,
      version: osv.version,
      releaseName: osv.release,
      arch: osFamily === "darwin" ? (rng.chance(0.85) ? "arm64" : "x86_64") : "x86_64",
      hwVendor: osFamily === "darwin" ? "Apple Inc." : osFamily === "windows" ? rng.pick(["Dell Inc.", "LENOVO", "HP"]) : rng.pick(["Dell Inc.", "LENOVO", "VMware, Inc."]),
      agentVersion: rng.pick(AGENT_VERSIONS),
      lastContactMs,
      active: lastContactMs !== null && now - lastContactMs < HOUR * 6,
      si: neverSeen ? "deferred" : siRoll < 0.85 ? "enabled" : siRoll < 0.95 ? "disabled" : "deferred",
      mdmVendor: osFamily === "linux" ? "none" : rng.chance(0.9) ? "internal" : "none",
      enrollmentType: "unknown",
      dep: false,
      remoteIP: `${rng.range(60, 200)}.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`,
      fde: osFamily !== "linux" || rng.chance(0.5),
      users: new Set(),
      userGroups: new Set(),
      sw: [],
      swAt: [],
    };
    if (d.mdmVendor === "internal") {
      d.dep = osFamily === "darwin" && rng.chance(0.7);
      d.enrollmentType = d.dep ? "automated device" : p.kind === "second" && rng.chance(0.5) ? "user" : "device";
    }
    if (u !== null) d.users.add(u.id);
    if (p.kind === "personal" && rng.chance(shape.coUserRate) && eligible.length > 1) {
      const other = eligible[rng.int(eligible.length)] as User;
      d.users.add(other.id);
    }
    if (p.kind === "shared" && sharedGroups.length > 0) d.userGroups.add((sharedGroups[rng.int(sharedGroups.length)] as (typeof sharedGroups)[number]).id);
    mdm.devices.push(d);
  }
  mdm.devices.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const d of mdm.devices) {
    mdm.deviceById.set(d.id, d);
    world.deviceOrg.set(d.id, org);
  }

  // ---- device groups ----
  const groupMs = org.createdMs + 20 * DAY;
  const mkGroup = (name: string, members: Device[], k: number): SystemGroup => {
    const g: SystemGroup = { id: objectId(groupMs + k * HOUR, rng), orgId: org.id, name, members: new Set(members.map((d) => d.id)) };
    mdm.systemGroups.push(g);
    mdm.systemGroupById.set(g.id, g);
    return g;
  };
  const byOs = (os: OsFamily) => mdm.devices.filter((d) => d.osFamily === os);
  const allMac = mkGroup("All macOS devices", byOs("darwin"), 0);
  const allWin = mkGroup("All Windows devices", byOs("windows"), 1);
  mkGroup("All Linux devices", byOs("linux"), 2);
  const engineers = new Set(org.users.filter((u) => u.department === "Engineering").map((u) => u.id));
  const engMacs = mkGroup("Engineering Macs", byOs("darwin").filter((d) => [...d.users].some((id) => engineers.has(id))), 3);
  mkGroup("Shared kiosks", mdm.devices.filter((d) => d.userGroups.size > 0), 4);

  // ---- managed software apps and their statuses (decided before the software, which follows them) ----
  const forced = new Map<Device, Map<number, number>>(); // device → variant → install ms (NaN = must be absent)
  MANAGED_APPS.forEach((spec, k) => {
    const variant = [...table.variants.keys()].find((i) => {
      const v = table.variants[i];
      return v !== undefined && v.product === spec.product && v.os === spec.os;
    });
    if (variant === undefined) return;
    const createdMs = Math.max(org.createdMs + 60 * DAY, now - 200 * DAY - rng.int(200 * DAY)) + k * HOUR;
    const a: SoftwareApp = {
      id: objectId(createdMs, rng),
      orgId: org.id,
      createdMs,
      updatedMs: createdMs + rng.int(Math.max(1, now - createdMs)),
      displayName: spec.displayName,
      os: spec.os,
      packageManager: spec.packageManager,
      packageId: spec.packageId,
      desiredState: spec.desiredState,
      variant,
      systems: new Set(),
      systemGroups: new Set(),
      statuses: new Map(),
    };
    const pool = spec.os === "darwin" ? allMac : allWin;
    if (spec.target === "all") a.systemGroups.add(pool.id);
    else if (spec.target === "eng") a.systemGroups.add(engMacs.id);
    else if (spec.target === "direct") {
      const candidates = mdm.devices.filter((d) => d.osFamily === spec.os);
      const n = Math.min(candidates.length, Math.max(2, Math.round(candidates.length * 0.05)));
      for (let m = 0; m < n; m++) a.systems.add((candidates[rng.int(candidates.length)] as Device).id);
    }
    const linked = new Set(a.systems);
    for (const gid of a.systemGroups) for (const id of mdm.systemGroupById.get(gid)?.members ?? []) linked.add(id);
    const versions = (table.variants[variant] as (typeof table.variants)[number]).versions;
    for (const d of mdm.devices) {
      if (!linked.has(d.id)) continue;
      const roll = rng.next();
      const state = roll < 0.85 ? "INSTALLED" : roll < 0.92 ? "FAILED" : "PENDING";
      const ms = state === "INSTALLED" ? Math.min(now - HOUR, Math.max(createdMs, d.createdMs) + rng.int(2 * DAY)) : now - rng.int(state === "FAILED" ? 20 * DAY : 3 * DAY);
      const status: AppStatus = {
        id: objectId(ms, rng),
        state,
        version: versions[versions.length - 1] ?? "",
        details: state === "INSTALLED" ? "" : state === "FAILED" ? "Installation failed: the installer exited with code 1603" : "Waiting for the device to check in",
        code: state === "FAILED" ? 1603 : 0,
        ms,
      };
      a.statuses.set(d.id, status);
      let f = forced.get(d);
      if (f === undefined) forced.set(d, (f = new Map<number, number>()));
      f.set(variant, state === "INSTALLED" ? ms : Number.NaN);
    }
    mdm.softwareApps.push(a);
    mdm.softwareAppById.set(a.id, a);
    world.softwareAppOrg.set(a.id, org);
  });

  // ---- installed software and its event history ----
  const byTable = new Map<string, number[]>();
  table.variants.forEach((v, i) => {
    const k = `${v.os}|${v.table}`;
    const list = byTable.get(k);
    if (list === undefined) byTable.set(k, [i]);
    else list.push(i);
  });
  const events: EventRecord[] = [];
  const emit = (d: Device, type: EventRecord["type"], ms: number, variant: number, from: number, to: number) => {
    if (ms < windowStart || ms >= now) return;
    const id = objectId(ms, rng);
    events.push({ ms, vis: world.visibleAt(ms, id), id, type, service: "software", ok: true, actorId: d.id, actorName: d.hostname, app: null, v: packSoftwareEvent(variant, from, to), ts: null, body: null, sw: table });
  };
  const span = days / 90;
  for (const d of mdm.devices) {
    const f = forced.get(d);
    const own = byTable.get(`${d.osFamily}|${appTable(d.osFamily)}`) ?? [];
    const browsers = new Set<string>();
    const consider = (variants: readonly number[], events_: boolean) => {
      for (const vi of variants) {
        const v = table.variants[vi] as (typeof table.variants)[number];
        const force = f?.get(vi);
        if (force !== undefined && Number.isNaN(force)) continue;
        if (force === undefined && !rng.chance(v.product === "" ? v.share * shape.baseShare : v.share)) continue;
        if (v.product === "chrome" || v.product === "firefox") browsers.add(v.product);
        const last = v.versions.length - 1;
        const cur = last > 0 && rng.chance(0.1) ? last - 1 : last;
        const installMs = force ?? (!rng.chance(shape.lateInstallRate) ? d.createdMs + rng.int(2 * HOUR) : d.createdMs + rng.int(Math.max(1, now - d.createdMs)));
        d.sw.push(pack(vi, cur));
        d.swAt.push(installMs);
        if (!events_ || days < 1) continue;
        const lo = Math.max(installMs, windowStart);
        const k = Math.min(cur, rng.poisson(v.churn * span * shape.churnScale * ((now - lo) / Math.max(1, now - windowStart))));
        if (installMs >= windowStart) emit(d, "software_add", installMs, vi, cur - k, cur - k);
        if (k > 0) {
          const times: number[] = [];
          for (let m = 0; m < k; m++) times.push(lo + 1 + rng.int(Math.max(1, now - lo - 1)));
          times.sort((a, b) => a - b);
          times.forEach((t, m) => emit(d, "software_change", t, vi, cur - k + m, cur - k + m + 1));
        }
      }
    };
    consider(own, true);
    const exts = (name: "chrome_extensions" | "firefox_addons" | "safari_extensions") => byTable.get(`any|${name}`) ?? byTable.get(`darwin|${name}`) ?? [];
    if (browsers.has("chrome")) consider(exts("chrome_extensions"), false);
    if (browsers.has("firefox")) consider(exts("firefox_addons"), false);
    if (d.osFamily === "darwin") consider(exts("safari_extensions"), false);
    // Apps that came and went: some added before the window (their add is beyond retention) and
    // removed inside it, some added and removed inside it.
    if (days >= 1 && own.length > 0) {
      const present = new Set(d.sw.map(variantOf));
      const absent = own.filter((vi) => !present.has(vi) && f?.has(vi) !== true);
      const removes = Math.min(absent.length, rng.poisson(shape.removesPerDevice * span));
      for (let m = 0; m < removes; m++) {
        const at = m + rng.int(absent.length - m);
        const vi = absent[at] as number;
        absent[at] = absent[m] as number;
        const v = table.variants[vi] as (typeof table.variants)[number];
        const ver = rng.int(v.versions.length);
        const addMs = rng.chance(0.5) ? windowStart - rng.int(60 * DAY) : windowStart + rng.int(Math.max(1, now - windowStart));
        const removeMs = Math.max(addMs, windowStart) + 1 + rng.int(Math.max(1, now - Math.max(addMs, windowStart) - 1));
        emit(d, "software_add", Math.max(addMs, d.createdMs), vi, ver, ver);
        emit(d, "software_remove", removeMs, vi, ver, ver);
      }
    }
  }
  org.softwareEvents.add(events);
}
