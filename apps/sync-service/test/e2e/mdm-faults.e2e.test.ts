import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { addSimAccount, bootService, describeOnDatabases, streamOf, type Service } from "../support/harness.js";
import { expectMdmMatchesTruth, mdmRowsWritten, streamStates } from "../support/mdm.js";

const MIN = 60_000;

describeOnDatabases("MDM sync under faults and refusals (ends equal to the truth, nothing removed)", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  async function boot(scenario: "demo" | "msp" = "demo", env: Record<string, string> = {}): Promise<void> {
    sim = await startSim({ scenario, seed: 11 });
    service = await bootService({ db: db(), clock: sim.clock, env });
  }

  async function sync(scopeId: string) {
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    return result;
  }

  const liveCounts = async (scopeId: string) => {
    const devices = await service.store.mdm.loadDevices(scopeId);
    const managed = await service.store.mdm.loadManagedApps(scopeId);
    const events = await service.store.mdm.listInstallations(scopeId, "events");
    const live = (rows: Iterable<{ removedAt: string | null }>) => [...rows].filter((r) => r.removedAt === null).length;
    return { devices: live(devices.devices.values()), bindings: live(devices.bindings.values()), statuses: live(managed.statuses.values()), installations: live(events) + live(managed.installations.values()) };
  };

  it("429 storms, 502/503/504 and dropped connections on every MDM route: retried, the result is exact", async () => {
    await boot("demo", { JCS_RETRY_MAX_ATTEMPTS: "12" });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    sim.faults.set({ seed: 4, rate429: 0.3, retryAfterSeconds: null, rate5xx: 0.15, statuses5xx: [502, 503, 504], dropConnectionRate: 0.05 });
    const result = await sync(scopeId);
    sim.faults.clear();
    expect(streamStates(result)).toEqual({ directory: "succeeded", usage: "succeeded", devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
    for (const stream of ["devices", "managed-apps"]) expect(streamOf(result, stream).counters.retries, stream).toBeGreaterThan(0);
    expect(sim.stats().faults["429"]).toBeGreaterThan(0);
    expect(sim.stats().faults.drop).toBeGreaterThan(0);
  });

  it("500s fail a run with nothing half-applied; the next run converges", async () => {
    await boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    await sync(scopeId);
    const before = await liveCounts(scopeId);
    const device = sim.truth().devices.find((d) => d.directUserIds.length > 0)!;
    sim.world.unbindUser(device.id, device.directUserIds[0]!);
    sim.world.installSoftware(device.id, { name: "Fault Tolerant Editor" });
    sim.clock.advance(61 * MIN);
    // 500 is not retried: the devices and managed-apps runs fail; what they had stays.
    sim.faults.set({ seed: 2, rate5xx: 1, statuses5xx: [500], onlyRoutes: ["GET /api/v2/systems/{system_id}/users", "GET /api/v2/softwareapps/{software_app_id}/statuses"] });
    const failed = await sync(scopeId);
    sim.faults.clear();
    expect(streamOf(failed, "devices").state).toBe("failed");
    expect(streamOf(failed, "managed-apps").state).toBe("failed");
    const after = await liveCounts(scopeId);
    expect(after.devices).toBe(before.devices);
    expect(after.bindings).toBe(before.bindings);
    expect(after.statuses).toBe(before.statuses);
    const converged = await sync(scopeId);
    expect(streamStates(converged)).toMatchObject({ devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
  });

  it("a key revoked later: the scope needs attention, no MDM stream spends a request proving it again, nothing is removed; a new key converges", async () => {
    await boot();
    const { account, scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    await sync(scopeId);
    const before = await liveCounts(scopeId);
    const truth = sim.truth();
    const newKey = sim.world.revokeKey();
    sim.clock.advance(61 * MIN);
    sim.resetStats();
    const result = await sync(scopeId);
    expect(streamOf(result, "directory")).toMatchObject({ state: "failed", attention: "invalid-credentials" });
    expect(Object.keys(streamStates(result))).toEqual(["directory"]);
    expect(await liveCounts(scopeId)).toEqual(before);
    await expectMdmMatchesTruth(service.store, scopeId, truth);
    await service.accounts.update(account.id, { apiKey: newKey }, "test");
    const fixed = await sync(scopeId);
    expect(streamStates(fixed)).toMatchObject({ devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    expect(mdmRowsWritten(fixed)).toBe(0);
  });

  it("Directory Insights turned off later (402): software events unavailable with the reason (not a failure), the installations they found are kept, devices still sync", async () => {
    await boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    await sync(scopeId);
    const before = await liveCounts(scopeId);
    const truth = sim.truth();
    sim.world.setDirectoryInsights(truth.orgId, false);
    sim.clock.advance(61 * MIN);
    const result = await sync(scopeId);
    expect(streamOf(result, "software-events")).toMatchObject({ state: "succeeded", outcome: "unavailable", attention: null });
    expect(streamOf(result, "devices")).toMatchObject({ state: "succeeded" });
    expect(streamOf(result, "devices").message).toMatch(/full traversal/u);
    expect(await liveCounts(scopeId)).toEqual(before);
    const status = await service.store.runs.getStreamStatus(scopeId, "software-events");
    expect(status?.unavailable).toMatchObject({ reason: "insights-not-enabled", message: expect.stringMatching(/not enabled/u) as string });
    // Enabled again: the stream resumes from its checkpoint and is available again.
    sim.world.setDirectoryInsights(truth.orgId, true);
    sim.clock.advance(61 * MIN);
    const again = await sync(scopeId);
    expect(streamOf(again, "software-events").state).toBe("succeeded");
    expect((await service.store.runs.getStreamStatus(scopeId, "software-events"))?.unavailable).toBeNull();
    await expectMdmMatchesTruth(service.store, scopeId, sim.truth());
  });

  it("an MSP key: a wrong org is refused with nothing stored; with every org, each scope's MDM picture is its own org's", async () => {
    await boot("msp");
    await expect(addSimAccount(service, sim, { orgId: "0123456789abcdef01234567" })).rejects.toMatchObject({ problem: "wrong-org" });
    expect(await service.store.accounts.listAccounts()).toEqual([]);
    const view = await addSimAccount(service, sim, { allOrgs: true });
    const results = await service.sync.syncNow({});
    expect(results).toHaveLength(2);
    for (const r of results) expect(streamStates(r)).toMatchObject({ devices: "succeeded", "managed-apps": "succeeded", "software-events": "succeeded" });
    for (const scope of view.scopes) await expectMdmMatchesTruth(service.store, scope.id, sim.truth(scope.orgId!));
    const [a, b] = view.scopes;
    const devicesA = new Set((await service.store.mdm.loadDevices(a!.id)).devices.keys());
    expect([...(await service.store.mdm.loadDevices(b!.id)).devices.keys()].filter((id) => devicesA.has(id))).toEqual([]);
  });
});
