import { expect, it } from "vitest";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk } from "../support/harness.js";

describeOnDatabases("usage between directory snapshots", (db) => {
  const fixture = useSimService(db);

  it("keeps the logins of a user created after the last snapshot, read by usage runs that come before the next one", async () => {
    const { sim, service } = await fixture.boot();
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const before = sim.truth();
    const app = before.applications[0]!;

    // Usage is due every 5 minutes, the directory snapshot every hour: a new hire logs in between.
    sim.clock.advance(10 * 60_000);
    const added = sim.world.addUser({ username: "late.hire", email: "late.hire@example.com", firstname: "Late", lastname: "Hire", state: "ACTIVATED" });
    sim.world.assignApp(app.id, { userId: added.id });
    const at = new Date(sim.clock.now().getTime() - 60_000);
    sim.world.appendEvents(before.orgId, [
      { event_type: "user_login_attempt", timestamp: at, success: true, initiated_by: { id: added.id, type: "user", username: "late.hire" } },
      { event_type: "sso_auth", service: "sso", timestamp: at, sso_token_success: true, initiated_by: { id: added.id, type: "user", username: "late.hire" }, application: { id: app.id, name: app.name, display_label: app.displayLabel, sso_url: app.ssoUrl } },
    ]);

    // Two scheduled passes, 3 and 23 minutes later: only usage is due; the second one's window
    // (from its checkpoint minus the overlap) no longer covers the login.
    for (const minutes of [3, 20]) {
      sim.clock.advance(minutes * 60_000);
      const results = await Promise.all(await service.sync.launchDue({ trigger: "schedule" }));
      const ran = results.flatMap((r) => r.streams).filter((s) => s.kind === "ran");
      expect(ran.map((s) => s.stream)).toEqual(["usage"]);
      expect(ran.every((s) => s.kind === "ran" && s.state === "succeeded")).toBe(true);
    }

    // The next snapshot brings the user, and the login read before it is there.
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const truth = sim.truth();
    expect(truth.portalUsage.find((p) => p.userId === added.id)).toBeDefined();
    expect(truth.ssoUsage.find((s) => s.userId === added.id && s.applicationId === app.id)).toBeDefined();
    await expectMatchesTruth(service.store, scopeId, truth);
    const user = await service.store.query.getUser(scopeId, added.id);
    expect(user?.lastUsed).toMatchObject({ kind: "date", source: "user_portal" });
  });
});
