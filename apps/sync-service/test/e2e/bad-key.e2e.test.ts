import { expect, it } from "vitest";
import { AccountError } from "../../src/accounts/account-validation.js";
import { addSimAccount, useSimService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf } from "../support/harness.js";

describeOnDatabases("directory sync against the stand-in (whole directory vs ground truth)", (db) => {
  const fixture = useSimService(db);

  it("a bad key is refused on add with a clear message; a key revoked later shows as needs attention and loses nothing", async () => {
    const { sim, service } = await fixture.boot();
    const refused = await addSimAccount(service, sim, { apiKey: "not-a-real-key" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AccountError);
    expect(refused).toMatchObject({ problem: "invalid-key", message: expect.stringMatching(/rejected the API key \(401\)/u) as string });
    expect(await service.store.accounts.listAccounts()).toEqual([]);
    const audit = await service.store.audit.list({ limit: 10 });
    expect(audit.items.map((a) => [a.action, a.outcome])).toEqual([["account.create", "refused"]]);
    expect(JSON.stringify(audit.items)).not.toContain("not-a-real-key");

    const { account, scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    expect(ranOk((await service.sync.syncNow({ scopeIds: [scopeId] }))[0])).toBe(true);
    const truth = sim.truth();

    const newKey = sim.world.revokeKey();
    sim.clock.advance(20 * 60_000);
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(streamOf(result, "directory")).toMatchObject({ state: "failed", attention: "invalid-credentials" });
    expect(result!.streams).toHaveLength(1); // usage is not tried with a rejected key
    const status = await service.store.runs.getStreamStatus(scopeId, "directory");
    expect(status?.attention.map((a) => a.code)).toEqual(["invalid-credentials"]);
    expect(status?.consecutiveFailures).toBe(1);
    expect(status!.nextAttemptAt!.getTime()).toBeGreaterThan(sim.clock.now().getTime());
    expect(status?.lastError).not.toContain(newKey);
    await expectMatchesTruth(service.store, scopeId, truth); // nothing lost

    // A scheduled pass does not hammer the revoked key: the scope is backing off.
    sim.resetStats();
    const launched = await service.sync.launchDue({ trigger: "schedule" });
    expect(launched).toHaveLength(0);
    expect(sim.stats().total).toBe(0);

    // Replacing the key clears the attention.
    await service.accounts.update(account.id, { apiKey: newKey }, "test");
    const [fixed] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(fixed)).toBe(true);
    expect((await service.store.runs.getStreamStatus(scopeId, "directory"))?.attention).toEqual([]);
    expect(JSON.stringify(await service.accounts.list())).not.toContain(newKey);
  });
});
