import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { ScopeSyncResult } from "../../src/directory/directory-sync.service.js";
import { addSimAccount, bootService, expectMatchesTruth, newSecretKey, ranOk, tempDir, type Service } from "../support/harness.js";

describe("isolation between scopes", () => {
  const tmp = tempDir();
  let fast: Sim | undefined;
  let slow: Sim | undefined;
  let service: Service | undefined;

  afterEach(async () => {
    await service?.close();
    await Promise.all([fast?.close(), slow?.close()]);
    tmp.cleanup();
  });

  it("a scope answering in 30 s per request does not stop another scope's sync from finishing", async () => {
    // Two stand-ins share one clock: one fast, one answering every request after 30 s.
    fast = await startSim({ scenario: "demo", seed: 1 });
    slow = await startSim({ scenario: "demo", seed: 2, clock: fast.clock, latencyMs: 30_000 });
    service = await bootService({ dbPath: join(tmp.dir, "jcs.sqlite"), secretKey: newSecretKey(), clock: fast.clock, env: { JCS_SHUTDOWN_GRACE_MS: "200" } });

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

    const started = Date.now();
    // Launched together, as the scheduler does; the slow one is launched first.
    const launched = await service.sync.launchDue({ trigger: "schedule" });
    expect(launched).toHaveLength(2);
    const settled = new Map<string, ScopeSyncResult>();
    for (const p of launched) void p.then((r) => settled.set(r.scopeId, r));

    const fastScopeId = fastAccount.scopes[0]!.id;
    await expect.poll(() => settled.has(fastScopeId), { timeout: 20_000, interval: 50 }).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(ranOk(settled.get(fastScopeId))).toBe(true);
    await expectMatchesTruth(service.store, fastScopeId, fast.truth());
    // The slow scope is still on its first requests.
    expect(settled.has(slowScope!.id)).toBe(false);
    const runs = await service.store.runs.listRuns({ scopeId: slowScope!.id, limit: 5 });
    expect(runs.items.map((r) => r.state)).toEqual(["running"]);

    // Shutdown does not wait 30 s either: after the grace, in-flight requests are aborted, the run
    // is recorded as interrupted and the lease released.
    const closing = Date.now();
    await service.close();
    service = undefined;
    expect(Date.now() - closing).toBeLessThan(10_000);
  });
});
