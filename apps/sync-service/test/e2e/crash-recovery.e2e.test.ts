import { afterAll, beforeAll, expect, it } from "vitest";
import { createTickingClock, startSim, type DiEvent, type GroundTruth, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { Store } from "@jumpcloud-sync/persistence";
import type { InsightsCursor } from "@jumpcloud-sync/domain";
import { compareWithTruth, type TruthDifference } from "../../src/demo/truth-check.js";
import { describeOnDatabases } from "../support/harness.js";
import { cliIsBuilt, spawnCli } from "../support/cli-child.js";

const LEASE_TTL_MS = 2_000;

describeOnDatabases("a sync process killed mid-sync (SIGKILL) or stopped (SIGTERM), then restarted", (db) => {
  let sim: Sim;

  beforeAll(async () => {
    expect(cliIsBuilt(), "dist/cli.js must be built (turbo runs build before test)").toBe(true);
    // Enough users for several Directory Insights pages of 10 000 events, slow enough to stop
    // mid-way; the clock follows wall time because the child processes use the system clock.
    sim = await startSim({ scenario: "demo", seed: 5, users: 300, latencyMs: 60, lateEventMaxMs: 0, clock: createTickingClock() });
  });
  afterAll(async () => {
    await sim?.close();
  });

  async function setUp(name: string): Promise<{ env: Record<string, string>; store: Store; scopeId: string }> {
    const env = {
      ...db().env,
      JCS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      JCS_RATE_LIMIT_PER_MINUTE: "100000",
      // One page per batch: the kill must land between committed pages of one window.
      JCS_USAGE_FLUSH_PAGES: "1",
      JCS_LOG_LEVEL: "warn",
      JCS_INVENTORY_ENABLED: "false",
      SIM_KEY: sim.credentials.apiKey,
    };
    const add = await spawnCli(["accounts", "add", "--name", name, "--api-key-env", "SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], env).exit;
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).not.toContain(sim.credentials.apiKey);
    const store = await db().open();
    const [scope] = await store.accounts.listScopes();
    return { env, store, scopeId: scope!.id };
  }

  /** Waits until the usage stream has committed at least one page of its first window. */
  async function untilMidUsage(store: Store, scopeId: string): Promise<InsightsCursor> {
    let cursor: InsightsCursor | null = null;
    await expect
      .poll(
        async () => {
          cursor = await store.cursors.getCursor<InsightsCursor>(scopeId, "usage");
          return cursor?.pending?.searchAfter !== undefined && cursor.pending.searchAfter !== null;
        },
        { timeout: 60_000, interval: 25 },
      )
      .toBe(true);
    return cursor!;
  }

  async function expectExact(store: Store, scopeId: string): Promise<void> {
    const diffs = compareWithTruth(await store.directory.loadDirectory(scopeId), await store.directory.loadUsage(scopeId), sim.truth());
    expect(diffs).toEqual([]);
  }

  it("SIGKILL mid-usage: nothing lost or duplicated, the usage cursor resumes mid-window", async () => {
    const { env, store, scopeId } = await setUp("killed");
    try {
      const first = spawnCli(["sync", "--once"], env);
      const pending = await untilMidUsage(store, scopeId);
      first.child.kill("SIGKILL");
      expect((await first.exit).signal).toBe("SIGKILL");

      const before = await store.runs.listRuns({ scopeId, stream: "usage", limit: 5 });
      expect(before.items.map((r) => r.state)).toEqual(["running"]);
      const directoryBefore = await store.directory.loadDirectory(scopeId);
      expect(directoryBefore.users.size).toBe(sim.truth().users.length);

      // The dead process's leases expire; then a new process takes over.
      await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 200));
      const second = await spawnCli(["sync", "--once"], env).exit;
      expect(second.code, second.stderr + second.stdout).toBe(0);

      await expectExact(store, scopeId);
      const runs = await store.runs.listRuns({ scopeId, stream: "usage", limit: 5 });
      const killed = runs.items.find((r) => r.id === before.items[0]!.id)!;
      expect(killed.state).toBe("failed");
      expect(killed.error).toMatch(/interrupted/u);
      const resumed = runs.items.find((r) => r.id !== killed.id)!;
      expect(resumed.state).toBe("succeeded");
      // Resumed from the checkpoint: it did not re-read the pages the killed process had stored (at
      // least one); the window from there to now adds one page.
      const eventPages = sim.truth().minimumRequests.byRoute["POST /insights/directory/v1/events"] ?? 0;
      expect(resumed.counters.pages).toBeLessThanOrEqual(eventPages);
      const cursor = await store.cursors.getCursor<InsightsCursor>(scopeId, "usage");
      expect(cursor?.pending).toBeUndefined();
      // The resumed window ended where the killed run planned it; the run went on to its own now.
      expect(cursor!.readThrough > pending.pending!.end).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("SIGTERM mid-usage: the page in hand is stored, leases are released at once, the run is recorded, the next run resumes", async () => {
    const { env, store, scopeId } = await setUp("terminated");
    try {
      const first = spawnCli(["sync", "--once"], env);
      await untilMidUsage(store, scopeId);
      first.child.kill("SIGTERM");
      const exit = await first.exit;
      expect(exit.code, exit.stderr).toBe(143);

      const runs = await store.runs.listRuns({ scopeId, stream: "usage", limit: 5 });
      expect(runs.items[0]!.state).toBe("failed");
      expect(runs.items[0]!.error).toMatch(/interrupted/u);
      // Released on the way out: another owner takes both leases without waiting for expiry.
      for (const stream of ["directory", "usage"] as const) {
        const lease = await store.leases.acquire(scopeId, stream, "someone-else", 10_000, new Date());
        expect(lease).not.toBeNull();
        await store.leases.release(lease!);
      }
      const cursor = await store.cursors.getCursor<InsightsCursor>(scopeId, "usage");
      expect(cursor?.pending?.searchAfter).not.toBeNull();

      const second = await spawnCli(["sync", "--once"], env).exit;
      expect(second.code, second.stderr + second.stdout).toBe(0);
      await expectExact(store, scopeId);
    } finally {
      await store.close();
    }
  });
});

/** How far a scope's stored usage is from the ground truth, per kind of row. */
function usageFigures(diffs: readonly TruthDifference[], truth: GroundTruth): Record<string, string> {
  const of = (area: TruthDifference["area"]) => diffs.filter((d) => d.area === area);
  const sso = of("sso-usage");
  return {
    portal: `${truth.portalUsage.length - of("portal-usage").filter((d) => d.expected !== "absent").length} of ${truth.portalUsage.length} users right`,
    sso: `${truth.ssoUsage.length - sso.filter((d) => d.expected !== "absent").length} of ${truth.ssoUsage.length} per-app last uses right (${sso.filter((d) => d.actual === "missing").length} missing, ${sso.filter((d) => d.field === "lastUsed").length} older)`,
  };
}

describeOnDatabases("a 2,000-user org: SIGKILL mid-usage while users keep logging in, then one sync --once", (db) => {
  let sim: Sim;

  beforeAll(async () => {
    expect(cliIsBuilt(), "dist/cli.js must be built (turbo runs build before test)").toBe(true);
    sim = await startSim({ scenario: "demo", seed: 16, users: 2_000, latencyMs: 20, lateEventMaxMs: 0, clock: createTickingClock() });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("the restarted run that reports success ends current: every last use equals the ground truth", { timeout: 240_000 }, async () => {
    const env = {
      ...db().env,
      JCS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      JCS_RATE_LIMIT_PER_MINUTE: "100000",
      // One page per batch: the kill must land between committed pages of one window.
      JCS_USAGE_FLUSH_PAGES: "1",
      JCS_LOG_LEVEL: "warn",
      JCS_INVENTORY_ENABLED: "false",
      SIM_KEY: sim.credentials.apiKey,
    };
    const add = await spawnCli(["accounts", "add", "--name", "big", "--api-key-env", "SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], env).exit;
    expect(add.code, add.stderr).toBe(0);
    const store = await db().open();
    try {
      const [scope] = await store.accounts.listScopes();
      const scopeId = scope!.id;
      const first = spawnCli(["sync", "--once"], env);
      let pending: InsightsCursor | null = null;
      await expect
        .poll(
          async () => {
            pending = await store.cursors.getCursor<InsightsCursor>(scopeId, "usage");
            return pending?.pending?.searchAfter !== undefined && pending.pending.searchAfter !== null;
          },
          { timeout: 120_000, interval: 25 },
        )
        .toBe(true);
      first.child.kill("SIGKILL");
      expect((await first.exit).signal).toBe("SIGKILL");

      // While the sync is down people keep working: everyone's latest successful portal and SSO
      // logins happen again, after the window the killed process had planned.
      const gapStart = Date.parse(pending!.pending!.end) + 1;
      const gapEnd = Date.now();
      const latest = new Map<string, DiEvent>();
      for (const e of sim.world.allEvents(sim.truth().orgId)) {
        const who = (e.initiated_by as { id?: string } | undefined)?.id ?? "";
        if (e.event_type === "user_login_attempt" && e.success === true) latest.set(`${who}/`, e);
        if (e.event_type === "sso_auth" && e.sso_token_success === true) latest.set(`${who}/${(e.application as { id?: string } | undefined)?.id ?? ""}`, e);
      }
      let k = 0;
      const again = [...latest.values()].map(({ id: _id, timestamp: _ts, ...rest }) => ({ ...rest, timestamp: new Date(gapStart + ((k++ * 7919) % Math.max(1, gapEnd - gapStart))).toISOString() }));
      sim.world.appendEvents(sim.truth().orgId, again);

      await new Promise((r) => setTimeout(r, LEASE_TTL_MS + 200));
      const second = await spawnCli(["sync", "--once"], env).exit;
      expect(second.code, second.stderr + second.stdout).toBe(0);
      const runs = await store.runs.listRuns({ scopeId, stream: "usage", limit: 5 });
      expect(runs.items[0]!.state).toBe("succeeded");

      const truth = sim.truth();
      expect(truth.users.length).toBe(2_000);
      const diffs = compareWithTruth(await store.directory.loadDirectory(scopeId), await store.directory.loadUsage(scopeId), truth);
      const figures = usageFigures(diffs, truth);
      expect(diffs.length, JSON.stringify(figures)).toBe(0);
      expect(figures.portal).toBe(`${truth.portalUsage.length} of ${truth.portalUsage.length} users right`);
    } finally {
      await store.close();
    }
  });
});
