import { expect, it } from "vitest";
import type { InsightsCursor } from "@jumpcloud-sync/domain";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("incremental run: changed, added and deleted users, new assignments, new and late events", async () => {
    const { sim, service } = await fixture.boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const before = sim.truth();
    const cursorBefore = await service.store.cursors.getCursor<InsightsCursor>(scopeId, "usage");

    sim.clock.advance(60 * 60_000);
    const [u0, u1, u2] = before.users.filter((u) => u.status === "active");
    sim.world.updateUser(u0!.id, { status: "suspended", department: "Audit" });
    sim.world.deleteUser(u1!.id);
    const added = sim.world.addUser({ username: "new.hire", email: "new.hire@example.com", firstname: "New", lastname: "Hire", state: "ACTIVATED", jobTitle: "Engineer" });
    const group = before.groups[0]!;
    sim.world.addGroupMember(group.id, added.id);
    const app = before.applications[0]!;
    sim.world.assignApp(app.id, { userId: u2!.id });
    sim.world.simulateActivity(before.orgId, { minutes: 60 });
    // A late event: it happened before the last checkpoint but only becomes visible now.
    const lateAt = new Date(Date.parse(cursorBefore!.readThrough) - 5 * 60_000);
    sim.world.appendEvents(before.orgId, [
      { event_type: "user_login_attempt", timestamp: lateAt, visibleAt: sim.clock.now(), success: true, initiated_by: { id: added.id, type: "user", username: "new.hire" } },
    ]);
    sim.clock.advance(5 * 60_000); // let most of the simulated activity become visible

    sim.resetStats();
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result)).toBe(true);
    const truth = sim.truth();
    await expectMatchesTruth(service.store, scopeId, truth);
    expect(truth.portalUsage.find((p) => p.userId === added.id)).toBeDefined();

    // The deleted user stays as a tombstone with its history.
    const state = await service.store.directory.loadDirectory(scopeId);
    expect(state.users.get(u1!.id)?.removedAt).not.toBeNull();
    expect(streamOf(result, "directory").counters).toMatchObject({ created: expect.any(Number) as number });

    // The usage window resumed from the checkpoint minus the overlap, never from the start.
    // (The MDM streams query Directory Insights too: the usage stream's own requests count here.)
    expect(streamOf(result, "usage").counters.requests).toBe(1);

    // A no-op run: nothing changes upstream, nothing is written.
    sim.clock.advance(60_000);
    const [noop] = await service.sync.syncNow({ scopeIds: [scopeId] });
    const d = streamOf(noop, "directory");
    expect([d.counters.created, d.counters.updated, d.counters.removed]).toEqual([0, 0, 0]);
    // Re-reading the overlap window folds the same events again and writes no usage row.
    const u = streamOf(noop, "usage");
    expect([u.counters.created, u.counters.updated, u.counters.usageChanged]).toEqual([0, 0, 0]);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
  });
});
