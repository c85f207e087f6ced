import { expect, it } from "vitest";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("500s (not retried by the client): the run fails cleanly with nothing half-applied, later runs converge", async () => {
    const { sim, service } = await fixture.boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const before = sim.truth();
    for (const u of before.users.slice(0, 2)) sim.world.updateUser(u.id, { jobTitle: "Changed" });
    sim.clock.advance(60_000);
    sim.faults.set({ seed: 11, rate5xx: 0.5, statuses5xx: [500], onlyRoutes: ["GET /api/v2/usergroups/{group_id}/members"] });
    const [failed] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(streamOf(failed, "directory")).toMatchObject({ state: "failed", outcome: "failed" });
    expect(streamOf(failed, "directory").message).toMatch(/HTTP 500/u);
    // The snapshot was not applied at all: the stored users still have the old job titles.
    const state = await service.store.directory.loadDirectory(scopeId);
    expect(state.users.get(before.users[0]!.id)?.hr.jobTitle).toBe(before.users[0]!.jobTitle || null);
    sim.faults.clear();
    const [ok] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(ok)).toBe(true);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
    expect((await service.store.runs.getStreamStatus(scopeId, "directory"))?.consecutiveFailures).toBe(0);
  });
});
