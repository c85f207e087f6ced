import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { addSimAccount, bootService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf, type Service } from "../support/harness.js";

describeOnDatabases("usage: a window's pages are folded before one write", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  async function firstSync(env: Record<string, string>): Promise<{ pages: number; written: number; rows: number }> {
    // 300 users log in often enough for several Directory Insights pages of 10 000 events.
    sim = await startSim({ scenario: "demo", seed: 5, users: 300 });
    service = await bootService({ db: db(), clock: sim.clock, env });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result)).toBe(true);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
    const usage = streamOf(result, "usage");
    const rows = (await service.store.directory.loadUsage(scopeId)).size;
    return { pages: usage.counters.pages, written: usage.counters.created + usage.counters.updated, rows };
  }

  it("by default each user's last use is written once per window, however many pages it spans", async () => {
    const { pages, written, rows } = await firstSync({});
    expect(pages).toBeGreaterThan(2);
    expect(rows).toBeGreaterThan(0);
    expect(written).toBe(rows);
  });

  it("with one page per batch (JCS_USAGE_FLUSH_PAGES=1) a last use that moves page after page is written again", async () => {
    const { pages, written, rows } = await firstSync({ JCS_USAGE_FLUSH_PAGES: "1" });
    expect(pages).toBeGreaterThan(2);
    expect(written).toBeGreaterThan(rows);
  });
});
