// Generation and serving benchmark for the 50,000-user scenario.
// Run: pnpm --filter @jumpcloud-sync/jumpcloud-sim bench   (builds first; plain Node 24 type stripping)
import type * as SimModule from "../src/index.js";
import type { Sim } from "../src/index.js";
import { Agent, type IncomingHttpHeaders, request } from "node:http";

// The built package (dist/) is what runs: Node's type stripping cannot follow src/'s ".js" imports.
const sim = (await import(new URL("../dist/index.js", import.meta.url).href)) as typeof SimModule;

const DAY = 86_400_000;
const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
const ms = (n: number) => `${Math.round(n)} ms`;

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
let lastCpu = 0;
/** Wall time; the process CPU time of the same span is left in `lastCpu` (the machine may be shared). */
async function timed<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const c0 = cpuMs();
  const v = await f();
  lastCpu = cpuMs() - c0;
  return [v, performance.now() - t0];
}
const both = (wall: number) => `${ms(wall)} wall, ${ms(lastCpu)} CPU`;

/** A plain node:http client: fetch's web streams would cost more CPU than the server being measured. */
function call(s: Sim, method: string, path: string, body?: unknown): Promise<{ headers: IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      s.url + path,
      { method, agent, headers: { "x-api-key": s.credentials.apiKey, ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }) } },
      (res) => {
        let bytes = 0;
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => (res.statusCode === 200 ? resolve({ headers: res.headers, bytes }) : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}
let agent = new Agent({ keepAlive: true, maxSockets: 1 });
/**
 * New sockets after a long pause outside HTTP (truth() of the large world, under load): the
 * server drops a keep-alive socket idle past its timeout, and reusing it fails with ECONNRESET.
 */
function freshSockets(): void {
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
}

/** The same, keeping the JSON body (small answers only). */
function callJson<T>(s: Sim, method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      s.url + path,
      { method, agent, headers: { "x-api-key": s.credentials.apiKey, ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as T) : reject(new Error(`${method} ${path}: ${res.statusCode}`))));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const rows: [string, string][] = [];
const seed = Number(process.env.SEED ?? 1);

const [demo, demoMs] = await timed(() => sim.startSim({ scenario: "demo", seed }));
rows.push(["demo: startSim (generate 30 users + 90 days, listen)", both(demoMs)]);
await demo.close();

globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const runs: string[] = [];
let large: Sim | null = null;
for (let i = 0; i < 2; i++) {
  const [s, t] = await timed(() => sim.startSim({ scenario: "large", seed }));
  runs.push(both(t));
  if (large !== null) await large.close();
  large = s;
}
const s = large!;
const heapAfter = process.memoryUsage().heapUsed;
rows.push(["large: startSim, run 1 (50,000 users + 90 days of events)", runs[0]!]);
rows.push(["large: startSim, run 2", runs[1]!]);
rows.push(["large: heap held by one world (approx.)", mb(heapAfter - heapBefore)]);

const orgId = s.credentials.orgs[0]!.id;
const start = new Date(s.clock.now().getTime() - 90 * DAY).toISOString();
const [counted, countMs] = await timed(() => callJson<{ count: number }>(s, "POST", "/insights/directory/v1/events/count", { service: ["all"], start_time: start }));
rows.push(["large: DI events visible (all services, software included)", `${counted.count.toLocaleString("en-US")} (/events/count over them: ${ms(countMs)})`]);
const [truth, truthMs] = await timed(() => s.truth(orgId));
rows.push(["large: truth()", both(truthMs)]);
rows.push(["large: users / groups / apps", `${truth.users.length} / ${truth.groups.length} / ${truth.applications.length}`]);
rows.push(["large: portalUsage / ssoUsage rows", `${truth.portalUsage.length} / ${truth.ssoUsage.length}`]);
rows.push(["large: minimumRequests.total", String(truth.minimumRequests.total)]);

// A perfect client's full read, over HTTP, sequentially.
freshSockets();
let diBytes = 0;
let diPhase = 0;
s.resetStats();
const [, syncMs] = await timed(async () => {
  for (let skip = 0; skip < truth.users.length; skip += 100) await call(s, "GET", `/api/systemusers?limit=100&skip=${skip}`);
  for (let skip = 0; skip < truth.groups.length || skip === 0; skip += 100) await call(s, "GET", `/api/v2/usergroups?limit=100&skip=${skip}`);
  for (const g of truth.groups)
    for (let skip = 0; skip < g.memberUserIds.length || skip === 0; skip += 100) await call(s, "GET", `/api/v2/usergroups/${g.id}/members?limit=100&skip=${skip}`);
  for (let skip = 0; skip < truth.applications.length || skip === 0; skip += 100) await call(s, "GET", `/api/applications?limit=100&skip=${skip}`);
  for (const a of truth.applications) {
    const n = a.directUserIds.length + a.groupIds.length;
    for (let skip = 0; skip < n || skip === 0; skip += 100) await call(s, "GET", `/api/v2/applications/${a.id}/associations?targets=user,user_group&limit=100&skip=${skip}`);
  }
  const query = {
    service: ["directory", "sso"],
    start_time: start,
    limit: 10_000,
    search_term: { or: [{ and: [{ event_type: ["user_login_attempt", "admin_login_attempt"] }, { success: true }] }, { and: [{ event_type: "sso_auth" }, { sso_token_success: true }] }] },
  };
  let after: unknown = undefined;
  diPhase = cpuMs();
  for (;;) {
    const r = await call(s, "POST", "/insights/directory/v1/events", after === undefined ? query : { ...query, search_after: after });
    diBytes += r.bytes;
    if (Number(r.headers["x-result-count"]) < Number(r.headers["x-limit"])) break;
    after = JSON.parse(String(r.headers["x-search_after"]));
  }
});
diPhase = cpuMs() - diPhase;
const st = s.stats();
rows.push(["large: of which the DI pages (CPU / bytes)", `${ms(diPhase)} / ${mb(diBytes)}`]);
rows.push(["large: perfect full read over HTTP (requests / time, client+server in one process)", `${st.total} / ${both(syncMs)}`]);
rows.push(["large: requests == minimumRequests.total", String(st.total === truth.minimumRequests.total)]);

// The MDM world of the same org.
const pairs = truth.devices.reduce((n, d) => n + d.userIds.length, 0);
const direct = truth.devices.reduce((n, d) => n + d.directUserIds.length, 0);
const twoPlus = truth.userSoftware.filter((u) => u.deviceIds.length >= 2).length;
rows.push(["large: devices / device-user bindings (direct) / users with 2+ devices / devices with no user", `${truth.devices.length.toLocaleString("en-US")} / ${pairs.toLocaleString("en-US")} (${direct.toLocaleString("en-US")}) / ${twoPlus} / ${truth.devices.filter((d) => d.userIds.length === 0).length}`]);
freshSockets();
// Counted over HTTP: materializing a million events here would idle the keep-alive socket past
// the server's timeout.
const byType: string[] = [];
for (const type of ["software_add", "software_change", "software_remove"]) {
  const r = await callJson<{ count: number }>(s, "POST", "/insights/directory/v1/events/count", { service: ["software"], start_time: start, search_term: { and: [{ event_type: type }] } });
  byType.push(r.count.toLocaleString("en-US"));
}
rows.push(["large: software events (add / change / remove)", `${truth.softwareCoverage.visibleEvents.toLocaleString("en-US")} (${byType.join(" / ")})`]);
const inventory = truth.devices.reduce((n, d) => n + Object.values(d.inventoryRows).reduce((a, b) => a + b, 0), 0);
rows.push(["large: System Insights rows (all six tables)", inventory.toLocaleString("en-US")]);
rows.push(["large: managed apps / statuses", `${truth.softwareApps.length} / ${truth.softwareApps.reduce((n, a) => n + a.statuses.length, 0).toLocaleString("en-US")}`]);
rows.push(["large: minimumRequests.mdm.total", String(truth.minimumRequests.mdm.total)]);
const plan = truth.minimumRequests.mdm.byRoute;
let siBytes = 0;
s.resetStats();
const [, mdmMs] = await timed(async () => {
  for (let skip = 0; skip < truth.devices.length || skip === 0; skip += 100) await call(s, "GET", `/api/systems?limit=100&skip=${skip}`);
  if (plan["GET /api/v2/systems/{system_id}/users"] !== undefined)
    for (const d of truth.devices) for (let skip = 0; skip < d.userIds.length || skip === 0; skip += 100) await call(s, "GET", `/api/v2/systems/${d.id}/users?limit=100&skip=${skip}`);
  else {
    const count = new Map(truth.userSoftware.map((u) => [u.userId, u.deviceIds.length]));
    for (const u of truth.users) for (let skip = 0; skip < (count.get(u.id) ?? 0) || skip === 0; skip += 100) await call(s, "GET", `/api/v2/users/${u.id}/systems?limit=100&skip=${skip}`);
  }
  await call(s, "GET", "/api/v2/softwareapps?limit=100");
  for (const a of truth.softwareApps) {
    for (let skip = 0; skip < a.statuses.length || skip === 0; skip += 100) await call(s, "GET", `/api/v2/softwareapps/${a.id}/statuses?limit=100&skip=${skip}`);
    for (let skip = 0; skip < a.linkedSystemIds.length || skip === 0; skip += 100) await call(s, "GET", `/api/v2/softwareapps/${a.id}/systems?limit=100&skip=${skip}`);
  }
  const query = { service: ["software"], start_time: start, limit: 10_000 };
  let after: unknown = undefined;
  for (;;) {
    const r = await call(s, "POST", "/insights/directory/v1/events", after === undefined ? query : { ...query, search_after: after });
    if (Number(r.headers["x-result-count"]) < Number(r.headers["x-limit"])) break;
    after = JSON.parse(String(r.headers["x-search_after"]));
  }
  for (const table of ["apps", "programs", "linux_packages", "chrome_extensions", "firefox_addons", "safari_extensions"]) {
    const rows = truth.devices.reduce((n, d) => n + d.inventoryRows[table as keyof (typeof d)["inventoryRows"]], 0);
    for (let skip = 0; ; skip += 10_000) {
      siBytes += (await call(s, "GET", `/api/v2/systeminsights/${table}?limit=10000&skip=${skip}`)).bytes;
      if (skip + 10_000 > rows) break;
    }
  }
});
const mdmStats = s.stats();
rows.push(["large: perfect MDM read over HTTP (requests / time / SI bytes)", `${mdmStats.total.toLocaleString("en-US")} / ${both(mdmMs)} / ${mb(siBytes)}`]);
rows.push(["large: MDM requests == minimumRequests.mdm.total", String(mdmStats.total === truth.minimumRequests.mdm.total)]);
await s.close();

const width = Math.max(...rows.map(([k]) => k.length));
const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
process.stdout.write(`jumpcloud-sim benchmark (seed ${seed}, node ${process.version}, ${new Date().toISOString()}, load average ${load})\n`);
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
