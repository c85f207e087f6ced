// Directory-sync benchmark: a full sync, a no-op incremental one, and an incremental one after 100
// user changes and 20 membership changes (directory + usage) of the stand-in's "large" org (50,000
// users, ~220 groups, 200 SSO apps, 90 days of events) with realistic latency, on SQLite and on
// PostgreSQL. Each sync is the real CLI (`jumpcloud-sync sync --once`) in a child process, so
// its peak RSS is the sync's alone; the stand-in runs here.
//
//   pnpm bench                                  (root; builds first)
//   pnpm --filter @jumpcloud-sync/sync-service bench -- [--users 10000] [--apps 200] [--seed 1] [--backend sqlite|postgresql|both]
//
// PostgreSQL: JCS_BENCH_PG_URL, else JCS_TEST_PG_URL (a schema of its own, dropped afterwards);
// without either the PostgreSQL rows are skipped with a line saying so.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type { SyncCounters, SyncRun, UsageRecord } from "@jumpcloud-sync/domain";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { openStore, type Store, type StoreConfig } from "@jumpcloud-sync/persistence";
import { intOption, parse } from "../cli/args.js";
import { compareWithTruth } from "../demo/truth-check.js";
import { runCli } from "./bench-cli.js";

type Backend = "sqlite" | "postgresql";
const RUNS = ["full", "no-op incremental", "incremental after 100 user + 20 membership changes"] as const;
type RunName = (typeof RUNS)[number];
const USER_CHANGES = 100;
const MEMBERSHIP_CHANGES = 20;

interface Row {
  backend: Backend;
  run: RunName;
  wallMs: number;
  /** CPU seconds (user + system) of the sync process. */
  cpuS: number;
  /** Directory stream requests, and the issue's bound for the run (null: none stated). */
  directoryRequests: number;
  directoryBound: number | null;
  /** Requests the sync counted (its run counters), and what the stand-in served meanwhile. */
  requests: number;
  served: number;
  minimum: number | null;
  rowsWritten: number;
  rowsDetail: string;
  peakRssKiB: number;
  correct: string;
  /** Routes the full sync called more often than the stand-in's minimum plan. */
  overMinimum: string[];
}

function sum(runs: readonly SyncRun[], pick: (c: SyncCounters) => number): number {
  return runs.reduce((n, r) => n + pick(r.counters), 0);
}

/**
 * The synced directory and usage against the stand-in's truth, now. The stand-in's clock follows
 * wall time, so while the benchmark runs the oldest events pass the 90-day Directory Insights
 * retention: the truth then drops a last-use the sync read minutes ago, which the service keeps by
 * design (usage is history). Such rows are counted apart, and only when their event is older than
 * the retention cutoff now; anything else is a difference.
 */
async function checkTruth(store: Store, scopeId: string, sim: Sim): Promise<string> {
  const truth = sim.truth();
  const state = await store.directory.loadDirectory(scopeId);
  const usage = await store.directory.loadUsage(scopeId);
  const cutoff = Date.parse(truth.asOf) - truth.directoryInsights.retentionDays * 86_400_000;
  const stored = new Map<string, UsageRecord>();
  for (const r of usage.values()) stored.set(r.applicationId === null ? r.userId : `${r.userId}/${r.applicationId}`, r);
  const all = compareWithTruth(state, usage, truth);
  const agedOut = all.filter((d) => (d.area === "portal-usage" || d.area === "sso-usage") && d.field === "(record)" && d.expected === "absent" && Date.parse(stored.get(d.id)?.lastUsedAt ?? "") < cutoff);
  const diffs = all.filter((d) => !agedOut.includes(d));
  const live = <T extends { removedAt: string | null }>(m: ReadonlyMap<string, T>): number => [...m.values()].filter((r) => r.removedAt === null).length;
  const counts = {
    users: [live(state.users), truth.users.length],
    apps: [live(state.applications), truth.applications.length],
    assignments: [live(state.assignments), truth.applications.reduce((n, a) => n + a.assignedUserIds.length, 0)],
    usage: [usage.size - agedOut.length, truth.portalUsage.length + truth.ssoUsage.length],
  } as const;
  const countsOk = Object.values(counts).every(([got, want]) => got === want);
  const aged = agedOut.length === 0 ? "" : ` + ${agedOut.length} kept whose event has since passed the 90-day retention`;
  if (countsOk && diffs.length === 0) return `exact (${fmtInt(counts.users[0])} users, ${counts.apps[0]} apps, ${fmtInt(counts.assignments[0])} assignments, ${fmtInt(counts.usage[0])} usage rows${aged})`;
  const off = Object.entries(counts)
    .filter(([, [got, want]]) => got !== want)
    .map(([k, [got, want]]) => `${k} ${got}/${want}`);
  return `WRONG: ${[...off, `${diffs.length} field differences, e.g. ${JSON.stringify(diffs.slice(0, 2))}`].join(", ")}`;
}

async function benchBackend(backend: Backend, sim: Sim, pgUrl: string | null): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "jcs-bench-"));
  const secretKey = randomBytes(32).toString("base64");
  const schema = `jcs_bench_${randomBytes(6).toString("hex")}`;
  const storeConfig: StoreConfig =
    backend === "sqlite" ? { driver: "sqlite", dbName: join(dir, "bench.sqlite"), secretKey } : { driver: "postgresql", url: pgUrl ?? "", schema, secretKey };
  const env: Record<string, string> = {
    ...(backend === "sqlite" ? { JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: join(dir, "bench.sqlite") } : { JCS_DB_DRIVER: "postgresql", JCS_DATABASE_URL: pgUrl ?? "", JCS_DB_SCHEMA: schema }),
    JCS_SECRET_KEY: secretKey,
    JCS_LOG_LEVEL: "warn",
    // The stand-in has no rate limit; the service's own limiter (200/min by default, JumpCloud's
    // budget) would make the wall time a measure of the limiter. JCS_RATE_LIMIT_PER_MINUTE overrides.
    JCS_RATE_LIMIT_PER_MINUTE: process.env.JCS_RATE_LIMIT_PER_MINUTE ?? "100000",
    JCS_BENCH_SIM_KEY: sim.credentials.apiKey,
  };
  const rows: Row[] = [];
  let store: Store | null = null;
  try {
    const add = await runCli(["accounts", "add", "--name", "bench", "--api-key-env", "JCS_BENCH_SIM_KEY", "--console-url", sim.consoleBaseUrl, "--insights-url", sim.insightsBaseUrl], env);
    if (add.code !== 0) throw new Error(`accounts add failed (${add.code}): ${add.stderr}${add.stdout}`);
    store = await openStore(storeConfig);
    const [scope] = await store.accounts.listScopes();
    if (scope === undefined) throw new Error("the account has no scope");

    for (const run of RUNS) {
      const changed = run === RUNS[2] ? changeWorld(sim, backend === "sqlite" ? 1 : 2) : 0;
      const before = new Set((await store.runs.listRuns({ scopeId: scope.id, limit: 100 })).items.map((r) => r.id));
      const rssFile = join(dir, `rss-${run.replace(/\W+/gu, "-")}`);
      sim.resetStats();
      process.stderr.write(`${backend}: ${run} sync…\n`);
      const started = performance.now();
      // The directory streams only (the MDM streams have their own benchmark, mdm.bench.ts).
      // JCS_BENCH_MEM_TRACE=<prefix>: each sync's memory timeline goes to <prefix>.<backend>.<run> (see max-rss.preload.ts).
      const trace = process.env.JCS_BENCH_MEM_TRACE;
      const snapshotAt = process.env.JCS_BENCH_HEAP_SNAPSHOT_MIB;
      const extra: Record<string, string> = snapshotAt === undefined ? {} : { JCS_BENCH_HEAP_SNAPSHOT_MIB: snapshotAt };
      const traceEnv: Record<string, string> = trace === undefined || trace === "" ? {} : { JCS_BENCH_MEM_TRACE: `${trace}.${backend}.${RUNS.indexOf(run)}`, JCS_LOG_LEVEL: "info" };
      const exit = await runCli(["sync", "--once", "--stream", "directory", "--stream", "usage"], { ...env, ...traceEnv, ...extra }, rssFile);
      if (trace !== undefined && trace !== "") writeFileSync(`${trace}.${backend}.${RUNS.indexOf(run)}.log`, exit.stdout + exit.stderr);
      const wallMs = performance.now() - started;
      const stats = sim.stats();
      const served = stats.total;
      const minimum = sim.truth().minimumRequests;
      const overMinimum =
        run === "full"
          ? Object.entries(stats.byRoute)
              .map(([route, r]) => [route, r.total, minimum.byRoute[route] ?? 0] as const)
              .filter(([, got, want]) => got > want)
              .map(([route, got, want]) => `${route}: ${got} vs ${want}`)
          : [];
      if (exit.code !== 0) throw new Error(`${backend} ${run}: sync --once exited ${exit.code}: ${exit.stderr}${exit.stdout}`);
      const runs = (await store.runs.listRuns({ scopeId: scope.id, limit: 100 })).items.filter((r) => !before.has(r.id));
      // Rows the store reports written (inserted + updated + removed), per stream, from the runs' counters.
      const written = (c: SyncCounters): number => c.created + c.updated + c.removed;
      const directory = sum(
        runs.filter((r) => r.stream === "directory"),
        written,
      );
      const usage = sum(
        runs.filter((r) => r.stream === "usage"),
        written,
      );
      const rss = Number(readFileSync(rssFile, "utf8"));
      const cpuMs = Number(readFileSync(`${rssFile}.cpu`, "utf8"));
      rows.push({
        backend,
        run,
        wallMs,
        cpuS: cpuMs / 1000,
        directoryRequests: sum(
          runs.filter((r) => r.stream === "directory"),
          (c) => c.requests,
        ),
        directoryBound: run === RUNS[1] ? 10 : run === RUNS[2] ? 10 + 2 * changed : null,
        requests: sum(runs, (c) => c.requests),
        served,
        minimum: run === "full" ? minimum.total : null,
        rowsWritten: directory + usage,
        rowsDetail: `${fmtInt(directory)} directory + ${fmtInt(usage)} usage`,
        peakRssKiB: rss,
        correct: await checkTruth(store, scope.id, sim),
        overMinimum,
      });
    }
  } finally {
    if (store !== null) {
      if (backend === "postgresql") await store.orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Between syncs, through the stand-in's world controls (each logs the Directory Insights event
 * JumpCloud would): 100 users updated (a few suspended) and 20 memberships changed (10 added, 10
 * removed). Returns the number of changed objects.
 */
function changeWorld(sim: Sim, round: number): number {
  const truth = sim.truth();
  const active = truth.users.filter((u) => u.status === "active");
  const users = new Set<string>();
  for (let i = 0; i < USER_CHANGES; i++) {
    const u = active[(i * 97 + round * 13) % active.length]!;
    sim.world.updateUser(u.id, i % 10 === 0 ? { status: "suspended" } : { jobTitle: `Bench ${round}.${i}` });
    users.add(u.id);
  }
  const withMembers = truth.groups.filter((g) => g.memberUserIds.length > 0);
  for (let i = 0; i < MEMBERSHIP_CHANGES; i++) {
    const g = withMembers[(i * 7 + round) % withMembers.length]!;
    if (i % 2 === 0) sim.world.removeGroupMember(g.id, g.memberUserIds[0]!);
    else {
      const joiner = active.find((u) => !g.memberUserIds.includes(u.id) && !users.has(u.id))!;
      sim.world.addGroupMember(g.id, joiner.id);
    }
  }
  // Changed objects as the issue counts them: the changed users and the changed memberships.
  return users.size + MEMBERSHIP_CHANGES;
}

/** More SSO applications than the catalog-based generator makes: each bound to one group and 20 users. */
function addApplications(sim: Sim, total: number): void {
  const truth = sim.truth();
  const missing = total - truth.applications.length;
  for (let i = 0; i < missing; i++) {
    const app = sim.world.addApplication({ name: `bench-app-${i}`, displayLabel: `Bench App ${i}`, ssoUrl: `https://sso.jumpcloud.com/saml2/bench-app-${i}` });
    sim.world.assignApp(app.id, { groupId: truth.groups[i % truth.groups.length]!.id });
    for (let j = 0; j < 20; j++) sim.world.assignApp(app.id, { userId: truth.users[(i * 20 + j) % truth.users.length]!.id });
  }
}

const fmtMiB = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
const fmtInt = (n: number): string => n.toLocaleString("en-US");

async function main(): Promise<number> {
  // `pnpm bench -- --users 10000` passes the "--" through.
  const argv = process.argv.slice(2);
  const args = parse(argv[0] === "--" ? argv.slice(1) : argv, { users: { type: "string" }, apps: { type: "string" }, seed: { type: "string" }, backend: { type: "string" } });
  if (args.positionals.length > 0) throw new Error(`unexpected argument(s): ${args.positionals.join(" ")} (options: --users <n> --apps <n> --seed <n> --backend sqlite|postgresql|both)`);
  const users = intOption(args.str("users"), "--users");
  const apps = intOption(args.str("apps"), "--apps") ?? 200;
  const seed = intOption(args.str("seed"), "--seed") ?? 1;
  const which = args.str("backend") ?? "both";
  if (!["sqlite", "postgresql", "both"].includes(which)) throw new Error("--backend is sqlite, postgresql or both");
  const pgUrl = [process.env.JCS_BENCH_PG_URL, process.env.JCS_TEST_PG_URL].find((u) => u !== undefined && u !== "") ?? null;
  const latencyMs = { min: 20, max: 60 };

  const load = loadavg();
  process.stderr.write(`starting the stand-in (scenario large${users === undefined ? "" : `, ${users} users`}, seed ${seed})…\n`);
  const sim = await startSim({ scenario: "large", seed, latencyMs, lateEventMaxMs: 0, clock: createTickingClock(), ...(users === undefined ? {} : { users }) });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    addApplications(sim, apps);
    const truth = sim.truth();
    const events = sim.world.allEvents(truth.orgId).length;
    const backends: Backend[] = which === "both" ? ["sqlite", "postgresql"] : [which as Backend];
    for (const backend of backends) {
      if (backend === "postgresql" && pgUrl === null) {
        notes.push("PostgreSQL skipped: set JCS_BENCH_PG_URL or JCS_TEST_PG_URL (e.g. `source .ci/postgres.sh && start_postgres`).");
        continue;
      }
      rows.push(...(await benchBackend(backend, sim, pgUrl)));
    }
    const out = process.stdout;
    out.write(`\nDirectory sync benchmark: stand-in "large", ${fmtInt(truth.users.length)} users, ${truth.groups.length} groups, ${truth.applications.length} SSO apps, ${fmtInt(events)} events over 90 days, latency ${latencyMs.min}–${latencyMs.max} ms per request\n`);
    out.write(`machine: ${cpus().length} vCPU (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; load average at start ${load.map((l) => l.toFixed(2)).join(" ")}, at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}\n\n`);
    out.write("| backend | run | wall time | CPU | requests (sync / served by stand-in / minimum) | directory requests (bound) | rows written | peak RSS (sync process) | result vs truth |\n");
    out.write("|---|---|---:|---:|---|---|---:|---:|---|\n");
    for (const r of rows) {
      out.write(
        `| ${r.backend === "sqlite" ? "SQLite" : "PostgreSQL"} | ${r.run} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.cpuS.toFixed(1)} s | ${fmtInt(r.requests)} / ${fmtInt(r.served)} / ${r.minimum === null ? "–" : fmtInt(r.minimum)} | ${fmtInt(r.directoryRequests)}${r.directoryBound === null ? "" : ` (≤ ${fmtInt(r.directoryBound)})`} | ${fmtInt(r.rowsWritten)} (${r.rowsDetail}) | ${fmtMiB(r.peakRssKiB)} | ${r.correct} |\n`,
      );
    }
    out.write(`\nwall time / CPU: the \`sync --once\` process from spawn to exit (boot, both streams, shutdown), and its user + system CPU seconds. Minimum: the stand-in's minimum for a full sync (truth().minimumRequests.total).\n`);
    out.write(`The stand-in ran in the benchmark's own process (peak RSS ${fmtMiB(process.resourceUsage().maxRSS)}).\n`);
    for (const r of rows.filter((x) => x.overMinimum.length > 0)) out.write(`${r.backend} ${r.run}, routes above the minimum: ${r.overMinimum.join("; ")}\n`);
    for (const n of notes) out.write(`${n}\n`);
  } finally {
    await sim.close();
  }
  return rows.every((r) => r.correct.startsWith("exact") && (r.directoryBound === null || r.directoryRequests <= r.directoryBound)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
