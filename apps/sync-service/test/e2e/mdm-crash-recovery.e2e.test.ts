import { afterAll, beforeAll, expect, it } from "vitest";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { Store } from "@jumpcloud-sync/persistence";
import type { InsightsCursor } from "@jumpcloud-sync/domain";
import { describeOnDatabases } from "../support/harness.js";
import { cliIsBuilt, spawnCli } from "../support/cli-child.js";
import { expectMdmMatchesTruth } from "../support/mdm.js";

const LEASE_TTL_MS = 2_000;

describeOnDatabases("an MDM sync killed mid software events (SIGKILL), then restarted", (db) => {
  let sim: Sim;

  beforeAll(async () => {
    expect(cliIsBuilt(), "dist/cli.js must be built (turbo runs build before test)").toBe(true);
    // ~35,000 software events: four Directory Insights pages, slow enough to stop mid-way. The
    // clock follows wall time because the child processes use the system clock.
    sim = await startSim({ scenario: "demo", seed: 5, users: 300, devices: 600, latencyMs: 60, lateEventMaxMs: 0, clock: createTickingClock() });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("nothing lost or duplicated: the software-events cursor resumes mid-window, the result equals the truth", async () => {
    const env = { ...db().env, JCS_LEASE_TTL_MS: String(LEASE_TTL_MS), JCS_RATE_LIMIT_PER_MINUTE: "100000", JCS_LOG_LEVEL: "warn", JCS_INVENTORY_ENABLED: "false", SIM_KEY: sim.credentials.apiKey };
    const add = await spawnCli(["accounts", "add", "--name", "killed", "--api-key-env", "SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], env).exit;
    expect(add.code, add.stderr).toBe(0);
    const store: Store = await db().open();
    try {
      const [scope] = await store.accounts.listScopes();
      const scopeId = scope!.id;
      const first = spawnCli(["sync", "--once"], env);
      let pending: InsightsCursor | null = null;
      await expect
        .poll(
          async () => {
            pending = await store.mdm.getSoftwareEventsCursor(scopeId);
            return pending?.pending?.searchAfter !== undefined && pending.pending.searchAfter !== null;
          },
          { timeout: 90_000, interval: 25 },
        )
        .toBe(true);
      first.child.kill("SIGKILL");
      expect((await first.exit).signal).toBe("SIGKILL");
      const before = await store.runs.listRuns({ scopeId, stream: "software-events", limit: 5 });
      expect(before.items.map((r) => r.state)).toEqual(["running"]);
      // What the killed process committed is whole pages: rows and cursor together.
      const committed = (await store.mdm.listInstallations(scopeId, "events")).length;
      expect(committed).toBeGreaterThan(0);

      await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 200));
      const second = await spawnCli(["sync", "--once"], env).exit;
      expect(second.code, second.stderr + second.stdout).toBe(0);
      expect(second.stdout).toMatch(/MDM of scope/u);

      await expectMdmMatchesTruth(store, scopeId, sim.truth());
      const runs = await store.runs.listRuns({ scopeId, stream: "software-events", limit: 5 });
      const killed = runs.items.find((r) => r.id === before.items[0]!.id)!;
      expect(killed.state).toBe("failed");
      expect(killed.error).toMatch(/interrupted/u);
      const resumed = runs.items.find((r) => r.id !== killed.id)!;
      expect(resumed.state).toBe("succeeded");
      // Resumed from the checkpoint: fewer pages than the whole window.
      const pages = sim.truth().minimumRequests.mdm.byRoute["POST /insights/directory/v1/events"] ?? 0;
      expect(pages).toBeGreaterThan(2);
      expect(resumed.counters.pages).toBeLessThanOrEqual(pages);
      const cursor = await store.mdm.getSoftwareEventsCursor(scopeId);
      expect(cursor?.pending).toBeUndefined();
      // The resumed window ended where the killed run planned it; a fresh one read on to now.
      expect(Date.parse(cursor!.readThrough)).toBeGreaterThan(Date.parse(pending!.pending!.end));
    } finally {
      await store.close();
    }
  });
});
