import { expect, it } from "vitest";
import { DIRECTORY_STREAM, USAGE_STREAM } from "@jumpcloud-sync/domain";
import type { StreamDefinition } from "../../src/sync/stream-definition.types.js";
import { StreamRegistry } from "../../src/sync/stream-registry.service.js";
import { addSimAccount, describeOnDatabases, ranOk, useSimService } from "../support/harness.js";

describeOnDatabases("streams registered by a module", (db) => {
  const fixture = useSimService(db);

  function probe(name: string, extra: Partial<StreamDefinition>, run: StreamDefinition["run"]): StreamDefinition {
    return { name, module: "test", freshness: { defaultMinutes: 60 }, clearsOnSuccess: ["failing"], credentialFailureBlocksScope: false, run, ...extra };
  }

  it("a stream without dependencies runs beside the directory snapshot of its scope; a dependent one after its dependency", async () => {
    // Every request takes 100 ms: the directory snapshot takes seconds, long enough to be seen running.
    const { sim, service } = await fixture.boot("demo", {}, { seed: 3, latencyMs: 100 });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    const store = service.store;
    const seen: Record<string, unknown> = {};
    const registry = service.app.get(StreamRegistry);
    registry.register(
      probe("probe-devices", {}, async (ctx) => {
        // Sequential streams would have finished the snapshot before this one started.
        seen.directoryRunsAtStart = (await store.runs.listRuns({ scopeId, stream: DIRECTORY_STREAM, limit: 5 })).items.map((r) => r.state);
        seen.client = typeof ctx.client.listUsers;
        return { kind: "succeeded", summary: "probe devices" };
      }),
    );
    registry.register(
      probe("probe-events", { after: ["probe-devices"], freshness: { defaultMinutes: 5 } }, async () => {
        seen.devicesSucceededBefore = (await store.runs.getStreamStatus(scopeId, "probe-devices"))?.lastSuccessAt !== null;
        return { kind: "succeeded", summary: "software events" };
      }),
    );

    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result)).toBe(true);
    // The MDM module's streams are registered too (after the directory), then the probes.
    const mdm = ["devices", "managed-apps", "software-events"];
    expect(result!.streams.map((s) => s.stream)).toEqual([DIRECTORY_STREAM, USAGE_STREAM, ...mdm, "probe-devices", "probe-events"]);
    expect(seen.directoryRunsAtStart).not.toContain("succeeded");
    expect(seen.devicesSucceededBefore).toBe(true);
    expect(seen.client).toBe("function");
    // Each stream is due again after its own freshness target.
    const status = await store.runs.getStreamStatus(scopeId, "probe-events");
    expect(status?.nextAttemptAt?.getTime()).toBe(sim.clock.now().getTime() + 5 * 60_000);

    // The API and the scheduler enumerate the registry: the new streams show without touching them.
    expect(service.sync.streams()).toEqual([DIRECTORY_STREAM, USAGE_STREAM, ...mdm, "probe-devices", "probe-events"]);
    sim.clock.advance(6 * 60_000);
    const due = await service.sync.launchDue({ trigger: "schedule" });
    const [next] = await Promise.all(due);
    // After 6 minutes only the 5-minute streams are due (usage and the probe), not the hourly or 15-minute ones.
    expect(next!.streams.map((s) => s.stream)).toEqual([USAGE_STREAM, "probe-events"]);
  });
});
