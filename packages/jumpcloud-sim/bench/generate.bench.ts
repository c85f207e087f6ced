// Generation and serving benchmark for the 50,000-user scenario.
// Run: pnpm --filter @jumpcloud-sync/jumpcloud-sim bench   (builds first; plain Node 24 type stripping)
import type * as SimModule from "../src/index.js";
import type { Sim } from "../src/index.js";

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

async function call(s: Sim, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { "x-api-key": s.credentials.apiKey };
  if (body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(s.url + path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r;
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
const [countRes, countMs] = await timed(async () => (await (await call(s, "POST", "/insights/directory/v1/events/count", { service: ["all"], start_time: start })).json()) as { count: number });
rows.push(["large: DI events visible (all services)", `${countRes.count.toLocaleString("en-US")} (count in ${ms(countMs)})`]);
const [truth, truthMs] = await timed(() => s.truth(orgId));
rows.push(["large: truth()", both(truthMs)]);
rows.push(["large: users / groups / apps", `${truth.users.length} / ${truth.groups.length} / ${truth.applications.length}`]);
rows.push(["large: portalUsage / ssoUsage rows", `${truth.portalUsage.length} / ${truth.ssoUsage.length}`]);
rows.push(["large: minimumRequests.total", String(truth.minimumRequests.total)]);

// A perfect client's full read, over HTTP, sequentially.
s.resetStats();
const [, syncMs] = await timed(async () => {
  for (let skip = 0; skip < truth.users.length; skip += 100) await (await call(s, "GET", `/api/systemusers?limit=100&skip=${skip}`)).arrayBuffer();
  for (let skip = 0; skip < truth.groups.length || skip === 0; skip += 100) await (await call(s, "GET", `/api/v2/usergroups?limit=100&skip=${skip}`)).arrayBuffer();
  for (const g of truth.groups)
    for (let skip = 0; skip < g.memberUserIds.length || skip === 0; skip += 100) await (await call(s, "GET", `/api/v2/usergroups/${g.id}/members?limit=100&skip=${skip}`)).arrayBuffer();
  for (let skip = 0; skip < truth.applications.length || skip === 0; skip += 100) await (await call(s, "GET", `/api/applications?limit=100&skip=${skip}`)).arrayBuffer();
  for (const a of truth.applications) {
    const n = a.directUserIds.length + a.groupIds.length;
    for (let skip = 0; skip < n || skip === 0; skip += 100) await (await call(s, "GET", `/api/v2/applications/${a.id}/associations?targets=user,user_group&limit=100&skip=${skip}`)).arrayBuffer();
  }
  const query = {
    service: ["directory", "sso"],
    start_time: start,
    limit: 10_000,
    search_term: { or: [{ and: [{ event_type: ["user_login_attempt", "admin_login_attempt"] }, { success: true }] }, { and: [{ event_type: "sso_auth" }, { sso_token_success: true }] }] },
  };
  let after: unknown = undefined;
  for (;;) {
    const r = await call(s, "POST", "/insights/directory/v1/events", after === undefined ? query : { ...query, search_after: after });
    await r.arrayBuffer();
    if (Number(r.headers.get("x-result-count")) < Number(r.headers.get("x-limit"))) break;
    after = JSON.parse(r.headers.get("x-search_after")!);
  }
});
const st = s.stats();
rows.push(["large: perfect full read over HTTP (requests / time, client+server in one process)", `${st.total} / ${both(syncMs)}`]);
rows.push(["large: requests == minimumRequests.total", String(st.total === truth.minimumRequests.total)]);
await s.close();

const width = Math.max(...rows.map(([k]) => k.length));
const load = (await import("node:os")).loadavg()[0]!.toFixed(1);
process.stdout.write(`jumpcloud-sim benchmark (seed ${seed}, node ${process.version}, ${new Date().toISOString()}, load average ${load})\n`);
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
