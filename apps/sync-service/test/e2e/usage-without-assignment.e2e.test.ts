import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { ApplicationUserView } from "@jumpcloud-sync/domain";
import { addSimAccount, bootService, describeOnDatabases, expectMatchesTruth, ranOk, type Service } from "../support/harness.js";

describeOnDatabases("SSO use by people not assigned to the app (a revoked grant): the app's users and the user's apps show it", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  it("every per-app last use of the ground truth appears in the app's users and the user's apps, marked assigned true|false", async () => {
    sim = await startSim({ scenario: "demo", seed: 16, users: 40 });
    service = await bootService({ db: db(), clock: sim.clock });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const truth = sim.truth();
    await expectMatchesTruth(service.store, scopeId, truth);

    const assigned = new Set(truth.applications.flatMap((a) => a.assignedUserIds.map((u) => `${u}/${a.id}`)));
    const unassignedUse = truth.ssoUsage.filter((u) => !assigned.has(`${u.userId}/${u.applicationId}`));
    expect(unassignedUse.length).toBeGreaterThanOrEqual(2);

    const listed = new Map<string, ApplicationUserView>();
    for (const app of truth.applications) {
      let cursor: string | undefined;
      do {
        const page = await service.store.query.listApplicationUsers(scopeId, app.id, { limit: 7, ...(cursor === undefined ? {} : { cursor }) });
        for (const u of page.items) listed.set(`${u.userId}/${app.id}`, u);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    }
    const shown = truth.ssoUsage.filter((u) => {
      const v = listed.get(`${u.userId}/${u.applicationId}`);
      return v !== undefined && v.lastUsed.kind === "date" && v.lastUsed.at === u.lastLoginAt;
    });
    const figures = `${shown.length} of ${truth.ssoUsage.length} per-app last uses in the apps' users lists (${unassignedUse.length} by users not assigned)`;
    expect(figures).toBe(`${truth.ssoUsage.length} of ${truth.ssoUsage.length} per-app last uses in the apps' users lists (${unassignedUse.length} by users not assigned)`);
    // Exactly the assigned users and the users seen, each marked.
    const expected = new Set([...assigned, ...truth.ssoUsage.map((u) => `${u.userId}/${u.applicationId}`)]);
    expect([...listed.keys()].sort()).toEqual([...expected].sort());
    for (const [key, v] of listed) {
      expect(v.assigned, key).toBe(assigned.has(key));
      if (!v.assigned) expect({ direct: v.direct, groupIds: v.groupIds }).toEqual({ direct: false, groupIds: [] });
    }

    // The app's counts: assigned now, seen using it, and both together (the users list's length).
    for (const app of truth.applications) {
      const used = truth.ssoUsage.filter((u) => u.applicationId === app.id).map((u) => u.userId);
      const view = await service.store.query.getApplication(scopeId, app.id);
      expect(view).toMatchObject({ assignedUsers: app.assignedUserIds.length, usedBy: used.length, users: new Set([...app.assignedUserIds, ...used]).size });
    }

    // The user's side: the app is among the user's apps, not assigned, with its last use.
    for (const u of unassignedUse) {
      const user = await service.store.query.getUser(scopeId, u.userId);
      expect(user?.applications.find((a) => a.applicationId === u.applicationId)).toMatchObject({
        assigned: false,
        direct: false,
        groupIds: [],
        lastUsed: { kind: "date", at: u.lastLoginAt, source: "sso" },
        removedAt: null,
      });
    }
  });
});
