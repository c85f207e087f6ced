import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { addSimAccount, bootService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf, type Service } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  async function boot(scenario: "demo" | "msp" | "no-di" = "demo", env: Record<string, string> = {}): Promise<void> {
    sim = await startSim({ scenario, seed: 7 });
    service = await bootService({ db: db(), clock: sim.clock, env });
  }

  it("an org without Directory Insights: users and apps complete, usage unknown with the reason, needs attention", async () => {
    await boot("no-di");
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(streamOf(result, "directory")).toMatchObject({ kind: "ran", state: "succeeded" });
    expect(streamOf(result, "usage")).toMatchObject({ kind: "ran", state: "failed", outcome: "unavailable", attention: "insights-not-enabled" });
    const truth = sim.truth();
    expect(truth.directoryInsights.enabled).toBe(false);
    await expectMatchesTruth(service.store, scopeId, truth);
    const coverage = await service.store.directory.getUsageCoverage(scopeId);
    expect(coverage).toMatchObject({ kind: "unavailable", reason: "insights-not-enabled" });
    const usage = await service.store.runs.getStreamStatus(scopeId, "usage");
    expect(usage?.attention.map((a) => a.code)).toEqual(["insights-not-enabled"]);
    expect((await service.store.runs.getStreamStatus(scopeId, "directory"))?.attention).toEqual([]);
    // The read model says why last use is unknown.
    const page = await service.store.query.listUsers({ scopeId, limit: 1 });
    expect(page.items[0]?.lastUsed).toMatchObject({ kind: "unknown" });

    // Enabled later: the next usage run succeeds and clears the attention.
    sim.world.setDirectoryInsights(truth.orgId, true);
    const [again] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(again)).toBe(true);
    expect((await service.store.runs.getStreamStatus(scopeId, "usage"))?.attention).toEqual([]);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
  });
});
