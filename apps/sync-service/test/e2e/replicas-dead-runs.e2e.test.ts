import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { compareWithTruth } from "../../src/demo/truth-check.js";
import { createTestDb, testDatabases, type TestDb } from "../support/databases.js";
import { allRuns, CLI, overlaps, spawnCli, type Replica } from "../support/replicas.js";

const pg = testDatabases("replicas dead-runs end-to-end test").find((d) => d.name === "postgresql")!;

/**
 * The run history of a fleet tells the truth: a SIGKILLed replica's `running` records are closed
 * about a job heartbeat after it died — even when its scope × stream does not run again (its
 * account was paused meanwhile) — and a one-off `sync --once` beside a serving replica never runs
 * a scope × stream at the same time as a pg-boss job (the run records' intervals), with the
 * inventory stream on.
 */
describe.skipIf(pg.skip)("a dead replica's runs and one-off runs beside the fleet (postgresql)", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  it("a SIGKILLed replica's running records are closed by another replica without waiting for a re-run; sync --once and pg-boss jobs never overlap", async () => {
    expect(existsSync(CLI), "dist/cli.js must be built (turbo runs build before test)").toBe(true);
    const db: TestDb = createTestDb("postgresql");
    cleanup.push(() => db.drop());
    const sims: Record<string, Sim> = {
      big: await startSim({ scenario: "demo", seed: 31, users: 400, latencyMs: 30, lateEventMaxMs: 0, clock: createTickingClock() }),
      small: await startSim({ scenario: "demo", seed: 32, users: 20, latencyMs: 5, lateEventMaxMs: 0, clock: createTickingClock() }),
    };
    for (const sim of Object.values(sims)) cleanup.push(() => sim.close());
    const env: Record<string, string> = {
      ...db.env,
      JCS_HTTP_PORT: "0",
      JCS_HTTP_HOST: "127.0.0.1",
      JCS_LOG_LEVEL: "info",
      JCS_SCHEDULER_TICK_SECONDS: "1",
      JCS_JOB_HEARTBEAT_SECONDS: "10",
      JCS_JOB_SUPERVISE_SECONDS: "1",
      JCS_JOB_POLL_SECONDS: "0.5",
      JCS_MAX_CONCURRENT_SCOPES: "4",
      // Slow enough to kill the big scope mid-usage: 40 requests per 5 s per key.
      JCS_RATE_LIMIT_PER_MINUTE: "40",
      JCS_RATE_LIMIT_WINDOW_SECONDS: "5",
      JCS_USAGE_FLUSH_PAGES: "1",
      JCS_INVENTORY_ENABLED: "true",
      JCS_RETRY_BASE_DELAY_MS: "5",
      JCS_RETRY_MAX_DELAY_MS: "40",
      JCS_SHUTDOWN_GRACE_MS: "20000",
    };
    const cli = async (name: string, args: string[], extra: Record<string, string> = {}): Promise<Replica> => {
      const p = spawnCli(name, args, { ...env, JCS_LOG_LEVEL: "warn", ...extra });
      await p.exit;
      return p;
    };
    for (const [name, sim] of Object.entries(sims)) {
      const add = await cli(`add-${name}`, ["accounts", "add", "--name", name, "--api-key-env", "SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], {
        SIM_KEY: sim.credentials.apiKey,
      });
      expect(add.child.exitCode, JSON.stringify(add.lines)).toBe(0);
    }
    const store = await db.open();
    cleanup.push(() => store.close());
    const accounts = await store.accounts.listAccounts();
    const scopes = await store.accounts.listScopes();
    const bigAccount = accounts.find((a) => a.name === "big")!;
    const bigId = scopes.find((s) => s.accountId === bigAccount.id)!.id;
    const serve = (name: string): Replica => {
      const r = spawnCli(name, ["serve"], env);
      cleanup.push(async () => {
        if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
        await r.exit;
      });
      return r;
    };

    // 1. One replica alone; SIGKILL it once a page of the big scope's usage is stored (its other streams run beside it).
    const r1 = serve("r1");
    await expect.poll(async () => {
      const cursor = await store.cursors.getCursor<{ pending?: { searchAfter?: unknown } | null }>(bigId, "usage");
      return cursor?.pending?.searchAfter != null;
    }, { timeout: 120_000, interval: 50 }).toBe(true);
    r1.child.kill("SIGKILL");
    expect((await r1.exit).signal).toBe("SIGKILL");
    const killedAt = new Date();
    const dead = (await allRuns(store)).filter((r) => r.state === "running");
    expect(dead.some((r) => r.scopeId === bigId && r.stream === "usage")).toBe(true);
    const deadIds = new Set(dead.map((r) => r.id));

    // 2. Its account paused meanwhile: its scope × streams do not run again, yet another replica closes the dead records.
    expect((await cli("pause", ["accounts", "pause", bigAccount.id])).child.exitCode).toBe(0);
    const r2 = serve("r2");
    await expect.poll(async () => {
      const runs = await allRuns(store);
      return runs.filter((r) => deadIds.has(r.id) && r.state === "running").map((r) => `${r.scopeId === bigId ? "big" : "small"}|${r.stream}`);
    }, { timeout: 90_000, interval: 500 }).toEqual([]);
    for (const run of (await allRuns(store)).filter((r) => deadIds.has(r.id))) {
      expect(run.state).toBe("failed");
      expect(run.error ?? "").toMatch(/interrupted/u);
    }

    // 3. Resumed: the replica finishes the big scope while a one-off `sync --once` of every scope runs beside it.
    expect((await cli("resume", ["accounts", "resume", bigAccount.id])).child.exitCode).toBe(0);
    await expect.poll(() => r2.lines.some((l) => l.msg === "sync run started" && l.scopeId === bigId && l.stream === "usage"), { timeout: 60_000, interval: 50 }).toBe(true);
    const once = await cli("once", ["sync", "--once"], { JCS_LOG_LEVEL: "info" });
    // 0: all ran; 75: a scope × stream was busy (held by the replica's job) and was not run twice.
    expect([0, 75], JSON.stringify(once.lines.filter((l) => l.stderr === true || (typeof l.level === "number" && l.level >= 50)))).toContain(once.child.exitCode);
    await expect.poll(async () => {
      const statuses = await store.runs.listStreamStatuses();
      return scopes.every((s) =>
        ["directory", "usage", "devices", "inventory"].every((stream) => {
          const st = statuses.find((x) => x.scopeId === s.id && x.stream === stream);
          return st?.lastSuccessAt != null && (s.id !== bigId || st.lastSuccessAt.getTime() > killedAt.getTime());
        }),
      );
    }, { timeout: 180_000, interval: 250 }).toBe(true);
    r2.child.kill("SIGTERM");
    expect(await r2.exit).toEqual({ code: 0, signal: null });

    const runs = await allRuns(store);
    expect(overlaps(runs)).toEqual([]);
    expect(runs.filter((r) => r.state === "running" || r.state === "pending")).toEqual([]);
    expect(runs.some((r) => r.trigger === "manual")).toBe(true);
    for (const scope of scopes) {
      const account = accounts.find((a) => a.id === scope.accountId)!;
      const diffs = compareWithTruth(await store.directory.loadDirectory(scope.id), await store.directory.loadUsage(scope.id), sims[account.name]!.truth());
      expect(diffs, account.name).toEqual([]);
    }
  }, 400_000);
});
