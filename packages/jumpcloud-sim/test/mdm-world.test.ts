import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GroundTruth, type Sim, startSim } from "../src/index.js";
import { allEvents, allSi, allV2, events, get } from "./helpers.js";

const DAY = 86_400_000;
const MIN = 60_000;

describe("MDM strictness", () => {
  let sim: Sim;
  let t: GroundTruth;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 7 });
    t = sim.truth();
  });
  afterAll(() => sim.close());

  it("v1 systems: limit ≤ 100, $ filters, sort, fields", async () => {
    expect((await get(sim, "/api/systems?limit=101")).status).toBe(400);
    expect((await get(sim, "/api/systems?limit=-1")).status).toBe(400);
    expect((await get(sim, "/api/systems")).body.results).toHaveLength(10);
    expect((await get(sim, "/api/systems?filter=osFamily:eq:darwin")).status).toBe(400);
    const macs = await get(sim, "/api/systems?filter=osFamily:$eq:darwin&limit=100");
    expect(macs.status).toBe(200);
    expect(macs.body.totalCount).toBe(t.devices.filter((d) => d.osFamily === "darwin").length);
    const si = await get(sim, "/api/systems?filter=systemInsights.state:$ne:enabled&limit=100");
    expect(si.body.results.map((d: any) => d.id).sort()).toEqual(t.devices.filter((d) => d.systemInsights !== "enabled").map((d) => d.id));
    const sorted = await get(sim, "/api/systems?sort=-hostname&fields=hostname&limit=100");
    const names = sorted.body.results.map((d: any) => d.hostname);
    expect(names).toEqual([...names].sort().reverse());
    expect(Object.keys(sorted.body.results[0]).sort()).toEqual(["_id", "hostname", "id"]);
  });

  it("v2 MDM lists: limit ≤ 100, no $ operators, ids checked", async () => {
    const d = t.devices[0]!.id;
    const a = t.softwareApps[0]!.id;
    for (const path of [`/api/v2/systems/${d}/users`, `/api/v2/softwareapps`, `/api/v2/softwareapps/${a}/statuses`, `/api/v2/softwareapps/${a}/systems`, `/api/v2/systems/${d}/softwareappstatuses`]) {
      expect((await get(sim, `${path}?limit=101`)).status, path).toBe(400);
      expect((await get(sim, `${path}?limit=100`)).status, path).toBe(200);
    }
    expect((await get(sim, "/api/v2/softwareapps?filter=displayName:$eq:Slack")).status).toBe(400);
    const slack = await get(sim, "/api/v2/softwareapps?filter=displayName:eq:Slack");
    expect(slack.body.map((x: any) => x.displayName)).toEqual(["Slack"]);
    const app = t.softwareApps.find((x) => x.statuses.some((s) => s.state === "FAILED"))!;
    const failed = await allV2(sim, `/api/v2/softwareapps/${app.id}/statuses?filter=state:eq:FAILED`);
    expect(failed.rows.map((s) => s.systemId).sort()).toEqual(app.statuses.filter((s) => s.state === "FAILED").map((s) => s.systemId));
    expect((await get(sim, "/api/systems/not-an-id")).status).toBe(400);
    expect((await get(sim, "/api/systems/5f0c4a7e2b8c1d0012345678")).status).toBe(404);
    expect((await get(sim, "/api/v2/softwareapps/5f0c4a7e2b8c1d0012345678/statuses")).status).toBe(404);
    expect((await get(sim, `/api/v2/systems/${d}/associations`)).status).toBe(400);
    expect((await get(sim, `/api/v2/systems/${d}/associations?targets=application`)).status).toBe(400);
    expect((await get(sim, `/api/v2/systems/${d}/associations?targets=policy`)).body).toEqual([]);
    expect((await get(sim, `/api/v2/softwareapps/${a}/associations`)).status).toBe(400);
    expect((await get(sim, `/api/v2/softwareapps/${a}/associations?targets=user`)).status).toBe(400);
  });

  it("System Insights: limit ≤ 10,000, only eq/in on the table's documented fields, no total", async () => {
    const apps = await get(sim, "/api/v2/systeminsights/apps?limit=10000");
    expect(apps.status).toBe(200);
    expect(apps.headers.get("x-total-count")).toBeNull();
    const over = await get(sim, "/api/v2/systeminsights/apps?limit=10001");
    expect(over.status).toBe(400);
    expect(over.body.message).toContain("10000");
    expect((await get(sim, "/api/v2/systeminsights/apps")).body).toHaveLength(10);
    expect((await get(sim, "/api/v2/systeminsights/programs?limit=1.5")).status).toBe(400);
    const mac = t.devices.find((d) => d.osFamily === "darwin" && d.inventoryRows.apps > 0)!;
    const other = t.devices.find((d) => d.osFamily === "darwin" && d.inventoryRows.apps > 0 && d.id !== mac.id)!;
    const one = await get(sim, `/api/v2/systeminsights/apps?filter=system_id:eq:${mac.id}&limit=10000`);
    expect(one.body).toHaveLength(mac.inventoryRows.apps);
    expect(one.body.every((r: any) => r.system_id === mac.id)).toBe(true);
    const two = await get(sim, `/api/v2/systeminsights/apps?filter=system_id:in:${mac.id}|${other.id}&limit=10000`);
    expect(two.body).toHaveLength(mac.inventoryRows.apps + other.inventoryRows.apps);
    const slack = await get(sim, `/api/v2/systeminsights/apps?filter=system_id:eq:${mac.id},bundle_name:eq:Slack&limit=10000`);
    expect(slack.body.every((r: any) => r.bundle_name === "Slack" && r.system_id === mac.id)).toBe(true);
    expect((await get(sim, "/api/v2/systeminsights/apps?filter=bundle_name:eq:Slack&limit=10000")).body.length).toBeGreaterThan(1);
    expect((await get(sim, "/api/v2/systeminsights/linux_packages?filter=package_format:eq:deb&limit=10")).body).toHaveLength(10);
    for (const bad of ["system_id:$eq:x", "system_id:ne:x", "name:eq:Slack.app", "system_id:search:x", "path:eq:/Applications"])
      expect((await get(sim, `/api/v2/systeminsights/apps?filter=${encodeURIComponent(bad)}`)).status, bad).toBe(400);
    expect((await get(sim, "/api/v2/systeminsights/programs?filter=name:eq:Slack")).status).toBe(200);
    const page2 = await get(sim, "/api/v2/systeminsights/apps?limit=5&skip=5");
    expect(page2.body).toEqual(apps.body.slice(5, 10));
    const sorted = await get(sim, "/api/v2/systeminsights/apps?sort=-name&limit=10000");
    const names = sorted.body.map((r: any) => r.name as string);
    expect(names).toEqual([...names].sort((x, y) => (x < y ? 1 : x > y ? -1 : 0)));
  });

  it("org scope: the provider key needs x-org-id and sees only that org's devices", async () => {
    const msp = await startSim({ scenario: "msp", seed: 7 });
    try {
      const [a, b] = msp.credentials.orgs;
      expect((await get(msp, "/api/systems")).status).toBe(401);
      expect((await get(msp, "/api/v2/systeminsights/apps", { orgId: "nope" })).status).toBe(400);
      expect((await get(msp, "/api/v2/softwareapps", { orgId: "5f0c4a7e2b8c1d0012345678" })).status).toBe(404);
      const ta = msp.truth(a!.id);
      const tb = msp.truth(b!.id);
      const listA = await get(msp, "/api/systems?limit=100", { orgId: a!.id });
      expect(listA.body.results.map((d: any) => d.id)).toEqual(ta.devices.map((d) => d.id));
      expect(listA.body.results.every((d: any) => d.organization === a!.id)).toBe(true);
      expect((await get(msp, `/api/systems/${tb.devices[0]!.id}`, { orgId: a!.id })).status).toBe(404);
      expect((await get(msp, `/api/v2/softwareapps/${tb.softwareApps[0]!.id}/statuses`, { orgId: a!.id })).status).toBe(404);
      const siB = await allSi(msp, "/api/v2/systeminsights/programs", { orgId: b!.id });
      expect(siB.rows.length).toBe(tb.devices.reduce((n, d) => n + d.inventoryRows.programs, 0));
    } finally {
      await msp.close();
    }
  });

  it("faults reach the MDM routes: short v2 pages on statuses, 5xx on System Insights change nothing", async () => {
    const app = t.softwareApps.reduce((a, b) => (a.statuses.length >= b.statuses.length ? a : b));
    expect(app.statuses.length).toBeGreaterThan(8);
    sim.faults.set({ shortPageOnV2: { route: "GET /api/v2/softwareapps/{software_app_id}/statuses" } });
    const path = `/api/v2/softwareapps/${app.id}/statuses`;
    const first = await get(sim, `${path}?limit=4&skip=4`);
    expect(first.body.length).toBeLessThan(4);
    const total = Number(first.headers.get("x-total-count"));
    const seen: string[] = [];
    for (let skip = 0; skip < total; skip += 4) seen.push(...(await get(sim, `${path}?limit=4&skip=${skip}`)).body.map((x: any) => x.id as string));
    expect(seen.sort()).toEqual(app.statuses.map((x) => x.statusId).sort());
    sim.faults.set({ seed: 3, rate5xx: 1, onlyRoutes: ["GET /api/v2/systeminsights/apps"] });
    expect((await get(sim, "/api/v2/systeminsights/apps?limit=10")).status).toBeGreaterThanOrEqual(500);
    expect((await get(sim, "/api/v2/systeminsights/programs?limit=10")).status).toBe(200);
    sim.faults.clear();
    expect(JSON.stringify(sim.truth().devices)).toBe(JSON.stringify(t.devices));
  });

  it("no-di: software events are unreadable, truth knows no event-derived software; managed statuses stay", async () => {
    const noDi = await startSim({ scenario: "no-di", seed: 7 });
    try {
      const tn = noDi.truth();
      const r = await events(noDi, { service: ["software"], start_time: "2026-05-01T00:00:00Z" });
      expect(r.status).toBe(402);
      expect(tn.softwareCoverage).toMatchObject({ readable: false, visibleEvents: 0, earliestVisibleEventAt: null });
      expect(tn.devices.every((d) => d.software.length === 0)).toBe(true);
      expect(tn.devices.some((d) => d.installedManagedAppIds.length > 0)).toBe(true);
      expect(tn.minimumRequests.mdm.byRoute["POST /insights/directory/v1/events"]).toBeUndefined();
      expect((await get(noDi, "/api/v2/systeminsights/apps?limit=10")).body).toHaveLength(10);
    } finally {
      await noDi.close();
    }
  });
});

describe("MDM world controls and the event rules", () => {
  let sim: Sim;
  beforeEach(async () => {
    sim = await startSim({ scenario: "demo", seed: 21 });
  });
  afterEach(() => sim.close());

  const device = (t: GroundTruth, os = "darwin") => t.devices.find((d) => d.osFamily === os && d.systemInsights === "enabled")!;
  const sw = (t: GroundTruth, id: string) => t.devices.find((d) => d.id === id)!.software;

  it("an add beyond retention followed by a change: present at the changed version", () => {
    const t = sim.truth();
    const d = device(t);
    const now = sim.clock.now().getTime();
    sim.world.installSoftware(d.id, { name: "Obsidian.app", version: "1.7.4" }, { at: new Date(now - 120 * DAY), visibleAt: new Date(now - 120 * DAY) });
    // Beyond retention and nothing since: not knowable from DI, though the inventory shows it.
    expect(sw(sim.truth(), d.id).some((s) => s.name === "Obsidian.app")).toBe(false);
    expect(sim.world.inventoryRows(d.id, "apps").some((r) => r.name === "Obsidian.app" && r.bundle_version === "1.7.4")).toBe(true);
    const change = sim.world.changeSoftware(d.id, "Obsidian.app", "1.7.7", { at: new Date(now - 2 * DAY), visibleAt: new Date(now - 2 * DAY) });
    expect(change).toMatchObject({ event_type: "software_change", service: "software", system: { id: d.id, type: "system", hostname: d.hostname }, changes: [{ field: "version", from: "1.7.4", to: "1.7.7" }] });
    expect(sw(sim.truth(), d.id).find((s) => s.name === "Obsidian.app")).toMatchObject({ version: "1.7.7", eventType: "software_change", eventId: change.id });
  });

  it("an old add followed by a remove: absent; a removed app leaves the inventory", () => {
    const t = sim.truth();
    const d = t.devices.find((x) => x.osFamily === "windows" && !sim.world.inventoryRows(x.id, "programs").some((r) => r.name === "Figma"))!;
    const now = sim.clock.now().getTime();
    const installed = sim.world.installSoftware(d.id, { product: "figma" }, { at: new Date(now - 100 * DAY) });
    expect(installed.application).toMatchObject({ name: "Figma", publisher: "Figma, Inc." });
    expect(sim.world.inventoryRows(d.id, "programs").some((r) => r.name === "Figma")).toBe(true);
    sim.world.removeSoftware(d.id, "Figma", { at: new Date(now - DAY), visibleAt: new Date(now - DAY) });
    expect(sw(sim.truth(), d.id).some((s) => s.name === "Figma")).toBe(false);
    expect(sim.world.inventoryRows(d.id, "programs").some((r) => r.name === "Figma")).toBe(false);
    expect(() => sim.world.removeSoftware(d.id, "Figma")).toThrow(/not installed/);
  });

  it("a late event counts only once visible; DI serves it then", async () => {
    const t = sim.truth();
    const d = device(t, "linux");
    const now = sim.clock.now().getTime();
    const e = sim.world.installSoftware(d.id, { name: "htop-ng", version: "3.3.0" }, { at: new Date(now - 5 * MIN), visibleAt: new Date(now + 10 * MIN) });
    expect(sw(sim.truth(), d.id).some((s) => s.name === "htop-ng")).toBe(false);
    const q = { service: ["software"], start_time: new Date(now - 60 * MIN).toISOString(), search_term: { and: [{ "system.id": d.id }, { event_type: "software_add" }] } };
    expect((await events(sim, q)).body.map((x: any) => x.id)).not.toContain(e.id);
    sim.clock.advance(11 * MIN);
    expect(sw(sim.truth(), d.id).find((s) => s.name === "htop-ng")).toMatchObject({ version: "3.3.0", eventId: e.id, eventType: "software_add" });
    expect((await events(sim, q)).body.map((x: any) => x.id)).toContain(e.id);
  });

  it("managed statuses: FAILED and PENDING are kept, not installed", () => {
    const t = sim.truth();
    const app = t.softwareApps.find((a) => a.linkedSystemIds.length > 0)!;
    const target = app.linkedSystemIds[0]!;
    sim.world.setSoftwareStatus(app.id, target, "FAILED", { details: "disk full", code: 112 });
    let td = sim.truth().devices.find((d) => d.id === target)!;
    expect(td.managedApps.find((m) => m.softwareAppId === app.id)).toMatchObject({ state: "FAILED", installed: false });
    expect(td.installedManagedAppIds).not.toContain(app.id);
    sim.world.setSoftwareStatus(app.id, target, "PENDING");
    expect(sim.truth().softwareApps.find((a) => a.id === app.id)!.installedSystemIds).not.toContain(target);
    sim.world.setSoftwareStatus(app.id, target, "INSTALLED", { version: "9.9.9" });
    td = sim.truth().devices.find((d) => d.id === target)!;
    expect(td.installedManagedAppIds).toContain(app.id);
    const users = sim.truth().userSoftware.filter((u) => u.deviceIds.includes(target));
    for (const u of users) expect(u.installedManagedAppIds).toContain(app.id);
    expect(() => sim.world.setSoftwareStatus(app.id, target, "")).toThrow(/state/);
  });

  it("bindings and devices log association_change and system_* events; traversals follow", async () => {
    const t = sim.truth();
    const lonely = t.users.find((u) => !t.userSoftware.some((x) => x.userId === u.id))!;
    const d = sim.world.addDevice({ osFamily: "darwin", hostname: "new-hire-mbp", displayName: "New hire's MacBook Air", userIds: [lonely.id] });
    expect(d).toMatchObject({ hostname: "new-hire-mbp", osFamily: "darwin", systemInsights: { state: "enabled" } });
    expect((await get(sim, `/api/systems/${d.id}`)).body.hostname).toBe("new-hire-mbp");
    expect((await allV2(sim, `/api/v2/users/${lonely.id}/systems`)).rows.map((x) => x.id)).toEqual([d.id]);
    const other = t.users.find((u) => u.id !== lonely.id && u.status === "active")!;
    sim.world.bindUser(d.id, other.id);
    sim.world.unbindUser(d.id, lonely.id);
    const group = t.groups.find((g) => g.memberUserIds.length > 0 && !g.memberUserIds.includes(other.id))!;
    sim.world.bindUserGroup(d.id, group.id);
    const td = sim.truth().devices.find((x) => x.id === d.id)!;
    expect(td.directUserIds).toEqual([other.id]);
    expect(td.userIds).toEqual([...new Set([other.id, ...group.memberUserIds])].sort());
    const now = sim.clock.now().getTime();
    sim.clock.advance(3 * MIN); // past every event's visibility delay (lateEventMaxMs)
    const read = await allEvents(sim, { service: ["directory"], start_time: new Date(now - MIN).toISOString(), limit: 10_000, search_term: { or: [{ event_type: ["association_change", "system_create"] }] } });
    expect(read.rows.filter((e) => e.event_type === "system_create").map((e) => e.resource.id)).toEqual([d.id]);
    const assoc = read.rows.filter((e) => e.event_type === "association_change" && e.resource.type === "system");
    // Same clock tick: DI orders them by id, so compare as a set.
    expect(assoc.map((e) => [e.association.op, e.association.connection.to.type, e.association.connection.to.object_id]).sort()).toEqual(
      [
        ["add", "user", lonely.id],
        ["add", "user", other.id],
        ["remove", "user", lonely.id],
        ["add", "user_group", group.id],
      ].sort(),
    );
    expect(assoc.every((e) => e.association.connection.from.type === "system" && e.association.connection.from.object_id === d.id)).toBe(true);
    sim.world.removeDevice(d.id);
    expect((await get(sim, `/api/systems/${d.id}`)).status).toBe(404);
    expect(sim.world.getDevice(d.id)).toBeUndefined();
    expect(sim.world.allEvents(sim.credentials.orgs[0]!.id).some((e) => e.event_type === "system_delete" && (e.resource as any).id === d.id)).toBe(true);
    // A deleted user leaves their devices.
    const owned = sim.truth().devices.find((x) => x.directUserIds.length > 0)!;
    sim.world.deleteUser(owned.directUserIds[0]!);
    expect(sim.truth().devices.find((x) => x.id === owned.id)!.directUserIds).not.toContain(owned.directUserIds[0]);
  });

  it("toggling System Insights hides and restores a device's rows (system_update)", async () => {
    const t = sim.truth();
    const d = device(t);
    const path = `/api/v2/systeminsights/apps?filter=system_id:eq:${d.id}&limit=10000`;
    expect((await get(sim, path)).body).toHaveLength(d.inventoryRows.apps);
    sim.world.setSystemInsights(d.id, "disabled");
    expect((await get(sim, path)).body).toEqual([]);
    expect(sim.truth().devices.find((x) => x.id === d.id)!.inventoryRows.apps).toBe(0);
    expect(sim.world.getDevice(d.id)!.systemInsights).toEqual({ state: "disabled" });
    const upd = sim.world.allEvents(sim.credentials.orgs[0]!.id).filter((e) => e.event_type === "system_update");
    expect(upd.at(-1)).toMatchObject({ resource: { id: d.id, type: "system" }, changes: [{ field: "systemInsights.state", from: "enabled", to: "disabled" }] });
    sim.world.setSystemInsights(d.id, "enabled");
    expect((await get(sim, path)).body).toHaveLength(d.inventoryRows.apps);
    expect(() => sim.world.setSystemInsights(d.id, "on" as never)).toThrow(/systemInsights/);
  });

  it("collectInventory freezes what System Insights serves at a chosen collection_time while events and software move on; liveInventory releases it", async () => {
    const d = sim.world.addDevice({ osFamily: "darwin", hostname: "snapshot-mac", systemInsights: "enabled" });
    sim.world.installSoftware(d.id, { product: "slack" });
    sim.clock.advance(MIN);
    const path = `/api/v2/systeminsights/apps?filter=system_id:eq:${d.id}&limit=10000`;
    const at = new Date(sim.clock.now().getTime() - 30 * MIN).toISOString();
    expect(sim.world.collectInventory(d.id, { at })).toBe(at);
    sim.world.removeSoftware(d.id, "Slack.app");
    sim.world.installSoftware(d.id, { product: "zoom" });
    sim.clock.advance(3 * MIN); // the events become visible
    const served = (await get(sim, path)).body as Record<string, unknown>[];
    expect(served.map((r) => r.name)).toEqual(["Slack.app"]);
    expect(served[0]).toMatchObject({ collection_time: at, system_id: d.id });
    expect(sim.world.inventoryRows(d.id, "apps").map((r) => r.name)).toEqual(["Slack.app"]);
    const truth = sim.truth().devices.find((x) => x.id === d.id)!;
    expect(truth.inventoryRows.apps).toBe(1);
    expect(truth.inventoryCollectedAt).toBe(at);
    // The events are the device's: Slack removed, Zoom added.
    expect(truth.software.map((s) => s.name)).toEqual(["zoom.us.app"]);
    expect(() => sim.world.collectInventory(d.id, { at: new Date(sim.clock.now().getTime() + MIN) })).toThrow(/future/);
    expect(() => sim.world.collectInventory(d.id, { at: "yesterday" })).toThrow(/invalid collection time/);
    sim.world.liveInventory(d.id);
    expect(((await get(sim, path)).body as Record<string, unknown>[]).map((r) => r.name)).toEqual(["zoom.us.app"]);
    expect(sim.truth().devices.find((x) => x.id === d.id)!.inventoryCollectedAt).toBe(sim.world.getDevice(d.id)!.lastContact);
  });

  it("installing a catalog product uses the device OS's name; bad input is refused and changes nothing", () => {
    const t = sim.truth();
    const mac = device(t);
    const linux = device(t, "linux");
    const before = sim.world.allEvents(sim.credentials.orgs[0]!.id).length;
    expect(() => sim.world.installSoftware(linux.id, { product: "notion" })).toThrow(/no linux build/);
    expect(() => sim.world.installSoftware(mac.id, {})).toThrow(/product or a name/);
    expect(() => sim.world.installSoftware("5f0c4a7e2b8c1d0012345678", { product: "slack" })).toThrow(/not found/);
    expect(sim.world.allEvents(sim.credentials.orgs[0]!.id).length).toBe(before);
    const has = (id: string, name: string) => sim.world.inventoryRows(id, id === linux.id ? "linux_packages" : "apps").some((r) => r.name === name);
    if (!has(linux.id, "slack-desktop")) expect(sim.world.installSoftware(linux.id, { product: "slack" }).application).toMatchObject({ name: "slack-desktop" });
    expect(() => sim.world.installSoftware(linux.id, { product: "slack" })).toThrow(/already installed/);
  });
});
