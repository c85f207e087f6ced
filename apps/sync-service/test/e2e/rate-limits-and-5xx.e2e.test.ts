import { expect, it } from "vitest";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("429 storms, 502/503/504 and dropped connections: retried per request, the result is still exact", async () => {
    const { sim, service } = await fixture.boot("demo", { JCS_RETRY_MAX_ATTEMPTS: "12" });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    sim.faults.set({ seed: 3, rate429: 0.3, retryAfterSeconds: null, rate5xx: 0.15, statuses5xx: [502, 503, 504], dropConnectionRate: 0.05 });
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    sim.faults.clear();
    expect(ranOk(result)).toBe(true);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
    const d = streamOf(result, "directory");
    expect(d.counters.rateLimited).toBeGreaterThan(0);
    expect(d.counters.retries).toBeGreaterThan(0);
    expect(sim.stats().faults["429"]).toBeGreaterThan(0);
    expect(sim.stats().faults["5xx"]).toBeGreaterThan(0);
  });

  it("malformed 200 bodies (JSON cut in half) on reads: each read retried, the snapshot and usage still exact", async () => {
    const { sim, service } = await fixture.boot("demo", { JCS_RETRY_MAX_ATTEMPTS: "10" });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    // Every read family: v1 and v2 lists, the per-group and per-app v2 listings, Directory Insights.
    sim.faults.set({ seed: 5, malformedBodyRate: 0.25 });
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    sim.faults.clear();
    expect(result?.streams.map((s) => (s.kind === "ran" ? `${s.stream}: ${s.state} ${s.message}` : s.kind))).toEqual(["directory: succeeded", "usage: succeeded", "devices: succeeded", "managed-apps: succeeded", "software-events: succeeded"].map((x) => expect.stringMatching(new RegExp(`^${x}`, "u")) as unknown));
    expect(ranOk(result)).toBe(true);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
    expect(sim.stats().faults.malformed).toBeGreaterThan(5);
    expect(streamOf(result, "directory").counters.retries).toBeGreaterThan(0);
  });
});
