import { afterAll, beforeAll, expect, it } from "vitest";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { bootService, describeOnDatabases } from "../support/harness.js";
import { cliIsBuilt, spawnCli } from "../support/cli-child.js";

const LEASE_TTL_MS = 2_000;

describeOnDatabases("queued actions survive a SIGKILL of the process working them", (db) => {
  let sim: Sim;

  beforeAll(async () => {
    expect(cliIsBuilt(), "dist/cli.js must be built (turbo runs build before test)").toBe(true);
    // Slow answers, so that the kill lands mid-queue; wall-clock time, as the child processes use it.
    sim = await startSim({ scenario: "demo", seed: 33, latencyMs: 120, lateEventMaxMs: 0, clock: createTickingClock() });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("CLI: queue with --no-wait, kill the worker mid-queue, restart: every action done exactly once", async () => {
    const env = {
      ...db().env,
      JCS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      JCS_RATE_LIMIT_PER_MINUTE: "100000",
      JCS_RATE_LIMIT_CONCURRENCY: "2",
      JCS_RETRY_BASE_DELAY_MS: "5",
      JCS_RETRY_MAX_DELAY_MS: "40",
      JCS_LOG_LEVEL: "info",
      SIM_KEY: sim.credentials.apiKey,
    };
    const add = await spawnCli(["accounts", "add", "--name", "acting", "--permission", "read-and-act", "--api-key-env", "SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], env).exit;
    expect(add.code, add.stderr).toBe(0);

    const targets = sim.truth().users.filter((u) => u.status === "active" && u.adminRole === null).slice(0, 10);
    sim.resetStats();
    const preview = await spawnCli(["actions", "suspend", "--user", targets[0]!.id, "--username", targets[1]!.username, "--dry-run"], env).exit;
    expect(preview.code, preview.stderr + preview.stdout).toBe(0);
    expect(preview.stdout).toContain(`#0 suspend ${targets[0]!.username} active → suspended: would change (dry run; would send POST /api/systemusers/${targets[0]!.id}/state/suspend)`);
    expect(preview.stdout).toMatch(/Dry run: nothing was written\. accepted 0, would change 2/u);
    const badName = await spawnCli(["actions", "create", "--first-name", "Zoë", "--last-name", "Smith", "--email", "zoe@example.com", "--dry-run"], env).exit;
    expect(badName.code).toBe(1);
    expect(badName.stderr).toMatch(/Invalid username: Invalid JumpCloud username "Zoë Smith".*offending: "ë".*nothing was sent to JumpCloud/u);
    expect(sim.stats().writes.attempted).toBe(0);

    const suspend = await spawnCli(["actions", "suspend", ...targets.flatMap((u) => ["--user", u.id]), "--no-wait"], env).exit;
    expect(suspend.code, suspend.stderr + suspend.stdout).toBe(0);
    expect(suspend.stdout).toMatch(/accepted 10/u);
    const creates = [];
    for (const name of ["crash.one", "crash.two"]) {
      const c = await spawnCli(["actions", "create", "--username", name, "--email", `${name}@example.com`, "--no-wait"], env).exit;
      expect(c.code, c.stderr + c.stdout).toBe(0);
      creates.push(name);
    }
    sim.resetStats();

    const store = await db().open();
    try {
      const first = spawnCli(["actions", "work"], env);
      await expect
        .poll(async () => (await store.actions.list({ state: "succeeded", limit: 100 })).items.length, { timeout: 60_000, interval: 20 })
        .toBeGreaterThanOrEqual(3);
      first.child.kill("SIGKILL");
      const killed = await first.exit;
      expect(killed.signal).toBe("SIGKILL");
      const left = (await store.actions.list({ limit: 100 })).items.filter((a) => a.state !== "succeeded");
      expect(left.length, "the kill must land mid-queue").toBeGreaterThan(0);

      const second = await spawnCli(["actions", "work"], env).exit;
      expect(second.code, second.stderr + second.stdout).toBe(0);
      expect(second.stdout).toMatch(/queue is empty/u);
      const listed = await spawnCli(["actions", "list", "--state", "succeeded"], env).exit;
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout.split("\n").filter((l) => / succeeded /u.test(l))).toHaveLength(12);

      const all = (await store.actions.list({ limit: 100 })).items;
      expect(all).toHaveLength(12);
      expect(all.map((a) => a.state)).toEqual(Array.from({ length: 12 }, () => "succeeded"));
      for (const u of targets) expect(sim.world.getUser(u.id)?.state, u.username).toBe("SUSPENDED");
      for (const name of creates) expect(sim.truth().users.filter((u) => u.username === name)).toHaveLength(1);
      // Exactly once: no write was sent twice, whatever the kill interrupted.
      const writes = sim.stats().writes.byRoute;
      expect(writes["POST /api/systemusers/{id}/state/suspend"]?.applied ?? 0).toBeLessThanOrEqual(10);
      expect((writes["POST /api/systemusers/{id}/state/suspend"]?.attempted ?? 0) + (writes["POST /api/systemusers"]?.attempted ?? 0)).toBe(12);
      expect(writes["POST /api/systemusers"]?.attempted).toBe(2);
      // A write the killed process sent but never recorded is found by reading, not resent.
      const reclaimed = all.filter((a) => a.attempts > 1);
      for (const a of reclaimed) expect(a.upstream.filter((c) => c.method !== "GET").length).toBeLessThanOrEqual(1);
      const secrets = [sim.credentials.apiKey];
      for (const text of [killed.stdout, killed.stderr, second.stdout, second.stderr, JSON.stringify((await store.audit.list({ limit: 500 })).items)]) {
        for (const s of secrets) expect(text.includes(s)).toBe(false);
      }
    } finally {
      await store.close();
    }
  });

  it("`serve` (the scheduled service) polls the queue: actions queued by another process are done without a request", async () => {
    const env = { ...db().env, JCS_RATE_LIMIT_PER_MINUTE: "100000", SIM_KEY: sim.credentials.apiKey };
    const add = await spawnCli(["accounts", "add", "--name", "acting", "--permission", "read-and-act", "--api-key-env", "SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], env).exit;
    expect(add.code, add.stderr).toBe(0);
    const target = sim.truth().users.find((u) => u.status === "suspended")!;
    const queued = await spawnCli(["actions", "unsuspend", "--user", target.id, "--no-wait"], env).exit;
    expect(queued.code, queued.stderr + queued.stdout).toBe(0);
    expect(sim.world.getUser(target.id)?.state).toBe("SUSPENDED");

    const service = await bootService({ db: db(), schedule: true, env: { JCS_SCHEDULER_TICK_SECONDS: "3600" } });
    try {
      await expect.poll(async () => (await service.store.actions.list({ limit: 10 })).items.map((a) => a.state), { timeout: 30_000, interval: 50 }).toEqual(["succeeded"]);
      expect(sim.world.getUser(target.id)?.state).toBe("ACTIVATED");
    } finally {
      await service.close();
    }
  });
});
