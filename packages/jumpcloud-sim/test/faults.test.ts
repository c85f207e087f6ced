import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sim, startSim } from "../src/index.js";
import { get, send } from "./helpers.js";

describe("faults", () => {
  let sim: Sim;
  beforeEach(async () => {
    sim = await startSim({ scenario: "demo", seed: 4 });
  });
  afterEach(() => sim.close());

  const statuses = async (n: number, path = "/api/systemusers") => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await get(sim, path)).status);
    return out;
  };

  it("429 with Retry-After, and without it; deterministic per seed", async () => {
    sim.faults.set({ seed: 1, rate429: 0.5, retryAfterSeconds: 7 });
    const first = await statuses(40);
    expect(first.filter((s) => s === 429).length).toBeGreaterThan(8);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(8);
    sim.faults.set({ seed: 1, rate429: 0.5, retryAfterSeconds: 7 });
    expect(await statuses(40)).toEqual(first);
    let r = await get(sim, "/api/systemusers");
    while (r.status !== 429) r = await get(sim, "/api/systemusers");
    expect(r.headers.get("retry-after")).toBe("7");
    sim.faults.set({ seed: 1, rate429: 1, retryAfterSeconds: null });
    const bare = await get(sim, "/api/systemusers");
    expect(bare.status).toBe(429);
    expect(bare.headers.get("retry-after")).toBeNull();
    expect(sim.stats().served429).toBeGreaterThan(8);
    sim.faults.clear();
    expect((await get(sim, "/api/systemusers")).status).toBe(200);
  });

  it("5xx from the configured statuses; onlyRoutes confines faults", async () => {
    sim.faults.set({ seed: 2, rate5xx: 1, statuses5xx: [502, 503], onlyRoutes: ["GET /api/v2/usergroups"] });
    const s = await statuses(10, "/api/v2/usergroups");
    expect(s.every((x) => x === 502 || x === 503)).toBe(true);
    expect(new Set(s).size).toBe(2);
    expect((await get(sim, "/api/systemusers")).status).toBe(200);
    expect(sim.stats().faults["5xx"]).toBe(10);
  });

  it("dropped connections and malformed bodies", async () => {
    sim.faults.set({ seed: 3, dropConnectionRate: 1 });
    await expect(fetch(`${sim.url}/api/systemusers`, { headers: { "x-api-key": sim.credentials.apiKey } })).rejects.toThrow();
    expect(sim.stats().byRoute["GET /api/systemusers"]?.byStatus.dropped).toBe(1);
    sim.faults.set({ seed: 3, malformedBodyRate: 1 });
    const r = await get(sim, "/api/systemusers");
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text) as unknown).toThrow();
  });

  it("faulted writes change nothing", async () => {
    const before = JSON.stringify(sim.truth());
    for (const f of [{ rate429: 1 }, { rate5xx: 1 }, { malformedBodyRate: 1 }, { dropConnectionRate: 1 }]) {
      sim.faults.set({ seed: 5, ...f });
      await send(sim, "POST", "/api/systemusers", { username: "ghost.user", email: "ghost@acme-robotics.example" }).catch(() => undefined);
    }
    sim.faults.clear();
    expect(JSON.stringify(sim.truth())).toBe(before);
    expect((await send(sim, "POST", "/api/systemusers", { username: "ghost.user", email: "ghost@acme-robotics.example" })).status).toBe(200);
  });

  it("short pages mid-stream on v2 (null records): advancing skip by the limit reads every row", async () => {
    const group = sim.truth().groups.reduce((a, b) => (a.memberUserIds.length >= b.memberUserIds.length ? a : b));
    const n = group.memberUserIds.length;
    expect(n).toBeGreaterThan(12);
    sim.faults.set({ shortPageOnV2: { route: "GET /api/v2/usergroups/{group_id}/members" } });
    const path = `/api/v2/usergroups/${group.id}/members`;
    const p1 = await get<any[]>(sim, `${path}?limit=4&skip=0`);
    expect(p1.body).toHaveLength(4);
    const p2 = await get<any[]>(sim, `${path}?limit=4&skip=4`);
    expect(p2.body.length).toBeLessThan(4);
    // Null records count in the total: more slots than real members.
    const total = Number(p2.headers.get("x-total-count"));
    expect(total).toBeGreaterThan(n);
    // Advancing by the limit until skip >= total: every member exactly once, ceil(total/limit) requests.
    const seen: string[] = [];
    let requests = 0;
    for (let skip = 0; skip < total; skip += 4) {
      const page = await get<any[]>(sim, `${path}?limit=4&skip=${skip}`);
      requests++;
      seen.push(...page.body.map((e) => e.to.id as string));
    }
    expect(seen.sort()).toEqual(group.memberUserIds);
    expect(requests).toBe(Math.ceil(total / 4));
    // A client that stops on the first short page loses members.
    expect(p1.body.length + p2.body.length).toBeLessThan(n);
    expect(sim.stats().faults.shortPage).toBeGreaterThan(0);
    // Other routes are untouched.
    const groups = await get<any[]>(sim, "/api/v2/usergroups?limit=4&skip=4");
    expect(groups.body).toHaveLength(4);
  });

  it("revokes the key after N requests; revokeKey() hands out a new one", async () => {
    sim.faults.set({ revokeKeyAfterRequests: 3 });
    expect(await statuses(5)).toEqual([200, 200, 200, 401, 401]);
    sim.faults.clear();
    const fresh = sim.world.revokeKey();
    expect(sim.credentials.apiKey).toBe(fresh);
    expect((await get(sim, "/api/systemusers")).status).toBe(200);
    const old = fresh;
    sim.world.revokeKey();
    expect((await get(sim, "/api/systemusers", { key: old })).status).toBe(401);
  });

  it("latency is added per request", async () => {
    const slow = await startSim({ latencyMs: { min: 40, max: 60 } });
    try {
      const t0 = performance.now();
      await get(slow, "/api/systemusers");
      expect(performance.now() - t0).toBeGreaterThanOrEqual(38);
    } finally {
      await slow.close();
    }
  });

  it("stats count per route template and status", async () => {
    sim.resetStats();
    const u = sim.truth().users[0]!;
    await get(sim, `/api/systemusers/${u.id}`);
    await get(sim, "/api/systemusers?limit=1000");
    await get(sim, "/api/nowhere");
    const s = sim.stats();
    expect(s.total).toBe(3);
    expect(s.byRoute["GET /api/systemusers/{id}"]).toEqual({ total: 1, byStatus: { "200": 1 } });
    expect(s.byRoute["GET /api/systemusers"]).toEqual({ total: 1, byStatus: { "400": 1 } });
    expect(s.byRoute.UNMATCHED).toEqual({ total: 1, byStatus: { "404": 1 } });
  });
});

describe("latency on the stand-in's clock", () => {
  it("answers only once the clock has moved latencyMs past the request's arrival", async () => {
    const sim = await startSim({ scenario: "demo", seed: 4, latencyMs: 60_000, latencyOnClock: true });
    try {
      let answered = false;
      const pending = get(sim, "/api/systemusers").then((r) => {
        answered = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 100));
      sim.clock.advance(59_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(answered).toBe(false);
      expect(sim.stats().total).toBe(0);
      sim.clock.advance(1_000);
      expect((await pending).status).toBe(200);
      expect(sim.stats().total).toBe(1);
    } finally {
      await sim.close();
    }
  });
});
