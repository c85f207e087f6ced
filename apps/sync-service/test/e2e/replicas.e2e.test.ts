import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { compareWithTruth } from "../../src/demo/truth-check.js";
import { createTestDb, testDatabases, type TestDb } from "../support/databases.js";
import { keyFingerprint, maxRequestsInWindow, startRequestLogProxy } from "../support/request-log-proxy.js";
import { allRuns, CLI, overlaps, spawnCli, type Replica } from "../support/replicas.js";

/** The per-key budget under test: 40 requests per 5-second window, shared by every replica. */
const BUDGET = 40;
const WINDOW_S = 5;

const pg = testDatabases("replicas end-to-end test").find((d) => d.name === "postgresql")!;

describe.skipIf(pg.skip)("three replicas on one PostgreSQL through pg-boss (postgresql)", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  });

  it("every scope exact, no scope × stream run twice at once, the key's budget held, a SIGKILLed and a SIGTERMed replica's work completed by the others", async () => {
    expect(existsSync(CLI), "dist/cli.js must be built (turbo runs build before test)").toBe(true);
    const db: TestDb = createTestDb("postgresql");
    cleanup.push(() => db.drop());
    // Wall-clock stand-ins (the replicas use the system clock). `big` is slow enough to kill mid-usage.
    const sims: Record<string, Sim> = {
      big: await startSim({ scenario: "demo", seed: 21, users: 400, latencyMs: 30, lateEventMaxMs: 0, clock: createTickingClock() }),
      msp: await startSim({ scenario: "msp", seed: 22, latencyMs: 5, lateEventMaxMs: 0, clock: createTickingClock() }),
      small: await startSim({ scenario: "demo", seed: 23, users: 25, latencyMs: 5, lateEventMaxMs: 0, clock: createTickingClock() }),
      tiny: await startSim({ scenario: "demo", seed: 24, users: 10, latencyMs: 5, lateEventMaxMs: 0, clock: createTickingClock() }),
    };
    for (const sim of Object.values(sims)) cleanup.push(() => sim.close());
    const proxies = Object.fromEntries(await Promise.all(Object.entries(sims).map(async ([name, sim]) => [name, await startRequestLogProxy(sim.url)] as const)));
    for (const proxy of Object.values(proxies)) cleanup.push(() => proxy.close());

    const env: Record<string, string> = {
      ...db.env,
      JCS_HTTP_PORT: "0",
      JCS_HTTP_HOST: "127.0.0.1",
      JCS_LOG_LEVEL: "info",
      JCS_SCHEDULER_TICK_SECONDS: "1",
      JCS_JOB_HEARTBEAT_SECONDS: "10",
      JCS_JOB_SUPERVISE_SECONDS: "1",
      JCS_JOB_POLL_SECONDS: "0.5",
      JCS_MAX_CONCURRENT_SCOPES: "3",
      JCS_RATE_LIMIT_PER_MINUTE: String(BUDGET),
      JCS_RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_S),
      // One page per usage batch, so the kill below lands with a page of the window stored.
      JCS_USAGE_FLUSH_PAGES: "1",
      // As the other suites (test/support/harness.ts TEST_ENV): the inventory stream has e2e files of its own.
      JCS_INVENTORY_ENABLED: "false",
      JCS_RETRY_BASE_DELAY_MS: "5",
      JCS_RETRY_MAX_DELAY_MS: "40",
      JCS_SHUTDOWN_GRACE_MS: "20000",
    };
    for (const [name, sim] of Object.entries(sims)) {
      const proxy = proxies[name]!;
      const add = spawnCli(`add-${name}`, [
        "accounts",
        "add",
        "--name",
        name,
        "--api-key-env",
        "SIM_KEY",
        "--console-url",
        sim.consoleBaseUrl.replace(sim.url, proxy.url),
        "--insights-url",
        sim.insightsBaseUrl.replace(sim.url, proxy.url),
        ...(sim.credentials.multiTenant ? ["--all-orgs"] : []),
      ], { ...env, JCS_LOG_LEVEL: "warn", SIM_KEY: sim.credentials.apiKey });
      expect((await add.exit).code, JSON.stringify(add.lines)).toBe(0);
    }
    const store = await db.open();
    cleanup.push(() => store.close());
    const scopes = await store.accounts.listScopes();
    expect(scopes).toHaveLength(5); // big, small, tiny and the MSP key's two orgs

    const replicas = ["r1", "r2", "r3"].map((name) => spawnCli(name, ["serve"], env));
    for (const r of replicas) cleanup.push(async () => {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
      await r.exit;
    });
    const accounts = await store.accounts.listAccounts();
    const bigId = scopes.find((s) => s.accountId === accounts.find((a) => a.name === "big")!.id)!.id;
    const runningOn = (scopeId: string, stream: string): Replica | undefined =>
      replicas.find((r) => {
        const started = r.lines.filter((l) => l.msg === "sync run started" && l.scopeId === scopeId && l.stream === stream).map((l) => l.runId);
        const finished = new Set(r.lines.filter((l) => l.scopeId === scopeId && l.stream === stream && typeof l.durationMs === "number").map((l) => l.runId));
        return started.some((id) => !finished.has(id)) && r.child.exitCode === null && r.child.signalCode === null;
      });

    // 1. SIGKILL the replica working the big scope's usage once a page of it is stored.
    let victim: Replica | undefined;
    await expect.poll(async () => {
      const cursor = await store.cursors.getCursor<{ pending?: { searchAfter?: unknown } | null }>(bigId, "usage");
      victim = runningOn(bigId, "usage");
      return victim !== undefined && cursor?.pending?.searchAfter != null;
    }, { timeout: 90_000, interval: 50 }).toBe(true);
    victim!.child.kill("SIGKILL");
    expect((await victim!.exit).signal).toBe("SIGKILL");
    const killedAt = Date.now();

    // 2. Another replica takes the job over once its heartbeat lapsed; SIGTERM that one mid-run.
    let second: Replica | undefined;
    await expect.poll(() => {
      second = runningOn(bigId, "usage");
      return second !== undefined && second !== victim;
    }, { timeout: 60_000, interval: 50 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    second!.child.kill("SIGTERM");
    expect(await second!.exit).toEqual({ code: 0, signal: null });
    expect(second!.lines.some((l) => l.msg === "job handed back to the queue" && l.scopeId === bigId)).toBe(true);
    const survivors = replicas.filter((r) => r !== victim && r !== second);
    expect(survivors).toHaveLength(1);

    // 3. The last replica finishes everything: every scope × stream succeeded at least once since the kill.
    await expect.poll(async () => {
      const statuses = await store.runs.listStreamStatuses();
      return scopes.every((s) => ["directory", "usage"].every((stream) => {
        const st = statuses.find((x) => x.scopeId === s.id && x.stream === stream);
        return st?.lastSuccessAt != null && (s.id !== bigId || stream !== "usage" || st.lastSuccessAt.getTime() > killedAt);
      }));
    }, { timeout: 120_000, interval: 250 }).toBe(true);
    const last = survivors[0]!;
    last.child.kill("SIGTERM");
    expect(await last.exit).toEqual({ code: 0, signal: null });

    // Every scope equals its ground truth.
    for (const scope of scopes) {
      const account = accounts.find((a) => a.id === scope.accountId)!;
      const sim = sims[account.name]!;
      const diffs = compareWithTruth(await store.directory.loadDirectory(scope.id), await store.directory.loadUsage(scope.id), sim.truth(scope.orgId ?? undefined));
      expect(diffs, `${account.name} ${scope.orgId ?? ""}`).toEqual([]);
    }
    // No scope × stream ever ran twice at once; nothing is left running.
    const runs = await allRuns(store);
    expect(overlaps(runs)).toEqual([]);
    expect(runs.filter((r) => r.state === "running" || r.state === "pending")).toEqual([]);
    const bigUsage = runs.filter((r) => r.scopeId === bigId && r.stream === "usage");
    expect(bigUsage.some((r) => r.state === "failed" && /interrupted/u.test(r.error ?? ""))).toBe(true);
    expect(bigUsage.some((r) => r.state === "succeeded")).toBe(true);
    // The budget held per key across the replicas (the MSP key's two orgs share one).
    for (const [name, sim] of Object.entries(sims)) {
      const key = keyFingerprint(sim.credentials.apiKey);
      const peak = maxRequestsInWindow(proxies[name]!.log, key, WINDOW_S * 1000);
      console.info(`replicas e2e: key ${name}: ${proxies[name]!.log.length} requests, at most ${peak} in any ${WINDOW_S} s (budget ${BUDGET})`);
      expect(peak, name).toBeLessThanOrEqual(BUDGET);
    }
    // The budget was what slowed them: the big key used most of it in some window.
    expect(maxRequestsInWindow(proxies.big!.log, keyFingerprint(sims.big!.credentials.apiKey), WINDOW_S * 1000)).toBeGreaterThan(BUDGET / 2);
  }, 300_000);
});
