// The seeded generator: a realistic org (admins, users in every state with HR fields, groups, SSO
// apps with group and direct assignments) and its Directory Insights history.
import type { Scenario, SimClock } from "./api.types.js";
import { emptyMdm } from "./mdm-model.js";
import { type Admin, type App, type AppSnapshot, EventLog, type EventRecord, type Group, type Org, type User } from "./model.js";
import { type MdmShape, generateMdm } from "./mdm-generator.js";
import { Rng, hash32, objectId } from "./rng.js";
import { ADMIN_ROLES, APP_CATALOG, DEPARTMENTS, EMPLOYEE_TYPES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, PLACES, toUsername } from "./vocabulary.js";
import { World, type Actor, type WorldSettings } from "./world.js";

const DAY = 86_400_000;

export interface GenerateOptions {
  scenario: Scenario;
  seed: number;
  users?: number;
  devices?: number;
  days?: number;
  clock: SimClock;
  settings: WorldSettings;
}

interface ScenarioShape {
  orgs: { name: string; domain: string }[];
  users: number;
  /** DI events per user per day, all services together. */
  intensity: number;
  diEnabled: boolean;
  multiTenant: boolean;
  /** Devices per user (default device count), and the MDM world's other proportions. */
  devicesPerUser: number;
  mdm: Omit<MdmShape, "devices">;
}

const SMALL_MDM: ScenarioShape["mdm"] = { sharedRate: 0.03, coUserRate: 0.1, churnScale: 2.5, removesPerDevice: 3, baseShare: 1, lateInstallRate: 0.2 };

function shape(scenario: Scenario): ScenarioShape {
  switch (scenario) {
    case "demo":
      return { orgs: [{ name: "Acme Robotics", domain: "acme-robotics.example" }], users: 30, intensity: 1.2, diEnabled: true, multiTenant: false, devicesPerUser: 7 / 6, mdm: SMALL_MDM };
    case "msp":
      return {
        orgs: [
          { name: "Nordlicht Bäckerei GmbH", domain: "nordlicht-baeckerei.example" },
          { name: "Café São Jorge Ltda", domain: "cafe-sao-jorge.example" },
        ],
        users: 30,
        intensity: 1.2,
        diEnabled: true,
        multiTenant: true,
        devicesPerUser: 7 / 6,
        mdm: SMALL_MDM,
      };
    case "no-di":
      return { orgs: [{ name: "Quiet Fjord AS", domain: "quiet-fjord.example" }], users: 30, intensity: 1.2, diEnabled: false, multiTenant: false, devicesPerUser: 7 / 6, mdm: SMALL_MDM };
    case "large":
      return { orgs: [{ name: "Globex Worldwide", domain: "globex.example" }], users: 50_000, intensity: 0.122, diEnabled: true, multiTenant: false, devicesPerUser: 0.4, mdm: { sharedRate: 0.005, coUserRate: 0.15, churnScale: 0.4, removesPerDevice: 1, baseShare: 0.7, lateInstallRate: 0.12 } };
  }
}

export interface Generated {
  world: World;
  mainKey: string;
  readOnlyKey: string;
  commandRunnerKey: string;
  multiTenant: boolean;
}

export function generate(options: GenerateOptions): Generated {
  const s = shape(options.scenario);
  const rng = new Rng(options.seed);
  const world = new World(rng.fork("world"), options.clock, options.settings);
  const now = options.clock.now().getTime();
  const days = options.days ?? 90;
  const userCount = options.users ?? s.users;
  if (!Number.isInteger(userCount) || userCount < 1) throw new RangeError("users must be a positive integer");
  if (!(days >= 0)) throw new RangeError("days must be >= 0");

  let providerAdmin: Admin | null = null;
  if (s.multiTenant) {
    const prng = rng.fork("provider");
    world.providerId = objectId(now - 4 * 365 * DAY, prng);
    providerAdmin = { id: objectId(now - 4 * 365 * DAY, prng), email: "ops@helpdesk-partners.example", firstname: "Grace", lastname: "Okonkwo-Lindqvist", roleName: "Administrator" };
  }

  s.orgs.forEach((o, i) => {
    const org = generateOrg(world, rng.fork(`org:${i}`), o.name, o.domain, userCount, now, s, days);
    world.addOrg(org);
    for (const u of org.users) world.userOrg.set(u.id, org);
    for (const g of org.groups) world.groupOrg.set(g.id, org);
    for (const a of org.apps) world.appOrg.set(a.id, org);
  });

  // The MDM world draws from generators of its own: a seed's directory world stays as it was.
  const deviceCount = options.devices ?? Math.round(userCount * s.devicesPerUser);
  if (!Number.isInteger(deviceCount) || deviceCount < 0) throw new RangeError("devices must be a non-negative integer");
  world.orgs.forEach((org, i) => generateMdm(world, org, new Rng((options.seed ^ hash32(`mdm:${i}`)) >>> 0), now, days, { devices: deviceCount, ...s.mdm }));

  const first = world.orgs[0] as Org;
  const keyRng = rng.fork("keys");
  const key = () => `jca_${keyRng.hex(36)}`;
  const byRole = (role: string) => first.admins.find((a) => a.roleName === role);
  const fallback = first.admins[0];
  if (fallback === undefined) throw new Error("generator: an org always has admins");
  const owner = providerAdmin ?? byRole("Administrator with Billing") ?? fallback;
  const mainKey = key();
  world.keys.set(mainKey, {
    key: mainKey,
    adminId: owner.id,
    adminEmail: owner.email,
    roleName: owner.roleName,
    orgIds: world.orgs.map((o) => o.id),
    multiTenant: s.multiTenant,
    providerId: world.providerId,
    revoked: false,
  });
  const roKey = key();
  const ro = byRole("Read Only") ?? owner;
  world.keys.set(roKey, { key: roKey, adminId: ro.id, adminEmail: ro.email, roleName: "Read Only", orgIds: [first.id], multiTenant: false, providerId: null, revoked: false });
  const crKey = key();
  const cr = first.admins.find((a) => a.roleName === "Command Runner") ?? owner;
  world.keys.set(crKey, { key: crKey, adminId: cr.id, adminEmail: cr.email, roleName: "Command Runner", orgIds: [first.id], multiTenant: false, providerId: null, revoked: false });
  return { world, mainKey, readOnlyKey: roKey, commandRunnerKey: crKey, multiTenant: s.multiTenant };
}

function generateOrg(world: World, rng: Rng, name: string, domain: string, n: number, now: number, s: ScenarioShape, days: number): Org {
  const orgCreated = now - (3 * 365 + rng.int(365)) * DAY;
  const org: Org = {
    id: objectId(orgCreated, rng),
    name,
    createdMs: orgCreated,
    providerId: world.providerId,
    domain,
    diEnabled: s.diEnabled,
    newUserState: rng.chance(0.5) ? "ACTIVATED" : "STAGED",
    users: [],
    userById: new Map(),
    groups: [],
    groupById: new Map(),
    apps: [],
    appById: new Map(),
    admins: [],
    events: new EventLog(),
    softwareEvents: new EventLog(),
    mdm: emptyMdm(),
  };
  const windowStart = now - days * DAY;
  const lifecycle: EventRecord[] = [];

  // ---- users: creation times spread over the org's life, ids increasing with them ----
  const created: number[] = [];
  for (let i = 0; i < n; i++) {
    // One user in twelve joined inside the event window (their user_create is visible in DI).
    created.push(i > 0 && rng.chance(1 / 12) ? now - rng.int(Math.max(1, days) * DAY) : orgCreated + rng.int(Math.max(1, now - 2 * DAY - orgCreated)));
  }
  created.sort((a, b) => a - b);
  const taken = new Set<string>();
  const suffix = new Map<string, number>();
  const folded = new Map<string, string>();
  const employeeIds = new Set<string>();
  const deptHeads = new Map<string, User>();
  for (let i = 0; i < n; i++) {
    const createdMs = created[i] as number;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const nameKey = `${first}\u0000${last}`;
    let base = folded.get(nameKey);
    if (base === undefined) folded.set(nameKey, (base = toUsername(first, last)));
    let username = base;
    if (taken.has(username)) {
      let k = suffix.get(base) ?? 2;
      while (taken.has(`${base}${k}`)) k++;
      suffix.set(base, k + 1);
      username = `${base}${k}`;
    }
    taken.add(username);
    const department = i === 0 ? "Operations" : i === 1 ? "IT" : rng.weighted(DEPARTMENTS);
    const employeeType = i < 2 ? "Full-time" : rng.weighted(EMPLOYEE_TYPES);
    let employeeIdentifier = `${employeeType === "Contractor" ? "C" : "E"}${String(10000 + i * 7 + rng.int(7)).padStart(6, "0")}`;
    while (employeeIds.has(employeeIdentifier)) employeeIdentifier += "1";
    employeeIds.add(employeeIdentifier);
    const recent = createdMs >= windowStart;
    const state = i < 2 ? "ACTIVATED" : recent && rng.chance(0.35) ? "STAGED" : rng.chance(0.07) ? "SUSPENDED" : rng.chance(0.03) ? "STAGED" : "ACTIVATED";
    const placeIdx = rng.int(PLACES.length);
    const head = deptHeads.get(department);
    const middle = rng.chance(0.08) ? rng.pick(FIRST_NAMES) : "";
    const u: User = {
      id: objectId(createdMs, rng),
      orgId: org.id,
      createdMs,
      username,
      email: `${username}@${domain}`,
      firstname: first,
      middlename: middle,
      lastname: last,
      displayname: middle === "" ? `${first} ${last}` : `${first} ${middle} ${last}`,
      state,
      employeeIdentifier,
      employeeType,
      department: rng.chance(0.03) ? "" : department,
      jobTitle: i === 0 ? "Chief Executive Officer" : head === undefined ? `Head of ${department}` : rng.pick(JOB_TITLES[department] ?? ["Specialist"]),
      company: employeeType === "Contractor" ? rng.pick(["Freelance", "Ørsted Consulting ApS", "Brightwork Staffing LLC"]) : name,
      costCenter: `CC-${1000 + DEPARTMENTS.findIndex(([d]) => d === department) * 100}`,
      location: (PLACES[placeIdx] as (typeof PLACES)[number]).location,
      description: "",
      managerId: i === 0 ? null : (head ?? org.users[0])?.id ?? null,
      admin: null,
      mfaConfigured: rng.chance(0.7),
      unixUid: 5000 + i,
      passwordDateMs: state === "STAGED" ? null : createdMs + rng.int(DAY),
      creationSource: rng.chance(0.2) ? "csv_import" : "manual",
      place: placeIdx,
      activity: state === "STAGED" || (i > 1 && rng.chance(0.12)) ? 0 : Math.exp(rng.gauss() * 0.6),
    };
    if (head === undefined && i > 0) deptHeads.set(department, u);
    org.users.push(u);
    org.userById.set(u.id, u);
    if (recent) lifecycle.push(world.lifecycleEvent(org, "user_create", { id: "000000000000000000000000", email: `it@${domain}` }, { resource: { id: u.id, type: "user", username } }, createdMs));
  }

  // ---- admins: console accounts sharing their user's email; one outside the directory ----
  const adminUsers = org.users.filter((u, i) => i < 2 || (u.department === "IT" && rng.chance(0.3)) || rng.chance(0.004));
  adminUsers.slice(0, Math.max(2, Math.min(25, Math.ceil(n / 40)))).forEach((u, i) => {
    const roleName = i === 0 ? "Administrator with Billing" : i === 1 ? "Administrator" : rng.pick(ADMIN_ROLES);
    const admin: Admin = { id: objectId(u.createdMs, rng), email: u.email, firstname: u.firstname, lastname: u.lastname, roleName };
    org.admins.push(admin);
    u.admin = { id: admin.id, roleName, roleNames: [roleName] };
  });
  for (const roleName of ["Read Only", "Command Runner"]) {
    if (!org.admins.some((a) => a.roleName === roleName))
      org.admins.push({ id: objectId(orgCreated, rng), email: `${roleName.toLowerCase().replace(" ", ".")}@${domain}`, firstname: roleName, lastname: "Account", roleName });
  }
  const firstAdmin = org.admins[0] as Admin;
  for (const e of lifecycle) {
    e.actorId = firstAdmin.id;
    e.actorName = firstAdmin.email;
    (e.body as Record<string, unknown>).initiated_by = { id: firstAdmin.id, type: "admin", email: firstAdmin.email };
  }

  // ---- groups ----
  const gms = (k: number) => orgCreated + DAY + k * 3_600_000;
  const mkGroup = (gname: string, description: string, k: number): Group => {
    const g: Group = { id: objectId(gms(k), rng), orgId: org.id, createdMs: gms(k), name: gname, description, email: "", members: new Set() };
    org.groups.push(g);
    org.groupById.set(g.id, g);
    return g;
  };
  const all = mkGroup("All Employees", "Everyone with an active account", 0);
  for (const u of org.users) if (u.state !== "STAGED" && u.employeeType !== "Contractor") all.members.add(u.id);
  const deptGroup = new Map<string, Group>();
  DEPARTMENTS.forEach(([d], k) => {
    const g = mkGroup(d === "IT" ? "IT – Admins & Helpdesk" : d, `Department: ${d}`, k + 1);
    deptGroup.set(d, g);
  });
  for (const u of org.users) if (u.department !== "") deptGroup.get(u.department)?.members.add(u.id);
  const contractors = mkGroup("Contractors", "External contractors", 20);
  for (const u of org.users) if (u.employeeType === "Contractor") contractors.members.add(u.id);
  const offices = PLACES.map((p, k) => mkGroup(`Office – ${p.location}`, `Located in ${p.location}`, 21 + k));
  for (const u of org.users) offices[u.place]?.members.add(u.id);
  mkGroup("Alumni (empty)", "Kept for audits; intentionally empty", 40);
  const projects = Math.max(2, Math.floor(n / 250));
  const active = org.users.filter((u) => u.state !== "STAGED");
  for (let k = 0; k < projects; k++) {
    const g = mkGroup(`Project ${rng.pick(["Ålesund", "Kyōto", "Zürich", "Łódź", "Mañana", "Orion", "Nimbus", "Bifröst"])} ${k + 1}`, "Project team", 50 + k);
    const size = Math.min(active.length, 3 + rng.int(60));
    for (let m = 0; m < size; m++) g.members.add((active[rng.int(active.length)] as User).id);
  }

  // ---- applications ----
  const appCount = Math.min(APP_CATALOG.length, n <= 100 ? 8 : n <= 2000 ? 16 : APP_CATALOG.length);
  // The last app stays unassigned on purpose (a sync must keep an app nobody can reach).
  const catalog = [...APP_CATALOG.filter((c) => c.name !== "lucid").slice(0, appCount - 1), ...APP_CATALOG.filter((c) => c.name === "lucid")];
  catalog.forEach((c, k) => {
    const ms = orgCreated + 2 * DAY + k * 7_200_000;
    const id = objectId(ms, rng);
    const label = k === 2 ? `${c.displayName} – ${name}` : c.displayName;
    const slug = `${c.name}-${domain.split(".")[0] ?? "org"}`;
    const ssoUrl = `https://sso.jumpcloud.com/saml2/${slug}`;
    const a: App = {
      id,
      orgId: org.id,
      createdMs: ms,
      name: c.name,
      displayName: c.displayName,
      displayLabel: label,
      ssoUrl,
      description: `${c.displayName} single sign-on`,
      color: rng.pick(["", "#202D38", "#005466", "#3E8696", "#006CAC", "#7C6ADA"]),
      directUsers: new Set(),
      groups: new Set(),
      snapshot: Object.freeze({ id, name: c.name, display_label: label, sso_url: ssoUrl, sso_type: "saml" as const }),
    };
    if (c.audience === "all") a.groups.add(all.id);
    else if (c.audience !== "none") {
      const g = deptGroup.get(c.audience);
      if (g !== undefined) a.groups.add(g.id);
    }
    if (c.audience === "none" && c.name !== "lucid") {
      // Direct assignments only.
      for (const u of active) if (rng.chance(0.15)) a.directUsers.add(u.id);
      if (a.directUsers.size < 2) for (let m = 0; m < 2; m++) a.directUsers.add((active[rng.int(active.length)] as User).id);
    } else if (c.audience !== "none" && k % 3 === 1) {
      // On some group apps, a few direct grants too (overlaps included: a user may hold both
      // paths); the other group apps are reachable only through their groups.
      for (const u of active) if (rng.chance(0.02)) a.directUsers.add(u.id);
    }
    if (c.name === "zoom") a.groups.add(contractors.id);
    org.apps.push(a);
    org.appById.set(a.id, a);
  });
  const alumni = org.groups.find((g) => g.name === "Alumni (empty)");
  if (alumni !== undefined && org.apps[1] !== undefined) org.apps[1].groups.add(alumni.id);

  // ---- history ----
  // Every org has someone suspended inside the event window, and some HR edits, so lifecycle
  // events of each kind exist whatever the seed.
  if (n > 3 && !org.users.some((u) => u.state === "SUSPENDED")) {
    const victim = org.users.slice(2).reverse().find((u) => u.state === "ACTIVATED" && u.admin === null);
    if (victim !== undefined) victim.state = "SUSPENDED";
  }
  const firstSuspended = org.users.find((u) => u.state === "SUSPENDED");
  const suspendedAt = new Map<string, number>();
  const actor = { id: firstAdmin.id, email: firstAdmin.email };
  for (const u of org.users) {
    if (days >= 1 && u.state === "ACTIVATED" && u.createdMs < windowStart && (rng.chance(0.04) || u === org.users[n - 1])) {
      const at = now - rng.int(days * DAY);
      const field = rng.pick(["jobTitle", "location", "costCenter"] as const);
      const from = field === "jobTitle" ? "Associate" : field === "location" ? "Remote" : "CC-0000";
      if (from !== u[field])
        lifecycle.push(world.lifecycleEvent(org, "user_update", actor, { resource: { id: u.id, type: "user", username: u.username }, changes: [{ field, from, to: u[field] }] }, at));
    }
    if (u.state !== "SUSPENDED") continue;
    const inWindow = u === firstSuspended && days >= 1;
    const at = inWindow ? Math.max(u.createdMs + 60_000, now - rng.int(days * DAY)) : Math.max(u.createdMs + DAY, now - rng.int(Math.max(1, days * 2) * DAY));
    suspendedAt.set(u.id, Math.min(at, now - 60_000));
    if (at >= windowStart && at < now) {
      const resource = { id: u.id, type: "user", username: u.username };
      lifecycle.push(world.lifecycleEvent(org, "user_update", actor, { resource, changes: [{ field: "state", from: "ACTIVATED", to: "SUSPENDED" }] }, at));
      lifecycle.push(world.lifecycleEvent(org, "user_suspended", actor, { resource }, at));
    }
  }
  const history = activity(world, org, rng, windowStart, now, s.intensity, { workHours: true, until: suspendedAt });
  org.events.add(lifecycle.concat(history));
  // Drawn last, from a stream of their own: the rest of a seeded world stays as it was.
  org.events.add(formerGrants(world, org, rng.fork("former-grants"), windowStart, now, actor));
  return org;
}

/**
 * Use without a current assignment, what an audit looks for: people who signed in to an app
 * through a direct grant that an admin has since revoked (the revocation is logged). Their
 * successful `sso_auth` events stay in the log while they are no longer assigned; about one user
 * in fifty, at least two per org.
 */
function formerGrants(world: World, org: Org, rng: Rng, fromMs: number, toMs: number, actor: Actor): EventRecord[] {
  const out: EventRecord[] = [];
  if (toMs - fromMs < 3 * DAY) return out;
  const reach = assignedApps(org);
  const people = org.users.filter((u) => u.state === "ACTIVATED" && u.activity > 0 && u.createdMs < fromMs);
  const apps = org.apps.filter((a) => a.name !== "lucid");
  if (people.length === 0 || apps.length === 0) return out;
  const wanted = Math.max(2, Math.round(org.users.length / 50));
  const taken = new Set<string>();
  for (let tries = 0; taken.size < wanted && tries < wanted * 20; tries++) {
    const u = rng.pick(people);
    const a = rng.pick(apps);
    const key = `${u.id}/${a.id}`;
    if (taken.has(key) || (reach.get(u.id) ?? []).includes(a)) continue;
    taken.add(key);
    const revokedAt = fromMs + DAY + rng.int(toMs - fromMs - 2 * DAY);
    const logins = 1 + rng.int(3);
    for (let k = 0; k < logins; k++) out.push(world.loginEvent("sso_auth", fromMs + rng.int(revokedAt - fromMs), u.id, u.username, true, a.snapshot, rng, u.place));
    out.push(
      world.lifecycleEvent(
        org,
        "association_change",
        actor,
        {
          resource: { id: a.id, type: "application", name: a.name },
          association: { op: "remove", connection: { from: { type: "application", object_id: a.id, name: a.name }, to: { type: "user", object_id: u.id } } },
        },
        revokedAt,
      ),
    );
  }
  return out;
}

/** Which apps each user can reach (direct or through a group). */
export function assignedApps(org: Org): Map<string, App[]> {
  const out = new Map<string, App[]>();
  for (const a of org.apps) {
    const users = new Set(a.directUsers);
    for (const gid of a.groups) for (const uid of org.groupById.get(gid)?.members ?? []) users.add(uid);
    for (const uid of users) {
      const list = out.get(uid);
      if (list === undefined) out.set(uid, [a]);
      else list.push(a);
    }
  }
  return out;
}

/**
 * Login activity in [fromMs, toMs): user portal logins, admin console logins, SSO logins (with
 * failures, and the odd failure whose application is blank but for sso_url) and some device logins
 * from another service that a directory sync should not ask for.
 */
export function activity(
  world: World,
  org: Org,
  rng: Rng,
  fromMs: number,
  toMs: number,
  perUserDay: number,
  opts: { workHours: boolean; until?: Map<string, number> },
): EventRecord[] {
  const out: EventRecord[] = [];
  if (toMs <= fromMs) return out;
  const apps = assignedApps(org);
  const adminByEmail = new Map(org.admins.map((a) => [a.email, a]));
  const span = toMs - fromMs;
  const spanDays = span / DAY;
  const at = (u: User, end: number): number => {
    const usable = Math.max(1, end - fromMs);
    if (!opts.workHours || usable < DAY) return fromMs + rng.int(usable);
    const day = Math.floor(rng.int(usable) / DAY);
    const place = PLACES[u.place] ?? PLACES[0];
    const hour = ((place?.utcStartHour ?? 8) + Math.floor(rng.next() * rng.next() * 11)) % 24;
    const t = fromMs + day * DAY - (fromMs % DAY) + hour * 3_600_000 + rng.int(3_600_000);
    return t >= fromMs && t < end ? t : fromMs + rng.int(usable);
  };
  const allApps = org.apps;
  for (const u of org.users) {
    if (u.activity <= 0 || u.state === "STAGED") continue;
    if (u.state === "SUSPENDED" && opts.until?.has(u.id) !== true) continue;
    const end = Math.min(toMs, opts.until?.get(u.id) ?? toMs);
    if (end <= fromMs || u.createdMs >= end) continue;
    const mean = u.activity * perUserDay * spanDays * ((end - Math.max(fromMs, u.createdMs)) / span);
    const portal = rng.poisson(mean * 0.4);
    for (let k = 0; k < portal; k++) {
      const t = Math.max(at(u, end), u.createdMs);
      const ok = rng.chance(0.92);
      out.push(world.loginEvent("user_login_attempt", t, u.id, u.username, ok, null, rng, u.place));
      if (!ok && rng.chance(0.6) && t + 20_000 < end) out.push(world.loginEvent("user_login_attempt", t + 5_000 + rng.int(15_000), u.id, u.username, true, null, rng, u.place));
    }
    const mine = apps.get(u.id) ?? [];
    const sso = mine.length === 0 ? 0 : rng.poisson(mean * 0.5);
    for (let k = 0; k < sso; k++) {
      const t = Math.max(at(u, end), u.createdMs);
      const roll = rng.next();
      if (roll < 0.95) out.push(world.loginEvent("sso_auth", t, u.id, u.username, true, rng.pick(mine).snapshot, rng, u.place));
      else if (roll < 0.985) {
        // Tried an app they are not (or no longer) assigned to.
        const a = rng.pick(allApps);
        out.push(world.loginEvent("sso_auth", t, u.id, u.username, false, a.snapshot, rng, u.place));
      } else {
        const a = rng.pick(mine);
        const blank: AppSnapshot = { id: "", name: "", display_label: "", sso_url: a.ssoUrl, sso_type: "saml" };
        out.push(world.loginEvent("sso_auth", t, u.id, u.username, false, blank, rng, u.place));
      }
    }
    const devices = rng.poisson(mean * 0.1);
    for (let k = 0; k < devices; k++) {
      const t = Math.max(at(u, end), u.createdMs);
      const id = objectId(t, rng);
      out.push({
        ms: t,
        vis: world.visibleAt(t, id),
        id,
        type: "login_attempt",
        service: "systems",
        ok: true,
        actorId: u.id,
        actorName: u.username,
        app: null,
        v: 0,
        ts: null,
        body: {
          "@version": "1",
          system: { id: objectId(u.createdMs, rng), hostname: `${u.username.replace(/\./g, "-")}-mbp`, displayName: `${u.displayname}'s MacBook`, type: "system" },
          username: u.username,
          success: true,
          process_name: "loginwindow",
          src_ip: "",
        },
        sw: null,
      });
    }
    const admin = u.admin === null ? undefined : adminByEmail.get(u.email);
    if (admin !== undefined && u.state === "ACTIVATED") {
      // Admins work in the console most days: their last portal login is usually an admin one.
      const logins = rng.poisson(Math.max(1, u.activity) * spanDays * (opts.workHours ? 1 : 0.3));
      for (let k = 0; k < logins; k++) {
        const t = Math.max(at(u, end), u.createdMs);
        out.push(world.loginEvent("admin_login_attempt", t, admin.id, admin.email, rng.chance(0.95), null, rng, u.place));
      }
    }
  }
  return out;
}
