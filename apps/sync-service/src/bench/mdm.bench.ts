// MDM-sync benchmark: a full and then no-op incremental syncs of the MDM streams (devices with
// their bound users, managed apps with statuses and links, Directory Insights software events) of
// the stand-in's "large" org — 20,000 devices, ~25,000 bindings, ~500,000 software events — with
// 20–60 ms of latency per request, on SQLite and on PostgreSQL. Each sync is the real CLI
// (`sync --once --stream …`) in a child process, so its peak RSS and CPU time are its own; the
// stand-in runs here. The directory snapshot the devices stream runs after is synced first, apart.
//
//   pnpm --filter @jumpcloud-sync/sync-service bench:mdm -- [--devices 5000] [--users 10000] [--seed 1] [--backend sqlite|postgresql|both]
//
// PostgreSQL: JCS_BENCH_PG_URL, else JCS_TEST_PG_URL (a schema of its own, dropped afterwards).
// The sync processes start with the service's Node flags (src/node-flags.ts); JCS_BENCH_NODE_FLAGS
// replaces them ("" for none).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import type { SyncCounters, SyncRun } from "@jumpcloud-sync/domain";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { openStore, type Store, type StoreConfig } from "@jumpcloud-sync/persistence";
import { intOption, parse } from "../cli/args.js";
import { agedOutKept, compareMdmWithTruth } from "../demo/mdm-truth-check.js";
import type { DevicesCursor } from "../mdm/devices.job.js";
import { DEVICES_STREAM, MANAGED_APPS_STREAM, SOFTWARE_EVENTS_STREAM } from "../mdm/mdm-streams.js";
import { processFigures, runCli } from "./bench-cli.js";

type Backend = "sqlite" | "postgresql";
type RunKind = "full" | "no-op incremental" | "no-op, full re-traversal (cadence)";
const MDM_STREAMS = [DEVICES_STREAM, MANAGED_APPS_STREAM, SOFTWARE_EVENTS_STREAM];

interface Row {
  backend: Backend;
  run: RunKind;
  wallMs: number;
  cpuMs: number | null;
  requests: number;
  served: number;
  minimum: number;
  byStream: string;
  rowsWritten: number;
  peakRssKiB: number;
  correct: string;
  overMinimum: string[];
}

const fmtInt = (n: number): string => n.toLocaleString("en-US");
const fmtMiB = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
const sum = (runs: readonly SyncRun[], pick: (c: SyncCounters) => number): number => runs.reduce((n, r) => n + pick(r.counters), 0);

/**
 * The synced MDM picture against the truth now. The stand-in's clock follows wall time: software
 * events older than the retention drop out of its truth while the sync keeps what it read (an
 * installation proven once stays until a remove says otherwise); the comparison leaves such rows
 * out (agedOutKept) and they are counted apart.
 */
async function checkTruth(store: Store, scopeId: string, sim: Sim): Promise<string> {
  const truth = sim.truth();
  const eventRows = await store.mdm.listInstallations(scopeId, "events");
  const diffs = compareMdmWithTruth(
    { devices: await store.mdm.loadDevices(scopeId), managed: await store.mdm.loadManagedApps(scopeId), eventRows, coverage: await store.mdm.getSoftwareEventsCoverage(scopeId) },
    truth,
  );
  const aged = agedOutKept(eventRows, truth).length;
  const installed = eventRows.filter((r) => r.removedAt === null).length;
  const note = aged === 0 ? "" : ` + ${aged} kept whose event has since passed the retention`;
  if (diffs.length === 0) return `exact (${fmtInt(truth.devices.length)} devices, ${fmtInt(truth.devices.reduce((n, d) => n + d.userIds.length, 0))} bindings, ${truth.softwareApps.length} managed apps, ${fmtInt(installed)} event installations${note})`;
  return `WRONG: ${diffs.length} differences, e.g. ${JSON.stringify(diffs.slice(0, 2))}`;
}

async function benchBackend(backend: Backend, sim: Sim, pgUrl: string | null): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "jcs-bench-mdm-"));
  const secretKey = randomBytes(32).toString("base64");
  const schema = `jcs_bench_${randomBytes(6).toString("hex")}`;
  const storeConfig: StoreConfig = backend === "sqlite" ? { driver: "sqlite", dbName: join(dir, "bench.sqlite"), secretKey } : { driver: "postgresql", url: pgUrl ?? "", schema, secretKey };
  const env: Record<string, string> = {
    ...(backend === "sqlite" ? { JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: join(dir, "bench.sqlite") } : { JCS_DB_DRIVER: "postgresql", JCS_DATABASE_URL: pgUrl ?? "", JCS_DB_SCHEMA: schema }),
    JCS_SECRET_KEY: secretKey,
    JCS_LOG_LEVEL: "warn",
    // The stand-in has no rate limit; the client's own (JumpCloud's ~200/min budget) would make wall time a measure of it.
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
    process.stderr.write(`${backend}: directory snapshot first (the devices stream runs after it; not measured)…\n`);
    const setup = await runCli(["sync", "--once", "--stream", "directory"], env);
    if (setup.code !== 0) throw new Error(`directory sync failed (${setup.code}): ${setup.stderr}${setup.stdout}`);

    const runs: RunKind[] = ["full", "no-op incremental", "no-op, full re-traversal (cadence)"];
    for (const run of runs) {
      if (run === "no-op, full re-traversal (cadence)") {
        // As when JCS_MDM_FULL_TRAVERSAL_HOURS has passed: the devices stream traverses every device again.
        const cursor = await store.cursors.getCursor<DevicesCursor>(scope.id, DEVICES_STREAM);
        if (cursor !== null) await store.cursors.saveCursor(scope.id, DEVICES_STREAM, { ...cursor, lastFullTraversalAt: "2000-01-01T00:00:00.000Z" } satisfies DevicesCursor);
      }
      const before = new Set((await store.runs.listRuns({ scopeId: scope.id, limit: 200 })).items.map((r) => r.id));
      const rssFile = join(dir, `rss-${run.replace(/\W+/gu, "-")}`);
      sim.resetStats();
      process.stderr.write(`${backend}: ${run} MDM sync…\n`);
      const started = performance.now();
      const exit = await runCli(["sync", "--once", ...MDM_STREAMS.flatMap((s) => ["--stream", s])], env, rssFile);
      const wallMs = performance.now() - started;
      if (exit.code !== 0) throw new Error(`${backend} ${run}: sync --once exited ${exit.code}: ${exit.stderr}${exit.stdout}`);
      const stats = sim.stats();
      const minimum = sim.truth().minimumRequests.mdm;
      if (minimum === undefined) throw new Error("the stand-in publishes no MDM request plan");
      const done = (await store.runs.listRuns({ scopeId: scope.id, limit: 200 })).items.filter((r) => !before.has(r.id));
      const written = (c: SyncCounters): number => c.created + c.updated + c.removed;
      const { peakRssKiB, cpuMs } = processFigures(rssFile);
      rows.push({
        backend,
        run,
        wallMs,
        cpuMs,
        requests: sum(done, (c) => c.requests),
        served: stats.total,
        minimum: minimum.total,
        byStream: MDM_STREAMS.map((s) => `${s} ${fmtInt(sum(done.filter((r) => r.stream === s), (c) => c.requests))}`).join(", "),
        rowsWritten: sum(done, written),
        peakRssKiB,
        correct: await checkTruth(store, scope.id, sim),
        overMinimum:
          run === "full"
            ? Object.entries(stats.byRoute)
                .map(([route, r]) => [route, r.total, minimum.byRoute[route] ?? 0] as const)
                .filter(([, got, want]) => got > want)
                .map(([route, got, want]) => `${route}: ${got} vs ${want}`)
            : [],
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

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const args = parse(argv[0] === "--" ? argv.slice(1) : argv, { devices: { type: "string" }, users: { type: "string" }, seed: { type: "string" }, backend: { type: "string" } });
  if (args.positionals.length > 0) throw new Error(`unexpected argument(s): ${args.positionals.join(" ")} (options: --devices <n> --users <n> --seed <n> --backend sqlite|postgresql|both)`);
  const devices = intOption(args.str("devices"), "--devices");
  const users = intOption(args.str("users"), "--users");
  const seed = intOption(args.str("seed"), "--seed") ?? 1;
  const which = args.str("backend") ?? "both";
  if (!["sqlite", "postgresql", "both"].includes(which)) throw new Error("--backend is sqlite, postgresql or both");
  const pgUrl = [process.env.JCS_BENCH_PG_URL, process.env.JCS_TEST_PG_URL].find((u) => u !== undefined && u !== "") ?? null;
  const latencyMs = { min: 20, max: 60 };
  const load = loadavg();
  process.stderr.write(`starting the stand-in (scenario large${devices === undefined ? "" : `, ${devices} devices`}${users === undefined ? "" : `, ${users} users`}, seed ${seed})…\n`);
  const sim = await startSim({ scenario: "large", seed, latencyMs, lateEventMaxMs: 0, clock: createTickingClock(), ...(devices === undefined ? {} : { devices }), ...(users === undefined ? {} : { users }) });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const truth = sim.truth();
    const backends: Backend[] = which === "both" ? ["sqlite", "postgresql"] : [which as Backend];
    for (const backend of backends) {
      if (backend === "postgresql" && pgUrl === null) {
        notes.push("PostgreSQL skipped: set JCS_BENCH_PG_URL or JCS_TEST_PG_URL.");
        continue;
      }
      rows.push(...(await benchBackend(backend, sim, pgUrl)));
    }
    const out = process.stdout;
    const bindings = truth.devices.reduce((n, d) => n + d.userIds.length, 0);
    out.write(
      `\nMDM sync benchmark: stand-in "large", ${fmtInt(truth.devices.length)} devices, ${fmtInt(bindings)} bindings, ${fmtInt(truth.users.length)} users, ${truth.softwareApps.length} managed apps, ${fmtInt(truth.softwareCoverage.visibleEvents)} software events over ${truth.softwareCoverage.retentionDays} days, latency ${latencyMs.min}–${latencyMs.max} ms per request\n`,
    );
    out.write(`machine: ${cpus().length} vCPU (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; load average at start ${load.map((l) => l.toFixed(2)).join(" ")}, at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}\n\n`);
    out.write("| backend | run | wall time | CPU time | requests (sync / served / minimum of a full sync) | rows written | peak RSS (sync process) | result vs truth |\n");
    out.write("|---|---|---:|---:|---|---:|---:|---|\n");
    for (const r of rows) {
      out.write(
        `| ${r.backend === "sqlite" ? "SQLite" : "PostgreSQL"} | ${r.run} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.cpuMs === null ? "–" : `${(r.cpuMs / 1000).toFixed(1)} s`} | ${fmtInt(r.requests)} / ${fmtInt(r.served)} / ${fmtInt(r.minimum)} (${r.byStream}) | ${fmtInt(r.rowsWritten)} | ${fmtMiB(r.peakRssKiB)} | ${r.correct} |\n`,
      );
    }
    out.write(`\nwall time: the \`sync --once --stream devices --stream managed-apps --stream software-events\` process from spawn to exit. Minimum: truth().minimumRequests.mdm.total.\n`);
    out.write(`The stand-in ran in the benchmark's own process (peak RSS ${fmtMiB(process.resourceUsage().maxRSS)}).\n`);
    for (const r of rows.filter((x) => x.overMinimum.length > 0)) out.write(`${r.backend} ${r.run}, routes above the minimum: ${r.overMinimum.join("; ")}\n`);
    for (const n of notes) out.write(`${n}\n`);
  } finally {
    await sim.close();
  }
  return rows.every((r) => r.correct.startsWith("exact")) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
