import type { AddressInfo } from "node:net";
import type { DiEvent, FaultConfig, GroundTruth, Sim, SimClock, SimOptions, SystemRecord, WorldControls } from "./api.types.js";
import { createClock, isSimClock } from "./clock.js";
import { FaultEngine } from "./faults.js";
import { activity, generate } from "./generator.js";
import { StatsRecorder, createSimServer } from "./http/server.js";
import { type Device, inventoryRow, siSoftware, systemRecord } from "./mdm-model.js";
import { addDevice, bindUser, bindUserGroup, changeSoftware, collectInventory, deviceOf, installSoftware, liveInventory, removeDevice, removeSoftware, setSoftwareStatus, setSystemInsights, softwareAppOf } from "./mdm-world.js";
import { type EventRecord, type Org, compareEvents, materialize, userRecord } from "./model.js";
import { Rng } from "./rng.js";
import { computeTruth } from "./truth.js";
import type { Actor, World } from "./world.js";

export interface BuiltWorld {
  world: World;
  mainKey: string;
  readOnlyKey: string;
  commandRunnerKey: string;
  multiTenant: boolean;
  clock: SimClock;
}

/** Builds the world without serving it (the benchmark and determinism tests use this). */
export function buildWorld(options: SimOptions = {}): BuiltWorld {
  const clock = options.clock === undefined ? createClock() : isSimClock(options.clock) ? options.clock : createClock(options.clock);
  const retentionDays = options.diRetentionDays ?? 90;
  const lateEventMaxMs = options.lateEventMaxMs ?? 120_000;
  if (!(retentionDays > 0)) throw new RangeError("diRetentionDays must be > 0");
  if (!(lateEventMaxMs >= 0)) throw new RangeError("lateEventMaxMs must be >= 0");
  const g = generate({
    scenario: options.scenario ?? "demo",
    seed: options.seed ?? 1,
    clock,
    settings: { retentionDays, lateEventMaxMs },
    ...(options.users === undefined ? {} : { users: options.users }),
    ...(options.devices === undefined ? {} : { devices: options.devices }),
    ...(options.days === undefined ? {} : { days: options.days }),
  });
  return { ...g, clock };
}

/** Starts the stand-in on its own port. */
export async function startSim(options: SimOptions = {}): Promise<Sim> {
  const built = buildWorld(options);
  const { world, clock } = built;
  let mainKey = built.mainKey;
  const faults = new FaultEngine();
  if (options.faults !== undefined) faults.set(options.faults);
  const stats = new StatsRecorder();
  const server = createSimServer({ world, faults, mainKey: () => mainKey, ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }), ...(options.latencyOnClock === true ? { latencyOnClock: true } : {}) }, stats);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  const first = world.orgs[0] as Org;
  const credentials: Sim["credentials"] = {
    apiKey: mainKey,
    orgs: world.orgs.map((o) => ({ id: o.id, name: o.name })),
    multiTenant: built.multiTenant,
    readOnlyApiKey: built.readOnlyKey,
    commandRunnerApiKey: built.commandRunnerKey,
    ...(world.providerId === null ? {} : { providerId: world.providerId }),
  };
  const actorFor = (org: Org): Actor => world.firstAdmin(org);
  const deviceRecord = (d: Device): SystemRecord => {
    const org = world.org(d.orgId);
    const users = [...d.users].flatMap((id) => {
      const u = org.userById.get(id);
      return u === undefined ? [] : [{ username: u.username, suspended: u.state === "SUSPENDED", admin: false }];
    });
    return systemRecord(d, users);
  };
  const served = (orgId: string, r: EventRecord): DiEvent => {
    const org = world.org(orgId);
    return materialize(r, org.id, org.providerId);
  };
  const activityRng = new Rng((options.seed ?? 1) ^ 0x5eed);

  const controls: WorldControls = {
    addUser(input) {
      const org = world.org(input.orgId);
      return userRecord(world.createUser(org, input, actorFor(org), "manual"));
    },
    updateUser(id, patch) {
      const u = world.user(id);
      return userRecord(world.updateUser(u, patch, actorFor(world.org(u.orgId))));
    },
    deleteUser(id) {
      const u = world.user(id);
      world.deleteUser(u, actorFor(world.org(u.orgId)), true);
    },
    addGroup(input) {
      const org = world.org(input.orgId);
      const g = world.addGroup(org, input.name, input.description ?? "", actorFor(org));
      return { id: g.id, name: g.name };
    },
    addGroupMember(groupId, userId) {
      const g = world.group(groupId);
      world.setMember(g, world.user(userId), true, actorFor(world.org(g.orgId)));
    },
    removeGroupMember(groupId, userId) {
      const g = world.group(groupId);
      world.setMember(g, world.user(userId), false, actorFor(world.org(g.orgId)));
    },
    assignApp(appId, target) {
      const a = world.app(appId);
      world.associate(a, target, "add", actorFor(world.org(a.orgId)));
    },
    unassign(appId, target) {
      const a = world.app(appId);
      world.associate(a, target, "remove", actorFor(world.org(a.orgId)));
    },
    addApplication(input) {
      const org = world.org(input.orgId);
      const a = world.addApp(org, input, actorFor(org));
      return { id: a.id, name: a.name, displayLabel: a.displayLabel, ssoUrl: a.ssoUrl };
    },
    removeApplication(appId) {
      const a = world.app(appId);
      world.removeApp(a, actorFor(world.org(a.orgId)));
    },
    appendEvents(orgId, events) {
      return world.appendEvents(world.org(orgId), events);
    },
    simulateActivity(orgId, window) {
      const org = world.org(orgId);
      const now = world.now();
      const toMs = window.toMs ?? now;
      const fromMs = window.fromMs ?? (window.minutes === undefined ? toMs - 60 * 60_000 : toMs - window.minutes * 60_000);
      if (!(toMs > fromMs)) throw new RangeError("simulateActivity: the window must end after it starts");
      // Working-hours activity: about a quarter of a user's daily logins fall in any busy hour.
      const perUserDay = 6;
      let records = activity(world, org, activityRng, fromMs, toMs, perUserDay, { workHours: false });
      if (records.length === 0) {
        const u = org.users.find((x) => x.state === "ACTIVATED");
        if (u !== undefined) records = [world.loginEvent("user_login_attempt", fromMs + activityRng.int(toMs - fromMs), u.id, u.username, true, null, activityRng, u.place)];
      }
      org.events.add(records);
      world.version++;
      return records.map((r) => materialize(r, org.id, org.providerId));
    },
    revokeKey() {
      const old = world.keys.get(mainKey);
      world.revoke(mainKey);
      const next = world.newKey();
      if (old !== undefined) world.keys.set(next, { ...old, key: next, revoked: false });
      mainKey = next;
      credentials.apiKey = next;
      return next;
    },
    setDirectoryInsights(orgId, enabled) {
      world.org(orgId).diEnabled = enabled;
      world.version++;
    },
    getUser(id) {
      try {
        return userRecord(world.user(id));
      } catch {
        return undefined;
      }
    },
    allEvents(orgId): DiEvent[] {
      const org = world.org(orgId);
      return [...org.events.records, ...org.softwareEvents.records].sort(compareEvents).map((r) => materialize(r, org.id, org.providerId));
    },

    // ---- MDM world ----
    addDevice(input) {
      const org = world.org(input.orgId);
      return deviceRecord(addDevice(world, org, input, actorFor(org)));
    },
    removeDevice(deviceId) {
      const d = deviceOf(world, deviceId);
      removeDevice(world, d, actorFor(world.org(d.orgId)));
    },
    bindUser(deviceId, userId) {
      const d = deviceOf(world, deviceId);
      bindUser(world, d, world.user(userId), "add", actorFor(world.org(d.orgId)));
    },
    unbindUser(deviceId, userId) {
      const d = deviceOf(world, deviceId);
      bindUser(world, d, world.user(userId), "remove", actorFor(world.org(d.orgId)));
    },
    bindUserGroup(deviceId, groupId) {
      const d = deviceOf(world, deviceId);
      bindUserGroup(world, d, world.group(groupId), "add", actorFor(world.org(d.orgId)));
    },
    unbindUserGroup(deviceId, groupId) {
      const d = deviceOf(world, deviceId);
      bindUserGroup(world, d, world.group(groupId), "remove", actorFor(world.org(d.orgId)));
    },
    installSoftware(deviceId, software, options) {
      const d = deviceOf(world, deviceId);
      return served(d.orgId, installSoftware(world, d, software, options));
    },
    changeSoftware(deviceId, name, toVersion, options) {
      const d = deviceOf(world, deviceId);
      return served(d.orgId, changeSoftware(world, d, name, toVersion, options));
    },
    removeSoftware(deviceId, name, options) {
      const d = deviceOf(world, deviceId);
      return served(d.orgId, removeSoftware(world, d, name, options));
    },
    setSoftwareStatus(softwareAppId, deviceId, state, detail) {
      setSoftwareStatus(world, softwareAppOf(world, softwareAppId), deviceOf(world, deviceId), state, detail);
    },
    setSystemInsights(deviceId, state) {
      const d = deviceOf(world, deviceId);
      setSystemInsights(world, d, state, actorFor(world.org(d.orgId)));
    },
    getDevice(deviceId) {
      try {
        return deviceRecord(deviceOf(world, deviceId));
      } catch {
        return undefined;
      }
    },
    collectInventory(deviceId, options) {
      return collectInventory(world, deviceOf(world, deviceId), options);
    },
    liveInventory(deviceId) {
      liveInventory(world, deviceOf(world, deviceId));
    },
    inventoryRows(deviceId, table) {
      const d = deviceOf(world, deviceId);
      const rows: Record<string, unknown>[] = [];
      siSoftware(d).sw.forEach((p, k) => {
        if (world.software.variant(p).table === table) rows.push(inventoryRow(d, k, world.software));
      });
      return rows;
    },
  };

  return {
    url,
    consoleBaseUrl: url,
    insightsBaseUrl: `${url}/insights/directory/v1`,
    credentials,
    clock,
    truth: (orgId?: string): GroundTruth => computeTruth(world, orgId === undefined ? first : world.org(orgId)),
    faults: {
      set: (f: FaultConfig) => faults.set(f),
      clear: () => faults.clear(),
    },
    world: controls,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err === undefined ? resolve() : reject(err)));
      }),
  };
}

