import { expect, it } from "vitest";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("first sync: the whole directory and usage match, with the stand-in's minimum number of requests", async () => {
    const { sim, service } = await fixture.boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    sim.resetStats();
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result)).toBe(true);
    const truth = sim.truth();
    await expectMatchesTruth(service.store, scopeId, truth);

    const requests = result!.streams.reduce((n, s) => n + (s.kind === "ran" ? s.counters.requests : 0), 0);
    expect(requests).toBe(sim.stats().total);
    // The directory streams at the minimum (the MDM streams are counted in mdm-sync.e2e).
    const directory = result!.streams.filter((s) => s.stream === "directory" || s.stream === "usage").reduce((n, s) => n + (s.kind === "ran" ? s.counters.requests : 0), 0);
    expect(directory).toBe(truth.minimumRequests.total);
    // Coverage records the earliest event Directory Insights actually returned.
    expect(await service.store.directory.getUsageCoverage(scopeId)).toEqual({ kind: "available", since: truth.directoryInsights.earliestVisibleEventAt });
    const runs = await service.store.runs.listRuns({ scopeId, limit: 10 });
    expect(runs.items.map((r) => r.state)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded"]);
    const status = await service.store.runs.getStreamStatus(scopeId, "directory");
    expect(status?.attention).toEqual([]);
    // Each stream comes due again after its own freshness target: the account's schedule (1 h by
    // default) for the snapshot, 5 min for usage.
    expect(status?.nextAttemptAt?.getTime()).toBe(sim.clock.now().getTime() + 60 * 60_000);
    const usage = await service.store.runs.getStreamStatus(scopeId, "usage");
    expect(usage?.nextAttemptAt?.getTime()).toBe(sim.clock.now().getTime() + 5 * 60_000);
  });
});
