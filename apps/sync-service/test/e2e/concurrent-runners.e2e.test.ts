import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { addSimAccount, bootService, describeOnDatabases, expectMatchesTruth, type Service } from "../support/harness.js";

describeOnDatabases("one runner per scope+stream (the lease), across processes", (db) => {
  let sim: Sim | undefined;
  const services: Service[] = [];

  afterEach(async () => {
    for (const s of services.splice(0)) await s.close();
    await sim?.close();
  });

  it("two service instances on one database syncing the same scope at once: the directory runs once", async () => {
    sim = await startSim({ scenario: "demo", seed: 3, latencyMs: 25 });
    // Two independent service instances (own Store, own lease owner id), like two replicas.
    const a = await bootService({ db: db(), clock: sim.clock });
    services.push(a);
    const b = await bootService({ db: db(), clock: sim.clock });
    services.push(b);
    const { scopes } = await addSimAccount(a, sim);
    const scopeId = scopes[0]!.id;

    const [ra, rb] = await Promise.all([a.sync.syncNow({ scopeIds: [scopeId] }), b.sync.syncNow({ scopeIds: [scopeId] })]);
    const directoryRuns = [ra[0]!, rb[0]!].map((r) => r.streams.find((s) => s.stream === "directory")!);
    expect(directoryRuns.map((r) => r.kind).sort()).toEqual(["busy", "ran"]);

    const runs = await a.store.runs.listRuns({ scopeId, stream: "directory", limit: 10 });
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]!.state).toBe("succeeded");

    // Whatever the usage stream did on the loser (busy, or waiting for the first snapshot), one more
    // pass by either instance completes it, and the result is exact.
    await b.sync.syncNow({ scopeIds: [scopeId] });
    await expectMatchesTruth(a.store, scopeId, sim.truth());
    // Every lease is free again: a third owner takes both at once.
    for (const stream of ["directory", "usage"] as const) {
      const lease = await a.store.leases.acquire(scopeId, stream, "third-owner", 10_000, sim.clock.now());
      expect(lease).not.toBeNull();
      await a.store.leases.release(lease!);
    }
  });
});
