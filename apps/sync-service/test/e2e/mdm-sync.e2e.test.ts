import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { DevicesCursor } from "../../src/mdm/devices.job.js";
import { addSimAccount, bootService, describeOnDatabases, streamOf, type Service } from "../support/harness.js";
import { expectMdmMatchesTruth, mdmRequests, mdmRowsWritten, streamStates } from "../support/mdm.js";

const MIN = 60_000;
const DAY = 86_400_000;

describeOnDatabases("MDM sync against the stand-in (devices, managed apps, installations vs ground truth)", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  async function boot(scenario: "demo" | "no-di" = "demo", env: Record<string, string> = {}): Promise<string> {
    sim = await startSim({ scenario, seed: 7 });
    service = await bootService({ db: db(), clock: sim.clock, env });
    const { scopes } = await addSimAccount(service, sim);
    return scopes[0]!.id;
  }

  async function sync(scopeId: string) {
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    return result;
  }

  it("first sync: devices, bound users, managed apps with every status, installations and each user's apps match the truth, within the request minimum", async () => {
    const scopeId = await boot();
    sim.resetStats();
    const result = await sync(scopeId);
    expect(streamStates(result)).toEqual({ directory: "succeeded", usage: "succeeded", devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    const truth = sim.truth();
    await expectMdmMatchesTruth(service.store, scopeId, truth);

    // The stand-in's minimum for the MDM streams (without the System Insights tables: the inventory
    // stream of issue 12), plus the one-row user count that sizes the per-user traversal plan.
    const plan = truth.minimumRequests.mdm;
    const minimum = plan.total - Object.entries(plan.byRoute).reduce((n, [route, count]) => n + (route.includes("/systeminsights/") ? count : 0), 0);
    expect(mdmRequests(result)).toBe(minimum + 1);
    expect(mdmRequests(result)).toBeLessThanOrEqual(Math.ceil(minimum * 1.05));
    expect(sim.stats().total).toBe(truth.minimumRequests.total + minimum + 1);

    // The world has what the issue asks about, and the read models say it.
    const lonely = truth.devices.find((d) => d.userIds.length === 0)!;
    expect(lonely, "a device with no bound user").toBeDefined();
    expect((await service.store.mdmQuery.getDevice(scopeId, lonely.id))?.users).toEqual([]);
    const failed = truth.devices.flatMap((d) => d.managedApps.map((m) => ({ d, m }))).find(({ m }) => m.state !== "INSTALLED")!;
    expect(failed, "a FAILED or PENDING managed status").toBeDefined();
    const device = (await service.store.mdmQuery.getDevice(scopeId, failed.d.id))!;
    expect(device.managedStatuses.find((s) => s.appId === failed.m.softwareAppId)).toMatchObject({ state: failed.m.state, installed: false });
    expect(device.installations.flatMap((i) => i.managedAppIds)).not.toContain(failed.m.softwareAppId);
    expect(device.softwareEventsCoverage).toEqual({ kind: "available", since: truth.softwareCoverage.earliestVisibleEventAt });

    // A no-op incremental writes nothing and re-traverses no device.
    sim.clock.advance(61 * MIN);
    sim.resetStats();
    const again = await sync(scopeId);
    expect(streamStates(again)).toMatchObject({ devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    expect(mdmRowsWritten(again)).toBe(0);
    expect(streamOf(again, "devices").message).toMatch(/incremental: 0 device\(s\) and 0 user\(s\) re-traversed/u);
    expect(sim.stats().byRoute["GET /api/v2/systems/{system_id}/users"]).toBeUndefined();
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
  });

  it("incremental: an app removed from one of a user's two devices stays the user's, the last copy removed is gone; bindings changed since the checkpoint are re-traversed", async () => {
    const scopeId = await boot();
    await sync(scopeId);
    const truth = sim.truth();
    const user = truth.userSoftware.find((u) => u.deviceIds.length >= 2)!;
    expect(user, "a user with two devices").toBeDefined();
    const [d1, d2] = user.deviceIds as [string, string];
    sim.world.installSoftware(d1, { name: "Acme Sketch" });
    sim.world.installSoftware(d2, { name: "Acme Sketch" });
    sim.clock.advance(5 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    const appsOf = async (userId: string) => (await service.store.mdmQuery.listUserInstalledApps(scopeId, userId, { limit: 500 })).items;
    expect((await appsOf(user.userId)).find((a) => a.appKey === "acme sketch")?.deviceIds.slice().sort()).toEqual([d1, d2].sort());

    sim.world.removeSoftware(d1, "Acme Sketch");
    sim.clock.advance(5 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    expect((await appsOf(user.userId)).find((a) => a.appKey === "acme sketch")?.deviceIds).toEqual([d2]);

    sim.world.removeSoftware(d2, "Acme Sketch");
    sim.clock.advance(5 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    expect((await appsOf(user.userId)).find((a) => a.appKey === "acme sketch")).toBeUndefined();
    expect(await service.store.mdmQuery.getInstalledApp(scopeId, "acme sketch")).toBeNull();

    // Bindings: a device bound to nobody gets a user, another loses one; only they are re-traversed.
    const lonely = sim.truth().devices.find((d) => d.userIds.length === 0)!;
    const bound = sim.truth().devices.find((d) => d.directUserIds.length > 0 && d.id !== lonely.id)!;
    sim.world.bindUser(lonely.id, user.userId);
    sim.world.unbindUser(bound.id, bound.directUserIds[0]!);
    sim.clock.advance(61 * MIN);
    sim.resetStats();
    const result = await sync(scopeId);
    expect(streamOf(result, "devices").message).toMatch(/incremental: 2 device\(s\)/u);
    expect(sim.stats().byRoute["GET /api/v2/systems/{system_id}/users"]?.total).toBe(2);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    expect((await service.store.mdmQuery.getDevice(scopeId, lonely.id))?.users.map((u) => u.userId)).toEqual([user.userId]);

    // A new device is traversed; a removed one becomes a tombstone.
    const added = sim.world.addDevice({ osFamily: "linux", hostname: "build-agent-1", userIds: [user.userId] });
    sim.world.removeDevice(d1);
    sim.clock.advance(61 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    expect((await service.store.mdmQuery.getDevice(scopeId, added.id))?.users.map((u) => u.userId)).toEqual([user.userId]);
    expect((await service.store.mdmQuery.getDevice(scopeId, d1))?.status).toBe("deleted");
  });

  it("software events: an old add then a remove is gone, a change whose add is beyond retention is present, late events are picked up once", async () => {
    const scopeId = await boot();
    const device = sim.truth().devices[0]!.id;
    const longAgo = new Date(sim.clock.now().getTime() - 120 * DAY);
    sim.world.installSoftware(device, { name: "Legacy Viewer" }, { at: longAgo });
    sim.world.installSoftware(device, { name: "Old Tool" }, { at: longAgo });
    sim.world.changeSoftware(device, "Legacy Viewer", "9.1.0", { at: new Date(sim.clock.now().getTime() - 2 * DAY) });
    sim.world.installSoftware(device, { name: "Short Lived" }, { at: new Date(sim.clock.now().getTime() - 10 * DAY) });
    sim.world.removeSoftware(device, "Short Lived", { at: new Date(sim.clock.now().getTime() - 3 * DAY) });
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    const apps = new Map((await service.store.mdmQuery.getDevice(scopeId, device))!.installations.map((i) => [i.appKey, i]));
    expect(apps.get("legacy viewer")?.versions).toEqual(["9.1.0"]);
    expect(apps.has("short lived")).toBe(false);
    expect(apps.has("old tool")).toBe(false); // its add is beyond retention: not knowable

    // An event that Directory Insights shows only later (ingestion delay) is read by the next run.
    const now = sim.clock.now().getTime();
    sim.world.installSoftware(device, { name: "Late Arrival" }, { at: new Date(now - 2 * MIN), visibleAt: new Date(now + 5 * MIN) });
    sim.world.removeSoftware(device, "Old Tool");
    sim.clock.advance(MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    expect((await service.store.mdmQuery.getDevice(scopeId, device))!.installations.some((i) => i.appKey === "late arrival")).toBe(false);
    sim.clock.advance(10 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    const rows = (await service.store.mdm.listInstallations(scopeId, "events")).filter((r) => r.deviceId === device && r.appKey === "late arrival");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.removedAt).toBeNull();
  });

  it("managed apps: a status moving from PENDING to INSTALLED and on to FAILED is counted installed only while INSTALLED", async () => {
    const scopeId = await boot();
    await sync(scopeId);
    const app = sim.truth().softwareApps[0]!;
    const device = sim.truth().devices.find((d) => !d.managedApps.some((m) => m.softwareAppId === app.id))!;
    sim.world.setSoftwareStatus(app.id, device.id, "PENDING");
    sim.clock.advance(61 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    sim.world.setSoftwareStatus(app.id, device.id, "INSTALLED", { version: "4.2.0" });
    sim.clock.advance(61 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    expect((await service.store.mdmQuery.getDevice(scopeId, device.id))!.installations.flatMap((i) => i.managedAppIds)).toContain(app.id);
    sim.world.setSoftwareStatus(app.id, device.id, "FAILED", { details: "disk full", code: 28 });
    sim.clock.advance(61 * MIN);
    await sync(scopeId);
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    const detail = (await service.store.mdmQuery.getDevice(scopeId, device.id))!;
    expect(detail.installations.flatMap((i) => i.managedAppIds)).not.toContain(app.id);
    expect(detail.managedStatuses.find((s) => s.appId === app.id)).toMatchObject({ state: "FAILED", installed: false });
  });

  it("an org without Directory Insights: devices and managed apps exact, software events unavailable with the reason; devices traversed in full each run", async () => {
    const scopeId = await boot("no-di");
    const result = await sync(scopeId);
    expect(streamStates(result)).toMatchObject({ devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    // A plan without the feature is a capability, not a failure.
    expect(streamOf(result, "software-events")).toMatchObject({ outcome: "unavailable", attention: null });
    const truth = sim.truth();
    expect(truth.softwareCoverage.readable).toBe(false);
    await expectMdmMatchesTruth(service.store, scopeId, truth);
    expect(await service.store.mdm.getSoftwareEventsCoverage(scopeId)).toMatchObject({ kind: "unavailable", reason: "insights-not-enabled" });
    const status = await service.store.runs.getStreamStatus(scopeId, "software-events");
    expect(status?.attention).toEqual([]);
    expect(status?.unavailable).toMatchObject({ reason: "insights-not-enabled", message: expect.stringMatching(/^Directory Insights not enabled/u) as string });
    const device = (await service.store.mdmQuery.getDevice(scopeId, truth.devices[0]!.id))!;
    expect(device.softwareEventsCoverage).toMatchObject({ kind: "unavailable" });

    // Without Directory Insights nothing says which devices changed: the next run traverses all.
    sim.clock.advance(61 * MIN);
    const again = await sync(scopeId);
    expect(streamOf(again, "devices").message).toMatch(/full traversal .*Directory Insights cannot say what changed/u);
    expect(mdmRowsWritten(again)).toBe(0);
    const cursor = await service.store.cursors.getCursor<DevicesCursor>(scopeId, "devices");
    expect(cursor?.lastPlan).not.toBeNull();
  });
});
