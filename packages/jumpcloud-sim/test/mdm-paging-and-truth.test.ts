import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock, type GroundTruth, type Sim, type SystemInsightsTable, startSim } from "../src/index.js";
import { buildWorld } from "../src/sim.js";
import { computeTruth } from "../src/truth.js";
import { allEvents, allSi, allV1, allV2, get } from "./helpers.js";

const DAY = 86_400_000;
const TABLES: SystemInsightsTable[] = ["apps", "programs", "linux_packages", "chrome_extensions", "firefox_addons", "safari_extensions"];

/** The truth rule, applied to what a client read: last event per (device, application.name). */
function softwareFromEvents(rows: any[]): Map<string, Map<string, any>> {
  const out = new Map<string, Map<string, any>>();
  const ordered = [...rows].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || (a.id < b.id ? -1 : 1));
  for (const e of ordered) {
    let m = out.get(e.system.id);
    if (m === undefined) out.set(e.system.id, (m = new Map()));
    m.set(e.application.name, e);
  }
  return out;
}

describe("MDM paging agrees with the ground truth", () => {
  let sim: Sim;
  let t: GroundTruth;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 5 });
    t = sim.truth();
  });
  afterAll(() => sim.close());

  it("the demo world has the shapes the sync must handle", () => {
    expect(t.devices.length).toBeGreaterThanOrEqual(30);
    expect(t.devices.length).toBeLessThanOrEqual(40);
    const perUser = new Map(t.userSoftware.map((u) => [u.userId, u.deviceIds.length]));
    expect([...perUser.values()].some((n) => n >= 2)).toBe(true); // someone has two devices
    expect(t.users.some((u) => !perUser.has(u.id))).toBe(true); // someone has none
    expect(t.devices.some((d) => d.userIds.length === 0)).toBe(true); // a device with no user
    expect(t.devices.some((d) => d.userGroupIds.length > 0 && d.userIds.some((u) => !d.directUserIds.includes(u)))).toBe(true); // bound through a group
    expect(new Set(t.devices.map((d) => d.osFamily))).toEqual(new Set(["darwin", "windows", "linux"]));
    expect(new Set(t.devices.map((d) => d.systemInsights)).has("enabled")).toBe(true);
    expect(t.devices.some((d) => d.systemInsights !== "enabled")).toBe(true);
    const states = new Set(t.softwareApps.flatMap((a) => a.statuses.map((s) => s.state)));
    expect(states).toEqual(new Set(["INSTALLED", "FAILED", "PENDING"]));
    expect(t.softwareApps.length).toBeGreaterThanOrEqual(5);
    expect(t.softwareCoverage.visibleEvents).toBeGreaterThan(1500);
    // SSO applications and managed apps overlap with installed products.
    expect(t.applications.map((a) => a.name)).toEqual(expect.arrayContaining(["slack", "zoom"]));
    expect(t.softwareApps.map((a) => a.displayName)).toEqual(expect.arrayContaining(["Slack", "Zoom Workplace"]));
  });

  it("systems and bindings, both directions", async () => {
    const systems = await allV1(sim, "/api/systems");
    expect(systems.rows.map((d) => d.id)).toEqual(t.devices.map((d) => d.id));
    for (const [i, d] of systems.rows.entries()) {
      const td = t.devices[i]!;
      expect([d.hostname, d.osFamily, d.systemInsights.state, d.serialNumber, d.active]).toEqual([td.hostname, td.osFamily, td.systemInsights, td.serialNumber, td.active]);
      expect(d.mdm.vendor).toBe(td.mdm.vendor);
    }
    for (const td of t.devices) {
      const users = await allV2(sim, `/api/v2/systems/${td.id}/users`);
      expect(users.rows.map((u) => u.id).sort()).toEqual(td.userIds);
      for (const u of users.rows) {
        expect(u.paths.some((p: any[]) => p.length === 1)).toBe(td.directUserIds.includes(u.id));
        for (const p of u.paths.filter((x: any[]) => x.length === 2)) expect(td.userGroupIds).toContain(p[0].to.id);
      }
      const assoc = await allV2(sim, `/api/v2/systems/${td.id}/associations?targets=user,user_group`);
      expect(assoc.rows.filter((r) => r.to.type === "user").map((r) => r.to.id)).toEqual(td.directUserIds);
      expect(assoc.rows.filter((r) => r.to.type === "user_group").map((r) => r.to.id)).toEqual(td.userGroupIds);
    }
    const withDevices = new Map(t.userSoftware.map((u) => [u.userId, u.deviceIds]));
    for (const u of t.users) {
      const systemsOfUser = await allV2(sim, `/api/v2/users/${u.id}/systems`);
      expect(systemsOfUser.rows.map((d) => d.id).sort()).toEqual(withDevices.get(u.id) ?? []);
    }
  });

  it("managed software: apps, statuses, linked systems, associations, per-device statuses", async () => {
    const apps = await allV2(sim, "/api/v2/softwareapps");
    expect(apps.rows.map((a) => a.id).sort()).toEqual(t.softwareApps.map((a) => a.id));
    for (const ta of t.softwareApps) {
      const app = apps.rows.find((a) => a.id === ta.id);
      expect(app.settings[0]).toMatchObject({ packageManager: ta.packageManager, packageId: ta.packageId, desiredState: ta.desiredState });
      if (ta.bundleId !== null) expect(app.settings[0].bundleId).toBe(ta.bundleId);
      const statuses = await allV2(sim, `/api/v2/softwareapps/${ta.id}/statuses`);
      expect(statuses.rows.map((s) => [s.systemId, s.state, s.id]).sort()).toEqual(ta.statuses.map((s) => [s.systemId, s.state, s.statusId]));
      const systems = await allV2(sim, `/api/v2/softwareapps/${ta.id}/systems`);
      expect(systems.rows.map((s) => s.id).sort()).toEqual(ta.linkedSystemIds);
      for (const s of systems.rows) {
        expect(s.paths.some((p: any[]) => p.length === 1)).toBe(ta.systemIds.includes(s.id));
        for (const p of s.paths.filter((x: any[]) => x.length === 2)) expect(ta.systemGroupIds).toContain(p[0].to.id);
      }
      const assoc = await allV2(sim, `/api/v2/softwareapps/${ta.id}/associations?targets=system,system_group`);
      expect(assoc.rows.map((r) => r.to.id).sort()).toEqual([...ta.systemIds, ...ta.systemGroupIds].sort());
    }
    // An app bound to nobody: no statuses, no systems (one request each still).
    expect(t.softwareApps.some((a) => a.linkedSystemIds.length === 0 && a.statuses.length === 0)).toBe(true);
    const td = t.devices.find((d) => d.managedApps.length > 0)!;
    const perDevice = await allV2(sim, `/api/v2/systems/${td.id}/softwareappstatuses`);
    expect(perDevice.rows.map((r) => [r.app.id, r.status.state]).sort()).toEqual(td.managedApps.map((m) => [m.softwareAppId, m.state]));
    for (const m of td.managedApps) expect(m.installed).toBe(m.state === "INSTALLED");
    expect(td.installedManagedAppIds).toEqual(td.managedApps.filter((m) => m.state === "INSTALLED").map((m) => m.softwareAppId));
  });

  it("System Insights: only enabled devices have rows, and each has what truth says", async () => {
    for (const table of TABLES) {
      const { rows } = await allSi(sim, `/api/v2/systeminsights/${table}`);
      const count = new Map<string, number>();
      for (const r of rows) count.set(r.system_id, (count.get(r.system_id) ?? 0) + 1);
      for (const d of t.devices) expect(count.get(d.id) ?? 0, `${table} ${d.hostname}`).toBe(d.inventoryRows[table]);
      expect(rows.every((r) => t.devices.find((d) => d.id === r.system_id)?.systemInsights === "enabled")).toBe(true);
      expect(rows.every((r) => (table === "linux_packages" ? !("collection_time" in r) : typeof r.collection_time === "string"))).toBe(true);
    }
    const off = t.devices.find((d) => d.systemInsights !== "enabled")!;
    expect((await get(sim, `/api/v2/systeminsights/${off.osFamily === "darwin" ? "apps" : off.osFamily === "windows" ? "programs" : "linux_packages"}?filter=system_id:eq:${off.id}&limit=10000`)).body).toEqual([]);
  });

  it("System Insights carries one product under each OS's own name", async () => {
    const apps = (await allSi(sim, "/api/v2/systeminsights/apps")).rows;
    const programs = (await allSi(sim, "/api/v2/systeminsights/programs")).rows;
    const linux = (await allSi(sim, "/api/v2/systeminsights/linux_packages")).rows;
    expect(apps.find((r) => r.name === "Slack.app")).toMatchObject({ bundle_identifier: "com.tinyspeck.slackmacgap", bundle_name: "Slack" });
    expect(programs.find((r) => r.name === "Slack")).toMatchObject({ publisher: "Slack Technologies Inc." });
    expect(linux.some((r) => r.name === "slack-desktop")).toBe(true);
    expect(apps.some((r) => r.name === "Visual Studio Code.app" && r.display_name === "Code")).toBe(true);
    expect(apps.some((r) => r.name === "zoom.us.app")).toBe(true);
    expect(programs.some((r) => r.name === "Zoom")).toBe(true);
    expect(linux.some((r) => r.name === "firefox-esr")).toBe(true);
    expect(programs.some((r) => r.name === "Microsoft Teams")).toBe(true);
    expect(apps.every((r) => typeof r.last_opened_time === "number")).toBe(true);
    expect(apps.some((r) => r.last_opened_time === -1)).toBe(true);
    expect(apps.some((r) => r.last_opened_time > 1_600_000_000)).toBe(true);
  });

  it("the DI software stream read in full gives truth's per-device software", async () => {
    const now = sim.clock.now().getTime();
    const read = await allEvents(sim, { service: ["software"], start_time: new Date(now - 90 * DAY).toISOString(), limit: 10_000 });
    expect(read.rows.length).toBe(t.softwareCoverage.visibleEvents);
    expect(t.softwareCoverage.earliestVisibleEventAt).toBe(new Date(Math.min(...read.rows.map((e) => Date.parse(e.timestamp)))).toISOString());
    const last = softwareFromEvents(read.rows);
    expect(t.softwareCoverage.devicesWithEvents).toBe(last.size);
    for (const d of t.devices) {
      const expected = [...(last.get(d.id) ?? new Map()).entries()]
        .filter(([, e]) => e.event_type !== "software_remove")
        .map(([name, e]) => ({ name, version: e.event_type === "software_change" ? e.changes[0].to : e.application.version, eventId: e.id }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      expect(d.software.map((s) => ({ name: s.name, version: s.version, eventId: s.eventId }))).toEqual(expected);
    }
    // The history holds the cases the rules are about.
    const keys = (type: string) => new Set(read.rows.filter((e) => e.event_type === type).map((e) => `${e.system.id}|${e.application.name}`));
    const adds = keys("software_add");
    expect([...keys("software_change")].some((k) => !adds.has(k))).toBe(true); // add beyond retention, change visible
    expect([...keys("software_remove")].some((k) => !adds.has(k))).toBe(true); // add beyond retention, remove visible
    expect([...keys("software_remove")].some((k) => adds.has(k))).toBe(true); // added and removed inside the window
    const change = read.rows.find((e) => e.event_type === "software_change");
    expect(change).toMatchObject({ service: "software", system: { type: "system" }, changes: [{ field: "version" }] });
    expect(change.changes[0].from).not.toBe(change.changes[0].to);
    for (const u of t.userSoftware) {
      const names = new Set(t.devices.filter((d) => u.deviceIds.includes(d.id)).flatMap((d) => d.software.map((s) => s.name)));
      expect(u.softwareNames).toEqual([...names].sort());
    }
  });

  it("a perfect client needs exactly minimumRequests.mdm", async () => {
    const plan = t.minimumRequests.mdm;
    sim.resetStats();
    const systems = await allV1(sim, "/api/systems");
    if (plan.byRoute["GET /api/v2/systems/{system_id}/users"] !== undefined) for (const d of systems.rows) await allV2(sim, `/api/v2/systems/${d.id}/users`);
    else for (const u of t.users) await allV2(sim, `/api/v2/users/${u.id}/systems`);
    const apps = await allV2(sim, "/api/v2/softwareapps");
    for (const a of apps.rows) {
      await allV2(sim, `/api/v2/softwareapps/${a.id}/statuses`);
      await allV2(sim, `/api/v2/softwareapps/${a.id}/systems`);
    }
    const now = sim.clock.now().getTime();
    await allEvents(sim, { service: ["software"], start_time: new Date(now - 90 * DAY).toISOString(), limit: 10_000 });
    for (const table of TABLES) await allSi(sim, `/api/v2/systeminsights/${table}`);
    const stats = sim.stats();
    expect(Object.fromEntries(Object.entries(stats.byRoute).map(([k, v]) => [k, v.total]))).toEqual(plan.byRoute);
    expect(stats.total).toBe(plan.total);
    expect(stats.byStatus).toEqual({ "200": plan.total });
    // Here 30 users cost fewer traversals than 35 devices.
    expect(plan.byRoute["GET /api/v2/users/{user_id}/systems"]).toBe(t.users.length);
    // The directory plan is unchanged by the MDM world.
    expect(Object.keys(t.minimumRequests.byRoute).some((k) => /\/api\/systems|\/systems|softwareapps|systeminsights/.test(k))).toBe(false);
  });
});

describe("MDM determinism and isolation", () => {
  const mdmSnapshot = (seed: number) => {
    const b = buildWorld({ scenario: "msp", seed });
    return JSON.stringify(
      b.world.orgs.map((o) => ({
        devices: o.mdm.devices.map((d) => ({ ...d, users: [...d.users], userGroups: [...d.userGroups] })),
        groups: o.mdm.systemGroups.map((g) => [g.id, g.name, [...g.members]]),
        apps: o.mdm.softwareApps.map((a) => ({ ...a, systems: [...a.systems], systemGroups: [...a.systemGroups], statuses: [...a.statuses] })),
        events: o.softwareEvents.records.map((r) => [r.ms, r.vis, r.id, r.type, r.actorId, r.v]),
      })),
    );
  };

  it("same seed → the same MDM world byte for byte; another seed → another", () => {
    const a = mdmSnapshot(42);
    expect(mdmSnapshot(42)).toBe(a);
    expect(mdmSnapshot(43)).not.toBe(a);
    expect(a.length).toBeGreaterThan(100_000);
  });

  it("the directory world and its truth do not depend on the MDM world", () => {
    for (const scenario of ["demo", "msp", "no-di"] as const) {
      const withMdm = buildWorld({ scenario, seed: 3 });
      const without = buildWorld({ scenario, seed: 3, devices: 0 });
      expect(without.world.orgs[0]!.mdm.devices).toHaveLength(0);
      expect(withMdm.world.orgs[0]!.mdm.devices.length).toBeGreaterThan(0);
      for (const [i, org] of withMdm.world.orgs.entries()) {
        const other = without.world.orgs[i]!;
        const directory = (o: typeof org) => JSON.stringify([o.users, o.groups.map((g) => [g.id, [...g.members]]), o.apps.map((a) => [a.id, [...a.directUsers], [...a.groups]]), o.events.records.map((r) => [r.id, r.ms, r.vis])]);
        expect(directory(org)).toBe(directory(other));
      }
      expect([...withMdm.world.keys.keys()]).toEqual([...without.world.keys.keys()]);
      const directoryTruth = (b: typeof withMdm) =>
        b.world.orgs.map((o) => {
          const { devices: _d, softwareApps: _a, userSoftware: _u, softwareCoverage: _c, minimumRequests, ...rest } = computeTruth(b.world, o);
          const { mdm: _m, ...directoryPlan } = minimumRequests;
          return JSON.stringify({ ...rest, directoryPlan });
        });
      expect(directoryTruth(withMdm)).toEqual(directoryTruth(without));
    }
  });
});

describe("the MDM truth is as of the truth's own instant", () => {
  it("a clock that moves while truth() computes does not move the software window past asOf", () => {
    // A ticking clock moves between the reads of one truth() call (the large world takes seconds
    // to compute): the software events inside retention must be those of `asOf`, or an event at
    // the retention edge is dropped by the MDM truth while the comparison's cutoff still keeps it.
    const base = createClock();
    let step = 0;
    const clock = {
      now: () => {
        const d = base.now();
        base.advance(step);
        return d;
      },
      advance: (ms: number) => base.advance(ms),
      set: (d: Date) => base.set(d),
    };
    const b = buildWorld({ scenario: "demo", seed: 5, clock });
    const org = b.world.orgs[0]!;
    step = 20 * DAY; // every further read of the clock is 20 days later
    const moving = computeTruth(b.world, org);
    step = 0;
    base.set(new Date(moving.asOf));
    const still = computeTruth(b.world, org);
    expect(still.asOf).toBe(moving.asOf);
    expect(moving.softwareCoverage).toEqual(still.softwareCoverage);
    expect(moving.devices).toEqual(still.devices);
    expect(moving.userSoftware).toEqual(still.userSoftware);
  });
});
