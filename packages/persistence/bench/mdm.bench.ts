// The MDM streams through the store at scale, on SQLite and PostgreSQL: a devices snapshot
// (20,000 devices with bindings), a managed-apps snapshot (apps × statuses × links), and 500,000
// Directory Insights software events folded page by page (10,000 per page) the way the service does
// it: load only the installations the page touches, fold, write rows + cursor in one transaction.
// Then the no-op runs (the same snapshots, the same events again) must write 0 rows, and a few read
// models are timed. Events are generated page by page, never all at once: peak RSS shows what the
// fold needs.
//   pnpm --filter @jumpcloud-sync/persistence bench:mdm      (JCS_TEST_PG_URL for PostgreSQL)
//   BENCH_DEVICES=2000 BENCH_EVENTS=50000 … for a quick run
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import {
  emptyDeviceState,
  emptyManagedAppState,
  foldSoftwareEvents,
  installationKeysOfEvents,
  reconcileDevices,
  reconcileManagedApps,
  type Device,
  type DeviceBinding,
  type InsightsCursor,
  type ManagedApp,
  type ManagedAppLink,
  type ManagedAppStatus,
  type MdmReconcileResult,
  type SoftwareEvent,
  type WriteStats,
} from "@jumpcloud-sync/domain";
import { openStore, type Store, type StoreConfig } from "../src/index.js";
import { createTestDatabase, pgUrl, tempDir } from "../test/support/databases.js";

const DEVICES = Number(process.env["BENCH_DEVICES"] ?? 20_000);
const EVENTS = Number(process.env["BENCH_EVENTS"] ?? 500_000);
const MANAGED_APPS = Number(process.env["BENCH_MANAGED_APPS"] ?? 20);
const PAGE = 10_000;
const CATALOG = 2_000;
const KEY = Buffer.alloc(32, 4).toString("base64");
const START = Date.UTC(2026, 0, 1);

interface Result {
  backend: string;
  what: string;
  rows: number;
  seconds: number;
  written?: WriteStats;
}
const results: Result[] = [];
/** The process's peak RSS so far (the OS's high-water mark: SQLite's synchronous calls block any sampler). */
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
/** Live heap after a full GC (`--expose-gc`): what is retained, not what V8 has yet to collect. */
function liveHeapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}
let maxLiveHeapDuringEvents = 0;

const id = (p: string, i: number) => `${p}${String(i).padStart(6, "0")}`;

function devices(): Device[] {
  return Array.from({ length: DEVICES }, (_, i) => ({
    id: id("d", i),
    hostname: `host-${i}`,
    displayName: `Device ${i}`,
    serialNumber: `SN${i}`,
    os: i % 3 === 0 ? "Windows" : i % 3 === 1 ? "Mac OS X" : "Ubuntu",
    osFamily: i % 3 === 0 ? "windows" : i % 3 === 1 ? "darwin" : "linux",
    version: "1",
    arch: "x64",
    lastContact: new Date(START + (i % 90) * 86_400_000).toISOString(),
    active: i % 50 !== 0,
    agentVersion: "2.0.0",
    systemInsights: i % 10 === 0 ? "disabled" : "enabled",
    mdm: null,
    createdAt: null,
  }));
}

function bindings(): DeviceBinding[] {
  const out: DeviceBinding[] = [];
  for (let i = 0; i < DEVICES; i++) {
    out.push({ deviceId: id("d", i), userId: id("u", Math.floor(i / 1.2)) });
    if (i % 5 === 0) out.push({ deviceId: id("d", i), userId: id("u", (i * 7) % DEVICES) });
  }
  return out;
}

function managed(): { apps: ManagedApp[]; statuses: ManagedAppStatus[]; links: ManagedAppLink[] } {
  const apps: ManagedApp[] = Array.from({ length: MANAGED_APPS }, (_, a) => ({
    id: id("a", a),
    displayName: `App ${a}`,
    settings: [{ packageId: `pkg${a}`, packageManager: "WINGET", bundleId: null, desiredState: "Install", packageVersion: null, displayVersion: null, autoUpdate: true, location: null, scope: null, adminIntent: null, teamId: null }],
    createdAt: null,
    updatedAt: null,
  }));
  const statuses: ManagedAppStatus[] = [];
  const links: ManagedAppLink[] = [];
  // Each app targets half of the devices; 90% installed, the rest FAILED or PENDING.
  for (let a = 0; a < MANAGED_APPS; a++) {
    for (let i = a % 2; i < DEVICES; i += 2) {
      const state = i % 10 === 0 ? "FAILED" : i % 10 === 1 ? "PENDING" : "INSTALLED";
      statuses.push({ appId: id("a", a), deviceId: id("d", i), state, version: state === "INSTALLED" ? "1.0" : null, timestamp: new Date(START + a * 3_600_000).toISOString(), details: null, code: null });
      links.push({ appId: id("a", a), deviceId: id("d", i), direct: false, groupIds: [`sg${a % 4}`] });
    }
  }
  return { apps, statuses, links };
}

/** Page `p` of the deterministic event stream: oldest first over ~90 days. */
function eventPage(p: number, prefix: string): SoftwareEvent[] {
  const out: SoftwareEvent[] = [];
  for (let k = 0; k < PAGE; k++) {
    const n = p * PAGE + k;
    if (n >= EVENTS) break;
    const device = (n * 7919) % DEVICES;
    // ~10 apps per device, each touched several times over the 90 days (adds, changes, removes, re-adds).
    const app = (device * 31 + (Math.floor(n / DEVICES) % 10) * 17) % CATALOG;
    // The kind must vary per device too (n ≡ n0 mod DEVICES would give one device one kind forever).
    const r = (n + Math.floor(n / DEVICES)) % 20;
    const type = r < 16 ? "software_add" : r < 19 ? "software_change" : "software_remove";
    out.push({
      id: `${prefix}${n}`,
      event_type: type,
      service: "software",
      timestamp: new Date(START + Math.floor((n / EVENTS) * 90 * 86_400_000)).toISOString(),
      system: { id: id("d", device) },
      application: { name: `Catalog App ${app}`, version: `${1 + (n % 5)}.0`, package_manager: "winget" },
      ...(type === "software_change" ? { changes: [{ field: "version", from: "1.0", to: `${2 + (n % 5)}.0` }] } : {}),
    });
  }
  return out;
}

function ok<C>(r: MdmReconcileResult<C>): C {
  if (r.status !== "ok") throw new Error(r.reason);
  return r.changes;
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

function add(a: WriteStats, b: WriteStats): WriteStats {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted };
}

async function foldAll(store: Store, scope: string): Promise<WriteStats> {
  let written: WriteStats = { inserted: 0, updated: 0, deleted: 0 };
  const pages = Math.ceil(EVENTS / PAGE);
  for (let p = 0; p < pages; p++) {
    const page = eventPage(p, "e");
    const current = await store.mdm.loadInstallations(scope, installationKeysOfEvents(page));
    const fold = foldSoftwareEvents(current, page);
    const cursor: InsightsCursor = { readThrough: page.at(-1)?.timestamp ?? new Date(START).toISOString(), coverageSince: new Date(START).toISOString() };
    written = add(written, await store.mdm.applySoftwareEvents(scope, fold.changes, cursor));
    if (p % 10 === 9) maxLiveHeapDuringEvents = Math.max(maxLiveHeapDuringEvents, liveHeapMiB());
  }
  return written;
}

async function bench(backend: string, config: StoreConfig): Promise<void> {
  const store = await openStore(config);
  const scope = "bench:-";
  try {
    const snapshot = { devices: devices(), bindings: bindings() };
    const [d1, d1s] = await time(async () => store.mdm.applyDeviceChanges(scope, ok(reconcileDevices(emptyDeviceState(), snapshot, { now: new Date() }))));
    results.push({ backend, what: `devices snapshot, first sync (${DEVICES} devices, ${snapshot.bindings.length} bindings)`, rows: DEVICES + snapshot.bindings.length, seconds: d1s, written: d1 });
    const [d2, d2s] = await time(async () => store.mdm.applyDeviceChanges(scope, ok(reconcileDevices(await store.mdm.loadDevices(scope), snapshot, { now: new Date() }))));
    results.push({ backend, what: "devices snapshot again (load + reconcile + write)", rows: DEVICES + snapshot.bindings.length, seconds: d2s, written: d2 });

    const m = managed();
    const [m1, m1s] = await time(async () => store.mdm.applyManagedAppChanges(scope, ok(reconcileManagedApps(emptyManagedAppState(), m, { now: new Date() }))));
    const mRows = m.apps.length + m.statuses.length + m.links.length;
    results.push({ backend, what: `managed apps, first sync (${m.apps.length} apps, ${m.statuses.length} statuses, ${m.links.length} links)`, rows: mRows, seconds: m1s, written: m1 });
    const [m2, m2s] = await time(async () => store.mdm.applyManagedAppChanges(scope, ok(reconcileManagedApps(await store.mdm.loadManagedApps(scope), m, { now: new Date() }))));
    results.push({ backend, what: "managed apps again (load + reconcile + write)", rows: mRows, seconds: m2s, written: m2 });

    const rssBefore = peakRssMiB();
    const heapBefore = liveHeapMiB();
    maxLiveHeapDuringEvents = 0;
    const [e1, e1s] = await time(() => foldAll(store, scope));
    results.push({ backend, what: `${EVENTS} software events, first sync (pages of ${PAGE})`, rows: EVENTS, seconds: e1s, written: e1 });
    const [e2, e2s] = await time(() => foldAll(store, scope));
    results.push({ backend, what: `the same ${EVENTS} events re-read`, rows: EVENTS, seconds: e2s, written: e2 });
    console.log(
      `${backend}: live heap ${heapBefore} MiB before the events, at most ${maxLiveHeapDuringEvents} MiB while folding them (every 10th page, after a GC); peak RSS of the process ${rssBefore} MiB before, ${peakRssMiB()} MiB after`,
    );

    const [apps, q1] = await time(() => store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 100 }));
    results.push({ backend, what: `listInstalledApps, first page of 100 (top: ${apps.items[0]?.appKey} on ${apps.items[0]?.devices} devices)`, rows: apps.items.length, seconds: q1 });
    const [devs, q2] = await time(() => store.mdmQuery.listDevices({ scopeId: scope, osFamily: "darwin", lastContactBefore: new Date(START + 30 * 86_400_000), limit: 100 }));
    results.push({ backend, what: "listDevices darwin, stale, page of 100", rows: devs.items.length, seconds: q2 });
    const [detail, q3] = await time(() => store.mdmQuery.getDevice(scope, id("d", 2)));
    results.push({ backend, what: `getDevice (${detail?.installations.length} installed apps)`, rows: 1, seconds: q3 });
    const [mine, q4] = await time(() => store.mdmQuery.listUserInstalledApps(scope, id("u", 1), { limit: 500 }));
    results.push({ backend, what: "listUserInstalledApps, one user", rows: mine.items.length, seconds: q4 });
    const [holders, q5] = await time(() => store.mdmQuery.listAppUsers(scope, "app 1", { limit: 1000 }));
    results.push({ backend, what: "listAppUsers of a managed app, page of 1000", rows: holders.items.length, seconds: q5 });
  } finally {
    await store.close();
  }
}

const dir = tempDir("bench-mdm");
try {
  await bench("SQLite (file)", { driver: "sqlite", dbName: join(dir.path, "bench.sqlite"), secretKey: KEY });
} finally {
  dir.remove();
}
if (pgUrl() === undefined) {
  console.log("\nPostgreSQL skipped: set JCS_TEST_PG_URL (source .ci/postgres.sh && start_postgres)");
} else {
  const pg = await createTestDatabase("bench_mdm");
  try {
    await bench("PostgreSQL", { driver: "postgresql", url: pg.url, secretKey: KEY });
  } finally {
    await pg.drop();
  }
}

const cpu = cpus();
console.log(`\nmachine: ${cpu.length} × ${cpu[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(" ")}\n`);
console.log("| backend | workload | rows/s | written (ins/upd) | time |");
console.log("|---|---|---:|---:|---:|");
for (const r of results) {
  const rate = r.rows > 0 && r.seconds > 0 ? Math.round(r.rows / r.seconds).toLocaleString("en-US") : "–";
  const written = r.written === undefined ? "" : `${r.written.inserted} / ${r.written.updated}`;
  console.log(`| ${r.backend} | ${r.what} | ${rate} | ${written} | ${r.seconds.toFixed(2)} s |`);
}
