// Replicas benchmark (issue 15): 100 small tenants (40 users each, their own API keys) plus one big
// tenant (50,000 users) on the stand-in with 20–60 ms of latency per request, synced by 1, 2 and 4
// `serve` replicas (the real CLI in child processes) against one PostgreSQL through pg-boss. For
// each replica count, from a fresh schema: the time until every scope completed a first sync of
// every stream, the p50/p95 age of the small tenants' usage while the big tenant's first sync runs
// (sampled each second), the requests per key per minute (the stand-ins' served counts, sampled each
// second, the worst 60-second window) against the per-key budget, and the overlapping runs of one
// scope × stream found in the run records (must be 0).
//
//   pnpm --filter @jumpcloud-sync/sync-service bench:replicas -- [--tenants 100] [--small-users 40]
//       [--big-users 50000] [--big-devices 1000] [--replicas 1,2,4] [--budget 1200] [--usage-minutes 5]
//       [--inventory] [--timeout-minutes 60] [--seed 1]
//
// PostgreSQL: JCS_BENCH_PG_URL, else JCS_TEST_PG_URL (a schema per replica count, dropped afterwards).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Scope, StreamName, SyncRun } from "@jumpcloud-sync/domain";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { openStore, type Store } from "@jumpcloud-sync/persistence";
import { AccountsService } from "../accounts/accounts.service.js";
import { createServiceContext } from "../bootstrap.js";
import { intOption, parse } from "../cli/args.js";
import { parseConfig } from "../config/index.js";
import { compareWithTruth } from "../demo/truth-check.js";
import { createLogger } from "../logging/index.js";
import { CLI, processFigures } from "./bench-cli.js";

const PRELOAD = pathToFileURL(fileURLToPath(new URL("./max-rss.preload.js", import.meta.url))).href;
const LATENCY = { min: 20, max: 60 };
const MDM_STREAMS: readonly StreamName[] = ["devices", "managed-apps", "software-events"];

interface Options {
  readonly tenants: number;
  readonly smallUsers: number;
  readonly bigUsers: number;
  readonly bigDevices: number;
  readonly replicas: readonly number[];
  readonly budget: number;
  readonly usageMinutes: number;
  readonly inventory: boolean;
  readonly timeoutMs: number;
  readonly seed: number;
}

interface Tenant {
  readonly name: string;
  readonly sim: Sim;
  readonly big: boolean;
  /** [ms since the start, requests served so far], each second. */
  readonly served: [number, number][];
}

interface Row {
  readonly replicas: number;
  readonly firstSyncS: number | null;
  readonly bigFirstSyncS: number | null;
  readonly smallFirstSyncS: number | null;
  readonly usageAgeP50S: number;
  readonly usageAgeP95S: number;
  readonly usageAgeMaxS: number;
  readonly usageSamples: number;
  readonly peakSmallPerMin: number;
  readonly peakBigPerMin: number;
  readonly requests: number;
  readonly runs: number;
  readonly overlaps: number;
  readonly leftRunning: number;
  readonly exact: string;
  readonly replicaRss: string;
  readonly replicaCpuS: number;
}

interface Replica {
  readonly child: ChildProcess;
  readonly rssFile: string;
  readonly exit: Promise<number | null>;
  stderr: string;
}

function startReplica(env: Record<string, string>, rssFile: string): Replica {
  const child = spawn(process.execPath, ["--import", PRELOAD, CLI, "serve"], { env: { PATH: process.env.PATH ?? "", ...env, JCS_BENCH_RSS_FILE: rssFile }, stdio: ["ignore", "ignore", "pipe"] });
  const replica: Replica = { child, rssFile, stderr: "", exit: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
  child.stderr?.on("data", (d: Buffer) => {
    replica.stderr = (replica.stderr + d.toString()).slice(-4000);
  });
  return replica;
}

/** Runs of one scope × stream whose intervals overlap (each must start after the previous one finished). */
function overlapping(runs: readonly SyncRun[]): number {
  const byKey = new Map<string, SyncRun[]>();
  for (const run of runs) byKey.set(`${run.scopeId}|${run.stream}`, [...(byKey.get(`${run.scopeId}|${run.stream}`) ?? []), run]);
  let found = 0;
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    for (let i = 1; i < sorted.length; i += 1) if (sorted[i]!.startedAt.getTime() < (sorted[i - 1]!.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY)) found += 1;
  }
  return found;
}

async function allRuns(store: Store): Promise<SyncRun[]> {
  const runs: SyncRun[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.runs.listRuns({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    runs.push(...page.items);
    if (page.nextCursor === null) return runs;
    cursor = page.nextCursor;
  }
}

/**
 * The scope against its stand-in's truth now. The stand-ins' clock follows wall time, so while the
 * benchmark runs the oldest events pass the 90-day Directory Insights retention and the truth drops
 * a last use the sync read minutes ago, which the service keeps by design (usage is history): such
 * rows are counted apart (as in directory.bench.ts), anything else is a difference.
 */
async function differences(store: Store, scopeId: string, sim: Sim): Promise<{ agedOut: number; other: unknown[] }> {
  const truth = sim.truth();
  const usage = await store.directory.loadUsage(scopeId);
  const cutoff = Date.parse(truth.asOf) - truth.directoryInsights.retentionDays * 86_400_000;
  const stored = new Map<string, string>();
  for (const r of usage.values()) stored.set(r.applicationId === null ? r.userId : `${r.userId}/${r.applicationId}`, r.lastUsedAt);
  const all = compareWithTruth(await store.directory.loadDirectory(scopeId), usage, truth);
  const aged = all.filter((d) => (d.area === "portal-usage" || d.area === "sso-usage") && d.field === "(record)" && d.expected === "absent" && Date.parse(stored.get(d.id) ?? "") < cutoff);
  return { agedOut: aged.length, other: all.filter((d) => !aged.includes(d)) };
}

/** The most requests served in any 60-second window, from per-second samples. */
function peakPerMinute(samples: readonly [number, number][]): number {
  let peak = 0;
  let from = 0;
  for (let to = 0; to < samples.length; to += 1) {
    while (samples[to]![0] - samples[from]![0] > 60_000) from += 1;
    // The window starts just after sample `from - 1` (or at the start): count what was served since.
    const base = from === 0 ? 0 : samples[from - 1]![1];
    peak = Math.max(peak, samples[to]![1] - base);
  }
  return peak;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function benchReplicas(replicas: number, tenants: readonly Tenant[], options: Options, pgUrl: string): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), "jcs-bench-replicas-"));
  const secretKey = randomBytes(32).toString("base64");
  const schema = `jcs_bench_rep_${randomBytes(5).toString("hex")}`;
  const streams: StreamName[] = ["directory", "usage", ...MDM_STREAMS, ...(options.inventory ? ["inventory"] : [])];
  const env: Record<string, string> = {
    JCS_DB_DRIVER: "postgresql",
    JCS_DATABASE_URL: pgUrl,
    JCS_DB_SCHEMA: schema,
    JCS_SECRET_KEY: secretKey,
    JCS_LOG_LEVEL: "warn",
    JCS_HTTP_PORT: "0",
    JCS_HTTP_HOST: "127.0.0.1",
    JCS_RATE_LIMIT_PER_MINUTE: String(options.budget),
    JCS_STREAM_FRESHNESS_MINUTES: `usage=${options.usageMinutes}`,
    JCS_INVENTORY_ENABLED: options.inventory ? "true" : "false",
    JCS_SCHEDULER_TICK_SECONDS: "2",
    JCS_JOB_POLL_SECONDS: "1",
  };
  let store: Store | null = null;
  const running: Replica[] = [];
  try {
    // The accounts, added through the service itself (validated against each stand-in, keys encrypted).
    process.stderr.write(`${replicas} replica(s): adding ${tenants.length} accounts…\n`);
    const config = parseConfig({}, env);
    const app = await createServiceContext({ config, logger: createLogger({ level: "warn" }), schedule: false });
    await app.init();
    try {
      const accounts = app.get(AccountsService);
      for (const t of tenants) {
        await accounts.add({ name: t.name, apiKey: t.sim.credentials.apiKey, region: null, endpoints: { consoleBaseUrl: t.sim.consoleBaseUrl, insightsBaseUrl: t.sim.insightsBaseUrl } }, "bench");
      }
    } finally {
      await app.close();
    }
    store = await openStore({ driver: "postgresql", url: pgUrl, schema, secretKey });
    const accountName = new Map((await store.accounts.listAccounts()).map((a) => [a.id, a.name]));
    const scopes = await store.accounts.listScopes();
    const tenantOf = (scope: Scope): Tenant => tenants.find((t) => t.name === accountName.get(scope.accountId))!;
    const big = scopes.find((s) => tenantOf(s).big)!;
    const small = scopes.filter((s) => s.id !== big.id);
    for (const t of tenants) {
      t.sim.resetStats();
      t.served.length = 0;
    }

    process.stderr.write(`${replicas} replica(s): syncing…\n`);
    const started = Date.now();
    for (let i = 0; i < replicas; i += 1) running.push(startReplica(env, join(dir, `rss-${i}`)));
    const ages: number[] = [];
    let firstSyncMs: number | null = null;
    let bigFirstMs: number | null = null;
    let smallFirstMs: number | null = null;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = Date.now();
      for (const t of tenants) t.served.push([now - started, t.sim.stats().total]);
      const statuses = await store.runs.listStreamStatuses();
      const done = (scope: Scope): boolean => streams.every((stream) => statuses.find((s) => s.scopeId === scope.id && s.stream === stream)?.lastSuccessAt != null);
      if (bigFirstMs === null && done(big)) bigFirstMs = now - started;
      if (smallFirstMs === null && small.every(done)) smallFirstMs = now - started;
      if (bigFirstMs === null) {
        // While the big tenant's first sync runs: how old is each small tenant's usage (never synced: since the start)?
        for (const scope of small) {
          const last = statuses.find((s) => s.scopeId === scope.id && s.stream === "usage")?.lastSuccessAt ?? null;
          ages.push((now - (last?.getTime() ?? started)) / 1000);
        }
      }
      if (bigFirstMs !== null && smallFirstMs !== null) {
        firstSyncMs = now - started;
        break;
      }
      const exited = running.find((r) => r.child.exitCode !== null);
      if (exited !== undefined) throw new Error(`a replica exited (${exited.child.exitCode}): ${exited.stderr}`);
      if (now - started > options.timeoutMs) {
        process.stderr.write(`${replicas} replica(s): timed out before every scope completed a first sync\n`);
        break;
      }
      if ((now - started) % 30_000 < 1000) {
        const finished = scopes.filter(done).length;
        process.stderr.write(`  ${Math.round((now - started) / 1000)} s: ${finished}/${scopes.length} scopes done, big ${bigFirstMs === null ? "running" : "done"}\n`);
      }
    }
    for (const r of running) r.child.kill("SIGTERM");
    const codes = await Promise.all(running.map((r) => r.exit));
    if (codes.some((c) => c !== 0)) process.stderr.write(`replica exit codes: ${codes.join(", ")}\n`);

    const runs = await allRuns(store);
    let exact = 0;
    let agedOut = 0;
    const wrong: string[] = [];
    for (const scope of scopes) {
      const diffs = await differences(store, scope.id, tenantOf(scope).sim);
      agedOut += diffs.agedOut;
      if (diffs.other.length === 0) exact += 1;
      else wrong.push(`${tenantOf(scope).name}: ${diffs.other.length} differences, e.g. ${JSON.stringify(diffs.other[0])}`);
    }
    const figures = running.map((r) => processFigures(r.rssFile));
    const sorted = [...ages].sort((a, b) => a - b);
    return {
      replicas,
      firstSyncS: firstSyncMs === null ? null : firstSyncMs / 1000,
      bigFirstSyncS: bigFirstMs === null ? null : bigFirstMs / 1000,
      smallFirstSyncS: smallFirstMs === null ? null : smallFirstMs / 1000,
      usageAgeP50S: percentile(sorted, 50),
      usageAgeP95S: percentile(sorted, 95),
      usageAgeMaxS: sorted.at(-1) ?? 0,
      usageSamples: sorted.length,
      peakSmallPerMin: Math.max(...tenants.filter((t) => !t.big).map((t) => peakPerMinute(t.served))),
      peakBigPerMin: peakPerMinute(tenants.find((t) => t.big)!.served),
      requests: tenants.reduce((n, t) => n + (t.served.at(-1)?.[1] ?? 0), 0),
      runs: runs.length,
      overlaps: overlapping(runs),
      leftRunning: runs.filter((r) => r.state === "running").length,
      exact: `${exact}/${scopes.length}${agedOut === 0 ? "" : ` (+ ${agedOut} last use kept whose event passed the 90-day retention since it was read)`}${wrong.length === 0 ? "" : ` (${wrong.slice(0, 3).join("; ")})`}`,
      replicaRss: figures.map((f) => `${Math.round(f.peakRssKiB / 1024)}`).join(" / "),
      replicaCpuS: figures.reduce((n, f) => n + (f.cpuMs ?? 0), 0) / 1000,
    };
  } finally {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGKILL");
    if (store !== null) {
      // The store's schema and pg-boss's beside it (JCS_PGBOSS_SCHEMA defaults to the store's + `_pgboss`).
      await store.orm.em.getConnection().execute(`drop schema if exists "${schema}_pgboss" cascade`);
      await store.orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmtInt = (n: number): string => n.toLocaleString("en-US");
const fmtS = (s: number | null): string => (s === null ? "not reached" : `${s.toFixed(0)} s`);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const args = parse(argv[0] === "--" ? argv.slice(1) : argv, {
    tenants: { type: "string" },
    "small-users": { type: "string" },
    "big-users": { type: "string" },
    "big-devices": { type: "string" },
    replicas: { type: "string" },
    budget: { type: "string" },
    "usage-minutes": { type: "string" },
    inventory: { type: "boolean" },
    "timeout-minutes": { type: "string" },
    seed: { type: "string" },
  });
  if (args.positionals.length > 0) throw new Error(`unexpected argument(s): ${args.positionals.join(" ")}`);
  const options: Options = {
    tenants: intOption(args.str("tenants"), "--tenants") ?? 100,
    smallUsers: intOption(args.str("small-users"), "--small-users") ?? 40,
    bigUsers: intOption(args.str("big-users"), "--big-users") ?? 50_000,
    bigDevices: intOption(args.str("big-devices"), "--big-devices") ?? 1000,
    replicas: (args.str("replicas") ?? "1,2,4").split(",").map((n) => intOption(n.trim(), "--replicas") ?? 1),
    budget: intOption(args.str("budget"), "--budget") ?? 1200,
    usageMinutes: intOption(args.str("usage-minutes"), "--usage-minutes") ?? 5,
    inventory: args.bool("inventory"),
    timeoutMs: (intOption(args.str("timeout-minutes"), "--timeout-minutes") ?? 60) * 60_000,
    seed: intOption(args.str("seed"), "--seed") ?? 1,
  };
  const pgUrl = [process.env.JCS_BENCH_PG_URL, process.env.JCS_TEST_PG_URL].find((u) => u !== undefined && u !== "") ?? null;
  if (pgUrl === null) {
    process.stdout.write("Replicas benchmark skipped: it needs PostgreSQL (JCS_BENCH_PG_URL or JCS_TEST_PG_URL).\n");
    return 0;
  }
  const load = loadavg();
  process.stderr.write(`starting ${options.tenants} small stand-ins (${options.smallUsers} users) and a big one (${options.bigUsers} users, ${options.bigDevices} devices)…\n`);
  const tenants: Tenant[] = [];
  try {
    const clock = createTickingClock();
    tenants.push({
      name: "big",
      big: true,
      served: [],
      sim: await startSim({ scenario: "large", seed: options.seed, users: options.bigUsers, devices: options.bigDevices, latencyMs: LATENCY, lateEventMaxMs: 0, clock }),
    });
    for (let i = 0; i < options.tenants; i += 1) {
      tenants.push({ name: `small-${i}`, big: false, served: [], sim: await startSim({ scenario: "demo", seed: options.seed * 1000 + i + 1, users: options.smallUsers, latencyMs: LATENCY, lateEventMaxMs: 0, clock }) });
    }
    const rows: Row[] = [];
    for (const n of options.replicas) rows.push(await benchReplicas(n, tenants, options, pgUrl));

    const bigTruth = tenants[0]!.sim.truth();
    const out = process.stdout;
    out.write(
      `\nReplicas benchmark: ${options.tenants} small tenants (${options.smallUsers} users each) + one big tenant (${fmtInt(bigTruth.users.length)} users, ${fmtInt(bigTruth.devices.length)} devices, ${bigTruth.applications.length} SSO apps), each its own API key, latency ${LATENCY.min}–${LATENCY.max} ms per request; streams directory, usage, ${MDM_STREAMS.join(", ")}${options.inventory ? ", inventory" : " (inventory off)"}\n`,
    );
    out.write(`per-key budget ${options.budget} requests/minute (JCS_RATE_LIMIT_PER_MINUTE), usage freshness target ${options.usageMinutes} min, other settings at their defaults (JCS_MAX_CONCURRENT_SCOPES 4 per replica, JCS_JOB_CONCURRENCY_PER_KEY 2)\n`);
    out.write(`machine: ${cpus().length} vCPU (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; load average at start ${load.map((l) => l.toFixed(2)).join(" ")}, at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}\n\n`);
    out.write("| replicas | every scope's first sync | big tenant's | all small tenants' | small tenants' usage age while the big one syncs (p50 / p95 / max) | peak requests per key per minute (small / big; budget) | requests served | runs | overlapping runs | left running | exact vs truth | peak RSS per replica (MiB) | CPU of the replicas |\n");
    out.write("|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---|---|---:|\n");
    for (const r of rows) {
      out.write(
        `| ${r.replicas} | ${fmtS(r.firstSyncS)} | ${fmtS(r.bigFirstSyncS)} | ${fmtS(r.smallFirstSyncS)} | ${r.usageAgeP50S.toFixed(0)} s / ${r.usageAgeP95S.toFixed(0)} s / ${r.usageAgeMaxS.toFixed(0)} s (${fmtInt(r.usageSamples)} samples) | ${fmtInt(r.peakSmallPerMin)} / ${fmtInt(r.peakBigPerMin)} (≤ ${fmtInt(options.budget)}) | ${fmtInt(r.requests)} | ${fmtInt(r.runs)} | ${r.overlaps} | ${r.leftRunning} | ${r.exact} | ${r.replicaRss} | ${r.replicaCpuS.toFixed(0)} s |\n`,
      );
    }
    out.write(`\nFirst sync: every stream of the scope succeeded once. Usage age: now − the usage stream's last success (since the start before its first), each small scope, each second until the big tenant's first sync completed. Requests per key: the stand-in's served count, sampled each second.\n`);
    return rows.every((r) => r.overlaps === 0 && r.peakSmallPerMin <= options.budget && r.peakBigPerMin <= options.budget && r.firstSyncS !== null) ? 0 : 1;
  } finally {
    for (const t of tenants) await t.sim.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
