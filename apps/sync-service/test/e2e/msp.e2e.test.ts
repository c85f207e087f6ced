import { expect, it } from "vitest";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("an MSP key with two orgs: one scope per managed org, each matching its org's truth", async () => {
    const { sim, service } = await fixture.boot("msp");
    expect(sim.credentials.multiTenant).toBe(true);
    await expect(addSimAccount(service, sim)).rejects.toThrow(/multi-tenant \(MSP\) key.*--org-id.*--all-orgs/su);
    await expect(addSimAccount(service, sim, { orgId: "0123456789abcdef01234567" })).rejects.toMatchObject({ problem: "wrong-org" });

    const view = await addSimAccount(service, sim, { allOrgs: true });
    expect(view.account.multiTenant).toBe(true);
    expect(view.scopes.map((s) => s.orgId).sort()).toEqual(sim.credentials.orgs.map((o) => o.id).sort());
    const results = await service.sync.syncNow({});
    expect(results).toHaveLength(2);
    expect(results.every(ranOk)).toBe(true);
    for (const scope of view.scopes) await expectMatchesTruth(service.store, scope.id, sim.truth(scope.orgId!));
    // Nothing leaked across orgs.
    const [a, b] = view.scopes;
    const usersA = new Set((await service.store.directory.loadDirectory(a!.id)).users.keys());
    const usersB = [...(await service.store.directory.loadDirectory(b!.id)).users.keys()];
    expect(usersB.filter((id) => usersA.has(id))).toEqual([]);

    // One org of the MSP key, by id.
    const one = await addSimAccount(service, sim, { name: "one org", orgId: sim.credentials.orgs[1]!.id });
    expect(one.scopes.map((s) => s.orgId)).toEqual([sim.credentials.orgs[1]!.id]);
  });
});
