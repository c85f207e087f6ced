// Inventory benchmark: a full and then a no-op inventory sync (System Insights `apps`, `programs`,
// `linux_packages` and the browser extensions, read across all devices in pages of 10,000) of the
// stand-in's "large" org — 20,000 devices, topped up through the world controls to 1,000,000
// System Insights rows — with 20–60 ms of latency per request, on SQLite and on PostgreSQL. Each
// sync is the real CLI (`sync --once --stream inventory`) in a child process, so its peak RSS and
// CPU time are its own; the stand-in runs here. The directory snapshot and the devices stream the
// inventory runs after are synced first, apart (not measured).
//
//   pnpm --filter @jumpcloud-sync/sync-service bench:inventory -- [--devices 5000] [--rows 1000000] [--users 10000] [--seed 1] [--backend sqlite|postgresql|both]
//
// PostgreSQL: JCS_BENCH_PG_URL, else JCS_TEST_PG_URL (a schema of its own, dropped afterwards).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { appKeyOf, INVENTORY_STREAM, INVENTORY_TABLES, type InventoryTable, type SyncCounters, type SyncRun } from "@jumpcloud-sync/domain";
import { createTickingClock, startSim, type GroundTruth, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { openStore, type Store, type StoreConfig } from "@jumpcloud-sync/persistence";
import { intOption, parse } from "../cli/args.js";
import { DEVICES_STREAM } from "../mdm/mdm-streams.js";
import { processFigures, runCli } from "./bench-cli.js";

type Backend = "sqlite" | "postgresql";
type RunKind = "full" | "no-op";
/** The issue's size: 1,000,000 System Insights rows over 20,000 devices. */
const DEFAULT_ROWS = 1_000_000;
const PAGE = 10_000;
/** Names of the top-up apps (one per OS), installed through the world controls until the tables hold the asked rows. */
const TOP_UP_NAMES = 1_000;

interface Row {
  backend: Backend;
  run: RunKind;
  wallMs: number;
  cpuMs: number | null;
  /** Requests of the inventory stream's run (its counters), what the stand-in served meanwhile, and the bound. */
  requests: number;
  /** Of `requests`, the retries (a timed-out or failed attempt sent again). */
  retries: number;
  served: number;
  bySystemInsights: number;
  bound: number;
  minimum: number;
  installationRowsWritten: number;
  statusRowsNote: string;
  peakRssKiB: number;
  correct: string;
}

const fmtInt = (n: number): string => n.toLocaleString("en-US");
const fmtMiB = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;
const sum = (runs: readonly SyncRun[], pick: (c: SyncCounters) => number): number => runs.reduce((n, r) => n + pick(r.counters), 0);
const SI_ROUTE = (t: InventoryTable): string => `GET /api/v2/systeminsights/${t}`;

/** Rows each table serves, from the stand-in's truth. */
function tableRows(truth: GroundTruth): Record<InventoryTable, number> {
  const out = Object.fromEntries(INVENTORY_TABLES.map((t) => [t, 0])) as Record<InventoryTable, number>;
  for (const d of truth.devices) for (const t of INVENTORY_TABLES) out[t] += d.inventoryRows[t];
  return out;
}

/**
 * The issue's bound: ⌈rows / 10,000⌉ requests per table, one for an empty table; the run may make
 * at most 1.05 × that.
 */
function requestBound(rows: Record<InventoryTable, number>): number {
  return INVENTORY_TABLES.reduce((n, t) => n + Math.max(1, Math.ceil(rows[t] / PAGE)), 0);
}

/**
 * Tops the stand-in's System Insights tables up to `target` rows through the world controls: apps
 * named `Bench Tool <n>` installed (`software_add`, as JumpCloud would log) on devices whose System
 * Insights reports, round-robin. Returns the rows added.
 */
function topUp(sim: Sim, truth: GroundTruth, target: number): number {
  const rows = tableRows(truth);
  const missing = target - INVENTORY_TABLES.reduce((n, t) => n + rows[t], 0);
  if (missing <= 0) return 0;
  const reporting = truth.devices.filter((d) => d.systemInsights === "enabled");
  if (reporting.length === 0) throw new Error("no device reports System Insights");
  let added = 0;
  for (let round = 0; added < missing; round++) {
    if (round >= TOP_UP_NAMES) throw new Error(`cannot top up to ${target} rows with ${TOP_UP_NAMES} names`);
    for (const d of reporting) {
      if (added >= missing) break;
      const name = d.osFamily === "darwin" ? `Bench Tool ${round}.app` : d.osFamily === "windows" ? `Bench Tool ${round}` : `bench-tool-${round}`;
      sim.world.installSoftware(d.id, { name, version: `1.${round}.0`, publisher: "Bench Co" });
      added++;
      if (added % 5000 === 0) process.stderr.write(`topped up ${added} of ${missing} rows…\n`);
    }
  }
  return added;
}

/**
 * The stored inventory against the truth now: each device's availability as its System Insights
 * state says, its distinct (table, app) rows as the stand-in serves them, and the live
 * installation rows per table.
 */
async function checkTruth(store: Store, scopeId: string, sim: Sim, table: string): Promise<string> {
  const truth = sim.truth();
  const statuses = await store.inventory.loadInventoryStatuses(scopeId);
  let wrong = 0;
  const examples: string[] = [];
  const expected = Object.fromEntries(INVENTORY_TABLES.map((t) => [t, 0])) as Record<InventoryTable, number>;
  for (const d of truth.devices) {
    const s = statuses.get(d.id);
    let distinct = 0;
    if (d.systemInsights === "enabled") {
      for (const t of INVENTORY_TABLES) {
        const keys = new Set(sim.world.inventoryRows(d.id, t).map((r) => appKeyOf(typeof r["name"] === "string" ? r["name"] : null)));
        keys.delete(null);
        expected[t] += keys.size;
        distinct += keys.size;
      }
    }
    const ok = s !== undefined && s.removedAt === null && s.availability === (d.systemInsights === "enabled" ? "available" : "unavailable") && s.rows === distinct;
    if (!ok) {
      wrong++;
      if (examples.length < 2) examples.push(`${d.id}: ${JSON.stringify(s)} vs ${d.systemInsights}/${distinct}`);
    }
  }
  const counted = (await store.orm.em
    .getConnection()
    .execute(`select source_ref, count(*) as n from ${table} where scope_id = ? and source = 'inventory' and removed_at is null group by source_ref`, [scopeId])) as { source_ref: string; n: number | string }[];
  const live = Object.fromEntries(counted.map((r) => [r.source_ref, Number(r.n)]));
  // Rows of devices without System Insights are kept as last known (unavailable, never "nothing installed"): none here.
  const tablesOff = INVENTORY_TABLES.filter((t) => (live[t] ?? 0) !== expected[t]).map((t) => `${t} ${fmtInt(live[t] ?? 0)}/${fmtInt(expected[t])}`);
  const total = INVENTORY_TABLES.reduce((n, t) => n + expected[t], 0);
  if (wrong === 0 && tablesOff.length === 0) return `exact (${fmtInt(truth.devices.length)} device statuses, ${fmtInt(total)} live installation rows)`;
  return `WRONG: ${wrong} device statuses${examples.length > 0 ? ` (e.g. ${examples.join("; ")})` : ""}${tablesOff.length > 0 ? `; live rows ${tablesOff.join(", ")}` : ""}`;
}

async function benchBackend(backend: Backend, sim: Sim, pgUrl: string | null, bound: number, minimum: number): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "jcs-bench-inventory-"));
  const secretKey = randomBytes(32).toString("base64");
  const schema = `jcs_bench_${randomBytes(6).toString("hex")}`;
  const storeConfig: StoreConfig = backend === "sqlite" ? { driver: "sqlite", dbName: join(dir, "bench.sqlite"), secretKey } : { driver: "postgresql", url: pgUrl ?? "", schema, secretKey };
  const env: Record<string, string> = {
    ...(backend === "sqlite" ? { JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: join(dir, "bench.sqlite") } : { JCS_DB_DRIVER: "postgresql", JCS_DATABASE_URL: pgUrl ?? "", JCS_DB_SCHEMA: schema }),
    JCS_SECRET_KEY: secretKey,
    JCS_LOG_LEVEL: "warn",
    JCS_INVENTORY_ENABLED: "true",
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
    process.stderr.write(`${backend}: directory snapshot and devices first (the inventory runs after the devices stream; not measured)…\n`);
    const setup = await runCli(["sync", "--once", "--stream", "directory", "--stream", DEVICES_STREAM], env);
    if (setup.code !== 0) throw new Error(`setup sync failed (${setup.code}): ${setup.stderr}${setup.stdout}`);

    for (const run of ["full", "no-op"] as const) {
      const before = new Set((await store.runs.listRuns({ scopeId: scope.id, limit: 200 })).items.map((r) => r.id));
      const rssFile = join(dir, `rss-${run}`);
      sim.resetStats();
      process.stderr.write(`${backend}: ${run} inventory sync…\n`);
      const started = performance.now();
      const exit = await runCli(["sync", "--once", "--stream", INVENTORY_STREAM], env, rssFile);
      const wallMs = performance.now() - started;
      if (exit.code !== 0) throw new Error(`${backend} ${run}: sync --once exited ${exit.code}: ${exit.stderr}${exit.stdout}`);
      const stats = sim.stats();
      const done = (await store.runs.listRuns({ scopeId: scope.id, limit: 200 })).items.filter((r) => !before.has(r.id));
      const inventory = done.filter((r) => r.stream === INVENTORY_STREAM);
      if (inventory.length !== 1 || inventory[0]?.state !== "succeeded") throw new Error(`${backend} ${run}: expected one succeeded inventory run, got ${JSON.stringify(done.map((r) => [r.stream, r.state, r.error]))}`);
      const { peakRssKiB, cpuMs } = processFigures(rssFile);
      rows.push({
        backend,
        run,
        wallMs,
        cpuMs,
        requests: sum(inventory, (c) => c.requests),
        retries: sum(inventory, (c) => c.retries),
        served: stats.total,
        bySystemInsights: INVENTORY_TABLES.reduce((n, t) => n + (stats.byRoute[SI_ROUTE(t)]?.total ?? 0), 0),
        bound,
        minimum,
        installationRowsWritten: sum(inventory, (c) => c.created + c.updated + c.removed),
        statusRowsNote: `${fmtInt(sum(inventory, (c) => c.created))} created, ${fmtInt(sum(inventory, (c) => c.updated))} updated, ${fmtInt(sum(inventory, (c) => c.removed))} removed`,
        peakRssKiB,
        correct: await checkTruth(store, scope.id, sim, backend === "postgresql" ? `"${schema}".installation` : "installation"),
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
  const args = parse(argv[0] === "--" ? argv.slice(1) : argv, { devices: { type: "string" }, rows: { type: "string" }, users: { type: "string" }, seed: { type: "string" }, backend: { type: "string" } });
  if (args.positionals.length > 0) throw new Error(`unexpected argument(s): ${args.positionals.join(" ")} (options: --devices <n> --rows <n> --users <n> --seed <n> --backend sqlite|postgresql|both)`);
  const devices = intOption(args.str("devices"), "--devices");
  const users = intOption(args.str("users"), "--users");
  const target = intOption(args.str("rows"), "--rows") ?? (devices === undefined ? DEFAULT_ROWS : 0);
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
    const initial = sim.truth();
    const generated = Object.values(tableRows(initial)).reduce((a, b) => a + b, 0);
    const added = topUp(sim, initial, target);
    const truth = added === 0 ? initial : sim.truth();
    const perTable = tableRows(truth);
    const total = INVENTORY_TABLES.reduce((n, t) => n + perTable[t], 0);
    const bound = requestBound(perTable);
    const minimum = INVENTORY_TABLES.reduce((n, t) => n + (truth.minimumRequests.mdm.byRoute[SI_ROUTE(t)] ?? 0), 0);
    const backends: Backend[] = which === "both" ? ["sqlite", "postgresql"] : [which as Backend];
    for (const backend of backends) {
      if (backend === "postgresql" && pgUrl === null) {
        notes.push("PostgreSQL skipped: set JCS_BENCH_PG_URL or JCS_TEST_PG_URL.");
        continue;
      }
      rows.push(...(await benchBackend(backend, sim, pgUrl, bound, minimum)));
    }
    const out = process.stdout;
    const reporting = truth.devices.filter((d) => d.systemInsights === "enabled").length;
    out.write(
      `\nInventory sync benchmark: stand-in "large", ${fmtInt(truth.devices.length)} devices (${fmtInt(reporting)} with System Insights enabled), ${fmtInt(total)} System Insights rows (${fmtInt(generated)} generated + ${fmtInt(added)} topped up through world.installSoftware): ${INVENTORY_TABLES.map((t) => `${t} ${fmtInt(perTable[t])}`).join(", ")}; latency ${latencyMs.min}–${latencyMs.max} ms per request\n`,
    );
    out.write(`machine: ${cpus().length} vCPU (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}; load average at start ${load.map((l) => l.toFixed(2)).join(" ")}, at end ${loadavg().map((l) => l.toFixed(2)).join(" ")}\n\n`);
    out.write("| backend | run | wall time | CPU time | inventory requests (run, of them retries / served, of them System Insights) | bound: Σ⌈rows/10,000⌉ (×1.05) | installation rows written | peak RSS (sync process) | result vs truth |\n");
    out.write("|---|---|---:|---:|---|---|---:|---:|---|\n");
    for (const r of rows) {
      out.write(
        `| ${r.backend === "sqlite" ? "SQLite" : "PostgreSQL"} | ${r.run} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.cpuMs === null ? "–" : `${(r.cpuMs / 1000).toFixed(1)} s`} | ${fmtInt(r.requests)}${r.retries > 0 ? ` (${fmtInt(r.retries)} retries)` : ""} / ${fmtInt(r.served)} (${fmtInt(r.bySystemInsights)}) | ${fmtInt(r.bound)} (≤ ${fmtInt(Math.floor(r.bound * 1.05))}) ${r.requests <= r.bound * 1.05 ? "met" : r.requests - r.retries <= r.bound * 1.05 ? "met without the retries, MISSED with them" : "MISSED"} | ${fmtInt(r.installationRowsWritten)}${r.run === "no-op" ? (r.installationRowsWritten === 0 ? " (must be 0: met)" : " (must be 0: MISSED)") : ""} | ${fmtMiB(r.peakRssKiB)}${r.peakRssKiB <= 512 * 1024 ? "" : " (> 512 MiB)"} | ${r.correct} |\n`,
      );
    }
    out.write(`\nwall time: the \`sync --once --stream inventory\` process from spawn to exit (boot, the stream, shutdown); CPU: its user + system seconds. Retries: attempts sent again after a timeout (30 s) or a failure — on a loaded machine the stand-in, in this process, can take that long to build a 10,000-row page. The stand-in's minimum for the six tables (floor(rows/10,000) + 1 each): ${fmtInt(minimum)}.\n`);
    for (const r of rows) out.write(`${r.backend} ${r.run}: installation rows ${r.statusRowsNote}\n`);
    out.write(`The stand-in ran in the benchmark's own process (peak RSS ${fmtMiB(process.resourceUsage().maxRSS)}).\n`);
    for (const n of notes) out.write(`${n}\n`);
  } finally {
    await sim.close();
  }
  return rows.every((r) => r.correct.startsWith("exact") && r.requests <= r.bound * 1.05 && (r.run !== "no-op" || r.installationRowsWritten === 0)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
