// Write throughput of the store against a plain multi-row INSERT of the same rows into the same
// table of the same database (same batch size, same executor, one transaction), on SQLite and
// PostgreSQL; plus the rows written by a no-op sync and by a 1 % change.
//   pnpm --filter @jumpcloud-sync/persistence bench            (JCS_TEST_PG_URL for PostgreSQL)
//   BENCH_USERS=10000 BENCH_USAGE=100000 … for a quick run
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { DirectoryUser, UsageRecord, WriteStats } from "@jumpcloud-sync/domain";
import { Db, chunks, valuesList, type Param } from "../src/db.js";
import { openStore, type Store, type StoreConfig } from "../src/index.js";
import { createTestDatabase, pgUrl, tempDir } from "../test/support/databases.js";
import { changes, user } from "../test/support/fixtures.js";

const USERS = Number(process.env["BENCH_USERS"] ?? 100_000);
const USAGE = Number(process.env["BENCH_USAGE"] ?? 1_000_000);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const APPS_PER_USER = 9;
const KEY = Buffer.alloc(32, 3).toString("base64");

interface Row {
  backend: string;
  what: string;
  rows: number;
  seconds: number;
  baselineSeconds?: number;
  written?: WriteStats;
}
const results: Row[] = [];

function makeUsage(n: number, day: number, eventPrefix: string): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let i = 0; out.length < n; i++) {
    const userId = `u${String(i).padStart(6, "0")}`;
    for (let a = 0; a <= APPS_PER_USER && out.length < n; a++) {
      out.push({
        userId,
        applicationId: a === 0 ? null : `a${a}`,
        lastUsedAt: new Date(Date.UTC(2026, 0, day, 0, 0, (i * 7 + a) % 86_400)).toISOString(),
        source: a === 0 ? "user_portal" : "sso",
        eventId: `${eventPrefix}${i}-${a}`,
      });
    }
  }
  return out;
}

/** Best (shortest) of ROUNDS alternating runs of the baseline and the store. */
async function rounds<T>(plain: (r: number) => Promise<[unknown, number]>, store: (r: number) => Promise<[T, number]>): Promise<[T, number, number]> {
  let best: [T, number] | undefined;
  let bestPlain = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [plain, store] : [store, plain];
    for (const run of order) {
      const [value, seconds] = await run(r);
      if (run === plain) bestPlain = Math.min(bestPlain, seconds);
      else if (best === undefined || seconds < best[1]) best = [value as T, seconds];
    }
  }
  if (best === undefined) throw new Error("BENCH_ROUNDS must be at least 1");
  return [best[0], best[1], bestPlain];
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

/** The baseline: the same rows, plain multi-row INSERT (no conflict handling), same batches. */
async function plainInsert(db: Db, table: string, columns: readonly string[], rows: readonly Param[][]): Promise<number> {
  return db.tx(async (s) => {
    let n = 0;
    for (const batch of chunks(rows, db.batchSize(columns.length))) {
      n += await s.run(`insert into ${table} (${columns.join(", ")}) values ${valuesList(batch.length, columns.length)}`, batch.flat());
    }
    return n;
  });
}

const USER_COLUMNS = [
  "scope_id", "id", "username", "email", "display_name", "first_name", "last_name", "status", "employee_identifier", "employee_type", "department",
  "job_title", "company", "cost_center", "location", "manager_id", "admin_role", "group_ids", "upstream_created_at", "updated_at",
];
function userRow(scopeId: string, u: DirectoryUser, now: Date): Param[] {
  const h = u.hr;
  return [scopeId, u.id, u.username, u.email, u.displayName, u.firstName, u.lastName, u.status, h.employeeIdentifier, h.employeeType, h.department,
    h.jobTitle, h.company, h.costCenter, h.location, h.managerId, u.adminRole, JSON.stringify(u.groupIds), u.createdAt, now];
}
const USAGE_COLUMNS = ["scope_id", "user_id", "application_id", "last_used_at", "source", "event_id"];
function usageRow(scopeId: string, r: UsageRecord): Param[] {
  return [scopeId, r.userId, r.applicationId ?? "", new Date(r.lastUsedAt), r.source, r.eventId];
}

async function bench(backend: string, config: StoreConfig): Promise<void> {
  const store: Store = await openStore(config);
  try {
    const db = new Db(store.orm, config.driver);
    const version = await db.session((s) => s.get(config.driver === "sqlite" ? "select sqlite_version() as v" : "select version() as v"));
    console.log(`\n## ${backend}: ${String(version?.["v"]).split(" on ")[0]}`);
    const users = Array.from({ length: USERS }, (_, i) => user(i, { groupIds: [`g${i % 50}`, `g${(i * 7) % 50}`].sort() }));
    const now = new Date();

    // Users: baseline into scopes "plain-r", the store into "store-r"; alternating which goes first,
    // best of the rounds (a shared 2-core machine is noisy).
    const [created, storeUsers, plainUsers] = await rounds(
      (r) => time(() => plainInsert(db, "directory_user", USER_COLUMNS, users.map((u) => userRow(`plain-${r}`, u, now)))),
      (r) => time(() => store.directory.applyDirectoryChanges(`store-${r}`, changes({ users: { created: users } }))),
    );
    results.push({ backend, what: `${USERS} users, first sync`, rows: USERS, seconds: storeUsers, baselineSeconds: plainUsers, written: created });

    const [noop, noopSeconds] = await time(() => store.directory.applyDirectoryChanges("store-0", changes()));
    results.push({ backend, what: "directory no-op (empty change set)", rows: 0, seconds: noopSeconds, written: noop });
    const [careless, carelessSeconds] = await time(() => store.directory.applyDirectoryChanges("store-0", changes({ users: { updated: users } })));
    results.push({ backend, what: `all ${USERS} users passed again, unchanged`, rows: USERS, seconds: carelessSeconds, written: careless });
    const onePercent = users.filter((_, i) => i % 100 === 0).map((u) => ({ ...u, email: `changed.${u.email}` }));
    const [changed, changedSeconds] = await time(() => store.directory.applyDirectoryChanges("store-0", changes({ users: { updated: onePercent } })));
    results.push({ backend, what: `1% of users changed (${onePercent.length})`, rows: onePercent.length, seconds: changedSeconds, written: changed });

    // Usage.
    const usage = makeUsage(USAGE, 10, "e");
    const cursor = { readThrough: "2026-01-11T00:00:00.000Z", coverageSince: "2025-10-01T00:00:00.000Z" };
    const [usageWritten, storeUsage, plainUsage] = await rounds(
      (r) => time(() => plainInsert(db, "usage_record", USAGE_COLUMNS, usage.map((u) => usageRow(`plain-${r}`, u)))),
      (r) => time(() => store.directory.applyUsageChanges(`store-${r}`, usage, cursor)),
    );
    results.push({ backend, what: `${USAGE} usage rows, first sync`, rows: USAGE, seconds: storeUsage, baselineSeconds: plainUsage, written: usageWritten });
    const [replay, replaySeconds] = await time(() => store.directory.applyUsageChanges("store-0", usage, cursor));
    results.push({ backend, what: `the same ${USAGE} usage rows replayed`, rows: USAGE, seconds: replaySeconds, written: replay });
    const [usageNoop, usageNoopSeconds] = await time(() => store.directory.applyUsageChanges("store-0", [], cursor));
    results.push({ backend, what: "usage no-op (no changes)", rows: 0, seconds: usageNoopSeconds, written: usageNoop });
    const moved = makeUsage(USAGE, 11, "f").filter((_, i) => i % 100 === 0);
    const [movedWritten, movedSeconds] = await time(() => store.directory.applyUsageChanges("store-0", moved, cursor));
    results.push({ backend, what: `1% of usage rows moved forward (${moved.length})`, rows: moved.length, seconds: movedSeconds, written: movedWritten });
  } finally {
    await store.close();
  }
}

const dir = tempDir("bench");
try {
  await bench("SQLite (file)", { driver: "sqlite", dbName: join(dir.path, "bench.sqlite"), secretKey: KEY });
} finally {
  dir.remove();
}
if (pgUrl() === undefined) {
  console.log("\nPostgreSQL skipped: set JCS_TEST_PG_URL (source .ci/postgres.sh && start_postgres)");
} else {
  const pg = await createTestDatabase("bench");
  try {
    await bench("PostgreSQL", { driver: "postgresql", url: pg.url, secretKey: KEY });
  } finally {
    await pg.drop();
  }
}

const cpu = cpus();
console.log(`\nmachine: ${cpu.length} × ${cpu[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; best of ${ROUNDS} alternating rounds; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
console.log("| backend | workload | rows/s (store) | rows/s (plain INSERT) | ratio | written (ins/upd) | time |");
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const r of results) {
  const rate = r.rows > 0 ? Math.round(r.rows / r.seconds).toLocaleString("en-US") : "–";
  const base = r.baselineSeconds === undefined ? "" : Math.round(r.rows / r.baselineSeconds).toLocaleString("en-US");
  const ratio = r.baselineSeconds === undefined ? "" : `${(r.seconds / r.baselineSeconds).toFixed(2)}×`;
  const written = r.written === undefined ? "" : `${r.written.inserted} / ${r.written.updated}`;
  console.log(`| ${r.backend} | ${r.what} | ${rate} | ${base} | ${ratio} | ${written} | ${r.seconds.toFixed(2)} s |`);
}
