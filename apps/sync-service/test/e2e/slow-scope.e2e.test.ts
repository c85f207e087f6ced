import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { SchedulerRegistry } from "@nestjs/schedule";
import { SyncScheduler } from "../../src/sync/sync.scheduler.js";
import { addSimAccount, bootService, describeOnDatabases, expectMatchesTruth, type Service } from "../support/harness.js";

describeOnDatabases("isolation between scopes", (db) => {
  let fast: Sim | undefined;
  let slow: Sim | undefined;
  let service: Service | undefined;

  afterEach(async () => {
    await service?.close();
    await Promise.all([fast?.close(), slow?.close()]);
  });

  it("a scope whose stand-in never answers does not stop another scope's sync from finishing, nor shutdown", async () => {
    // Two stand-ins share one clock: one fast, one answering each request 30 s later on that
    // clock, which the test never advances: the slow scope's requests never come back. Nothing
    // here measures wall time; a scheduler tick, a sync or a shutdown that waited for the slow
    // scope would hang (and fail by the test timeout).
    fast = await startSim({ scenario: "demo", seed: 1 });
    slow = await startSim({ scenario: "demo", seed: 2, clock: fast.clock, latencyMs: 30_000, latencyOnClock: true });
    // The real scheduler (timers registered), ticking only when the test says so.
    service = await bootService({
      db: db(),
      clock: fast.clock,
      schedule: true,
      env: { JCS_SHUTDOWN_GRACE_MS: "200", JCS_SCHEDULER_TICK_SECONDS: "3600" },
    });
    expect(service.app.get(SchedulerRegistry).getIntervals()).toContain("sync-tick");

    const fastAccount = await addSimAccount(service, fast, { name: "fast" });
    // Validating the slow key would itself take a minute: the slow account is stored directly
    // through the account port (what `accounts add` does after validating).
    const now = fast.clock.now();
    const slowAccount = await service.store.accounts.createAccount(
      { name: "slow", region: null, endpoints: { consoleBaseUrl: slow.consoleBaseUrl, insightsBaseUrl: slow.insightsBaseUrl }, permission: "read", orgId: null, multiTenant: false, scheduleMinutes: 15 },
      slow.credentials.apiKey,
      now,
    );
    const [slowScope] = await service.store.accounts.replaceScopes(slowAccount.id, [{ orgId: null, orgName: "slow" }]);

    // One scheduler tick launches both scopes (on PostgreSQL: queues their directory jobs) and returns without waiting for either.
    const scheduler = service.app.get(SyncScheduler);
    expect(await scheduler.tick()).toBe(2);

    const fastScopeId = fastAccount.scopes[0]!.id;
    const store = service.store;
    await expect
      .poll(async () => (await store.runs.listRuns({ scopeId: fastScopeId, limit: 10 })).items.filter((r) => r.state === "succeeded").length, { timeout: 20_000, interval: 50 })
      .toBe(5);
    await expectMatchesTruth(service.store, fastScopeId, fast.truth());
    // The slow scope is still on its first request, which the slow stand-in has not answered.
    const runs = await service.store.runs.listRuns({ scopeId: slowScope!.id, limit: 5 });
    expect(runs.items.map((r) => r.state)).toEqual(["running"]);
    expect(slow.stats().total).toBe(0);

    // Shutdown does not wait for the answer either: after the grace, in-flight requests are
    // aborted, the run is recorded as interrupted and the lease released.
    await service.close();
    service = undefined;
    expect(slow.stats().total).toBe(0);
    const after = await db().open();
    try {
      const [run] = (await after.runs.listRuns({ scopeId: slowScope!.id, limit: 5 })).items;
      expect(run).toMatchObject({ state: "failed", error: expect.stringMatching(/^interrupted/u) as string });
      expect(await after.leases.acquire(slowScope!.id, "directory", "next-owner", 10_000, fast.clock.now())).not.toBeNull();
    } finally {
      await after.close();
    }
  });
});
