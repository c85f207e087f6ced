/**
 * Reconciliation and usage-folding throughput at the sizes the issue names: 100,000 users and
 * 1,000,000 Directory Insights events. Run with `pnpm --filter @jumpcloud-sync/domain bench`.
 *
 * Node's type stripping cannot follow the `.js`-suffixed relative imports inside `src`, so the
 * rules are loaded from the built package (the script builds first); the types come from `src`.
 */
import { cpus, loadavg, totalmem } from "node:os";
import type * as Domain from "../src/index.js";

const dist = new URL("../dist/index.js", import.meta.url).href;
const domain = (await import(dist)) as typeof Domain;
const { applyDirectoryChanges, buildUsageMatchIndex, changeCount, emptyDirectoryState, foldUsage, reconcileDirectory } = domain;

const USERS = 100_000;
const GROUPS = 500;
const APPS = 300;
const APPS_PER_USER = 3;
const EVENTS = 1_000_000;

/** A small deterministic PRNG (mulberry32): the same data on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rand = rng(42);
const pick = (n: number) => Math.floor(rand() * n);

function makeUser(i: number): Domain.DirectoryUser {
  const groupIds = [...new Set([pick(GROUPS), pick(GROUPS), pick(GROUPS)])].sort((a, b) => a - b).map((g) => `g${g}`);
  return {
    id: `u${i}`,
    username: `user.${i}`,
    email: `user.${i}@corp.example`,
    displayName: `User ${i}`,
    firstName: "User",
    lastName: String(i),
    status: i % 50 === 0 ? "suspended" : "active",
    hr: { employeeIdentifier: `E${i}`, employeeType: "full-time", department: `D${i % 40}`, jobTitle: "Engineer", company: "Corp", costCenter: null, location: "Paris", managerId: `u${i % 1000}` },
    adminRole: i % 1000 === 0 ? "Administrator" : null,
    groupIds,
    createdAt: "2024-01-01T00:00:00.000Z",
  };
}

function makeSnapshot(users: readonly Domain.DirectoryUser[]): Domain.DirectorySnapshot {
  const assignments: Domain.AppAssignment[] = [];
  for (const u of users) {
    const n = Number(u.id.slice(1));
    for (let k = 0; k < APPS_PER_USER; k += 1) {
      assignments.push({ applicationId: `a${(n * 7 + k * 31) % APPS}`, userId: u.id, direct: k === 0, groupIds: k === 0 ? [] : [u.groupIds[0] ?? "g0"] });
    }
  }
  return {
    users,
    groups: Array.from({ length: GROUPS }, (_, g) => ({ id: `g${g}`, name: `Group ${g}`, description: null })),
    applications: Array.from({ length: APPS }, (_, a) => ({
      id: `a${a}`,
      name: `app-${a}`,
      displayName: null,
      displayLabel: `App ${a}`,
      ssoUrl: `https://sso.jumpcloud.com/saml2/app-${a}`,
      ssoType: "saml",
      active: true,
    })),
    assignments,
  };
}

/** A fresh listing is made of fresh objects: deep-copy so nothing is equal by reference. */
const relist = (s: Domain.DirectorySnapshot): Domain.DirectorySnapshot => structuredClone<Domain.DirectorySnapshot>(s);

/**
 * Wall time, and the CPU time the process spent (all its threads, GC helpers included): on a shared
 * machine the CPU time is the steadier figure, the rate is computed from it.
 */
interface Timed<T> {
  readonly result: T;
  readonly ms: number;
  readonly cpuMs: number;
}
function time<T>(fn: () => T): Timed<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { result, ms, cpuMs: (c.user + c.system) / 1000 };
}

const rows: { step: string; records: string; wallMs: number; cpuMs: number; perCpuSecond: string; note: string }[] = [];
function report(step: string, records: number, unit: string, timed: Timed<unknown>, note = ""): void {
  rows.push({
    step,
    records: `${records.toLocaleString("en-US")} ${unit}`,
    wallMs: Math.round(timed.ms),
    cpuMs: Math.round(timed.cpuMs),
    perCpuSecond: `${Math.round((records / timed.cpuMs) * 1000).toLocaleString("en-US")}/s`,
    note,
  });
}

// --- reconciliation ---------------------------------------------------------------------------------
// In a function, so that the snapshots are garbage once it returns: the fold below runs in a heap
// holding the directory state only, as the usage stream does.
let assignmentCount = 0;
function reconciliation(): Domain.DirectoryState {
  const users = Array.from({ length: USERS }, (_, i) => makeUser(i));
  const snapshot = makeSnapshot(users);
  const rowsPerSnapshot = snapshot.users.length + snapshot.groups.length + snapshot.applications.length + snapshot.assignments.length;
  const now = new Date("2026-01-01T00:00:00.000Z");

  const first = time(() => reconcileDirectory(emptyDirectoryState(), snapshot, { now }));
  if (first.result.status !== "ok") throw new Error("first snapshot refused");
  report("reconcile: first full snapshot", USERS, "users", first, `${changeCount(first.result.changes).toLocaleString("en-US")} changes over ${rowsPerSnapshot.toLocaleString("en-US")} rows`);
  const applied = time(() => applyDirectoryChanges(emptyDirectoryState(), first.result.changes));
  report("apply: first full snapshot (in memory)", USERS, "users", applied);
  const state = applied.result;

  const again = relist(snapshot);
  const noop = time(() => reconcileDirectory(state, again, { now }));
  if (noop.result.status !== "ok" || changeCount(noop.result.changes) !== 0) throw new Error("no-op snapshot produced changes");
  report("reconcile: no-op snapshot", USERS, "users", noop, "0 changes");

  // 1% of users change: half are edited, a quarter leave, a quarter join.
  const changedUsers = relist(snapshot).users.slice();
  const onePercent = USERS / 100;
  for (let k = 0; k < onePercent / 2; k += 1) {
    const i = k * 200;
    const u = changedUsers[i];
    if (u !== undefined) changedUsers[i] = { ...u, status: "suspended", hr: { ...u.hr, department: "Moved" } };
  }
  const leaving = new Set(Array.from({ length: onePercent / 4 }, (_, k) => `u${k * 400 + 1}`));
  const joined = Array.from({ length: onePercent / 4 }, (_, k) => makeUser(USERS + k));
  const changedSnapshot = makeSnapshot([...changedUsers.filter((u) => !leaving.has(u.id)), ...joined]);
  const delta = time(() => reconcileDirectory(state, changedSnapshot, { now: new Date("2026-01-02T00:00:00.000Z") }));
  if (delta.result.status !== "ok") throw new Error("1% change refused");
  report("reconcile: 1% of users changed", USERS, "users", delta, `${changeCount(delta.result.changes).toLocaleString("en-US")} changes`);
  const deltaApplied = time(() => applyDirectoryChanges(state, delta.result.changes));
  report("apply: 1% of users changed (in memory)", USERS, "users", deltaApplied);
  assignmentCount = snapshot.assignments.length;
  return deltaApplied.result;
}
const directory = reconciliation();

// --- usage folding ----------------------------------------------------------------------------------
const indexed = time(() => buildUsageMatchIndex(directory));
report("build usage match index", USERS, "users", indexed);

const base = Date.parse("2026-01-01T00:00:00.000Z");
const events: Domain.InsightsEvent[] = new Array(EVENTS);
for (let e = 0; e < EVENTS; e += 1) {
  const u = pick(USERS);
  const ts = new Date(base + pick(90 * 86_400_000)).toISOString().replace("Z", `${String(pick(1_000_000)).padStart(6, "0")}Z`);
  const id = `ev${e.toString(36)}`;
  const kind = e % 10;
  if (kind < 6) {
    const byUrl = kind === 5;
    events[e] = {
      id,
      event_type: "sso_auth",
      service: "sso",
      timestamp: ts,
      sso_token_success: e % 17 !== 0,
      initiated_by: { id: `u${u}`, type: "user", username: `user.${u}` },
      application: byUrl ? { id: "", name: "", display_label: "", sso_url: `https://sso.jumpcloud.com/saml2/app-${(u * 7) % APPS}` } : { id: `a${(u * 7) % APPS}`, name: "app" },
    };
  } else if (kind < 9) {
    events[e] = { id, event_type: "user_login_attempt", service: "directory", timestamp: ts, success: e % 13 !== 0, initiated_by: { id: `u${u}`, type: "user", username: `user.${u}` } };
  } else {
    events[e] = { id, event_type: "admin_login_attempt", service: "directory", timestamp: ts, success: true, initiated_by: { id: `adm${u}`, type: "admin", email: `user.${u}@corp.example` } };
  }
}

const folded = time(() => foldUsage(new Map(), events, indexed.result));
report("fold: 1,000,000 events into empty usage", EVENTS, "events", folded, `${folded.result.changes.length.toLocaleString("en-US")} records, ${folded.result.stats.matched.toLocaleString("en-US")} matched`);
const usage = new Map(folded.result.changes.map((r) => [domain.usageKey(r), r]));
const refold = time(() => foldUsage(usage, events, indexed.result));
if (refold.result.changes.length !== 0) throw new Error("re-reading the same events changed usage");
report("fold: the same events again (overlap)", EVENTS, "events", refold, "0 changes");

// How the usage stream reads: pages of 10,000 (Directory Insights' maximum), each folded against
// the usage stored so far and written before the next page is read.
const paged = time(() => {
  const stored = new Map<string, Domain.UsageRecord>();
  let written = 0;
  for (let p = 0; p < EVENTS; p += 10_000) {
    const page = foldUsage(stored, events.slice(p, p + 10_000), indexed.result);
    for (const r of page.changes) stored.set(domain.usageKey(r), r);
    written += page.changes.length;
  }
  return { stored, written };
});
if (paged.result.stored.size !== usage.size) throw new Error("paged folding disagrees with one-shot folding");
report("fold: 1,000,000 events in 100 pages", EVENTS, "events", paged, `${paged.result.written.toLocaleString("en-US")} writes, same final state`);

const cpu = cpus();
// Other work on the machine skews the figures: the load average says how much.
const load = loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(`@jumpcloud-sync/domain benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${load}`);
console.log(
  `data: ${USERS.toLocaleString("en-US")} users, ${GROUPS} groups, ${APPS} SSO apps, ${assignmentCount.toLocaleString("en-US")} assignments; ${EVENTS.toLocaleString("en-US")} events`,
);
console.table(rows);
