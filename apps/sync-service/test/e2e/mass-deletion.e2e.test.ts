import { expect, it } from "vitest";
import { DIRECTORY_STREAM } from "@jumpcloud-sync/domain";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("the mass-deletion guard refuses a suspicious snapshot (needs attention) until forced", async () => {
    const { sim, service } = await fixture.boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const truth = sim.truth();
    for (const u of truth.users.slice(0, 20)) sim.world.deleteUser(u.id);
    sim.clock.advance(60_000);

    const [refused] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(streamOf(refused, "directory")).toMatchObject({ state: "failed", outcome: "refused", attention: "mass-deletion-refused" });
    const status = await service.store.runs.getStreamStatus(scopeId, "directory");
    expect(status?.attention[0]?.message).toMatch(/would remove 20 of 30 users/u);
    // Nothing was applied: every user is still live.
    const kept = await service.store.directory.loadDirectory(scopeId);
    expect([...kept.users.values()].filter((u) => u.removedAt === null).map((u) => u.id).sort()).toEqual(truth.users.map((u) => u.id).sort());

    const forced = await service.sync.forceRun(scopeId, DIRECTORY_STREAM, "test");
    expect(streamOf(forced!, "directory")).toMatchObject({ state: "succeeded" });
    await expectMatchesTruth(service.store, scopeId, sim.truth());
    expect((await service.store.runs.getStreamStatus(scopeId, "directory"))?.attention).toEqual([]);
    const audit = await service.store.audit.list({ limit: 10 });
    expect(audit.items.map((a) => a.action)).toContain("scope.force-snapshot");
  });
});
