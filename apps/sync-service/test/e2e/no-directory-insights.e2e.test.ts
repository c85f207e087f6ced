import { expect, it } from "vitest";
import { ScopeStatusService } from "../../src/api/scope-status.service.js";
import { describeAccounts } from "../../src/cli/format.js";
import { SyncMetrics } from "../../src/metrics/sync-metrics.service.js";
import { exitCodeOf } from "../../src/cli/sync.command.js";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("an org without Directory Insights: users and apps complete, usage is unavailable with the reason, the sync succeeds and nobody is asked to fix anything", async () => {
    const { sim, service } = await fixture.boot("no-di");
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(streamOf(result, "directory")).toMatchObject({ kind: "ran", state: "succeeded" });
    // A plan without the feature is a capability, not a failure: the run succeeds, outcome `unavailable`.
    expect(streamOf(result, "usage")).toMatchObject({ kind: "ran", state: "succeeded", outcome: "unavailable", attention: null });
    expect(ranOk(result)).toBe(true);
    expect(exitCodeOf([result!])).toBe(0);
    const truth = sim.truth();
    expect(truth.directoryInsights.enabled).toBe(false);
    await expectMatchesTruth(service.store, scopeId, truth);
    const coverage = await service.store.directory.getUsageCoverage(scopeId);
    expect(coverage).toMatchObject({ kind: "unavailable", reason: "insights-not-enabled" });
    const usage = await service.store.runs.getStreamStatus(scopeId, "usage");
    expect(usage?.attention).toEqual([]);
    expect(usage?.consecutiveFailures).toBe(0);
    expect(usage?.unavailable).toMatchObject({ reason: "insights-not-enabled", message: expect.stringMatching(/^Directory Insights not enabled/u) as string });
    expect((await service.store.runs.getStreamStatus(scopeId, "directory"))?.attention).toEqual([]);
    const [run] = (await service.store.runs.listRuns({ scopeId, stream: "usage", limit: 1 })).items;
    expect(run).toMatchObject({ state: "succeeded", error: null });
    // The scope status (API) and the CLI summary say "unavailable", not failed or needs attention.
    const status = (await service.app.get(ScopeStatusService).scope(scopeId))!.dto;
    expect(status.needsAttention).toBe(false);
    expect(status.streams.find((s) => s.stream === "usage")).toMatchObject({
      freshness: "unavailable",
      lastError: null,
      unavailable: { reason: "insights-not-enabled", message: expect.stringMatching(/^Directory Insights not enabled/u) as string },
    });
    const metrics = await service.app.get(SyncMetrics).metrics();
    expect(metrics).toContain(`jcs_sync_stream_unavailable{scope="${scopeId}",stream="usage",reason="insights-not-enabled"} 1`);
    expect(metrics).not.toContain(`jcs_sync_needs_attention{scope="${scopeId}"`);
    const summary = describeAccounts(await service.accounts.list());
    expect(summary).toContain("usage: unavailable: Directory Insights not enabled");
    expect(summary).not.toMatch(/NEEDS ATTENTION|failure/u);
    // The read model says why last use is unknown.
    const page = await service.store.query.listUsers({ scopeId, limit: 1 });
    expect(page.items[0]?.lastUsed).toMatchObject({ kind: "unknown" });

    // Enabled later: the next usage run reads the events and the stream is available again.
    sim.world.setDirectoryInsights(truth.orgId, true);
    const [again] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(again)).toBe(true);
    expect(streamOf(again, "usage").outcome).toBe("succeeded");
    expect((await service.store.runs.getStreamStatus(scopeId, "usage"))?.unavailable).toBeNull();
    await expectMatchesTruth(service.store, scopeId, sim.truth());
  });
});
