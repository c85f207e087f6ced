// Pages every list family the sim serves against @jumpcloud-sync/jumpcloud-sim (a strict stand-in
// over real HTTP) and compares with its ground truth. System Insights is not served by the sim;
// its paging is covered in pagination.test.ts.
import { startSim } from "@jumpcloud-sync/jumpcloud-sim";
import { describe, expect, it } from "vitest";
import { type ClientEvent, type EventQuery } from "../src/index.js";
import { assertMatchesTruth, clientFor, collect } from "./sim-helpers.js";

describe("against the JumpCloud stand-in", () => {
  it("demo: every list family matches the ground truth, with exactly the minimum requests", async () => {
    // 20 days of history (~5k events) keeps the DI paging quick while still crossing ~20 cursors.
    const sim = await startSim({ scenario: "demo", seed: 7, users: 230, days: 20 });
    try {
      const events: ClientEvent[] = [];
      const jc = clientFor(sim, { onEvent: (e) => events.push(e) });
      const truth = sim.truth();

      sim.resetStats();
      await collect(jc.listUsers());
      await collect(jc.listUserGroups());
      for (const g of truth.groups) await collect(jc.listUserGroupMembers(g.id));
      await collect(jc.listApplications());
      for (const a of truth.applications) await collect(jc.listApplicationAssociations(a.id, ["user", "user_group"]));
      const stats = sim.stats();
      for (const [routeKey, min] of Object.entries(truth.minimumRequests.byRoute)) {
        if (routeKey.startsWith("POST /insights")) continue;
        expect(stats.byRoute[routeKey]?.total, routeKey).toBe(min);
      }
      expect(events.filter((e) => e.type === "page" && e.operation === "listUsers").length).toBe(3);

      await assertMatchesTruth(jc, sim);

      const orgs = await collect(jc.listOrganizations());
      expect(orgs.map((o) => o.id)).toEqual(sim.credentials.orgs.map((o) => o.id));
      expect((await jc.getOrganization(orgs[0]!.id)).id).toBe(orgs[0]!.id);
      expect((await jc.getUser(truth.users[0]!.id)).username).toBe(truth.users[0]!.username);

      // Directory Insights: the whole window, small pages to cross many search_after boundaries.
      const start = new Date(Date.parse(truth.asOf) - 90 * 86_400_000).toISOString();
      const query: EventQuery = { service: ["all"], start_time: start, end_time: truth.asOf };
      const count = await jc.countEvents(query);
      expect(count).toBeGreaterThan(500);
      const pages = await collect(jc.events({ ...query, limit: 250 }));
      const ids = pages.flatMap((p) => p.events.map((e) => e.id));
      expect(ids).toHaveLength(count);
      expect(new Set(ids).size).toBe(count);
      expect(pages.length).toBe(Math.floor(count / 250) + 1);
      // ASC by time (search_after is in epoch ms; timestamps may carry nanoseconds, so compare as ms).
      const stamps = pages.flatMap((p) => p.events.map((e) => Date.parse(e.timestamp!)));
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    } finally {
      await sim.close();
    }
  });

  it("demo under faults (429 without Retry-After, 502/503/504, dropped connections): still exact", async () => {
    const sim = await startSim({
      scenario: "demo",
      seed: 11,
      users: 250,
      // shortPageOnV2: null records mid-collection make v2 pages short; advancing skip by the limit
      // must still read every row.
      faults: { seed: 3, rate429: 0.08, retryAfterSeconds: null, rate5xx: 0.08, statuses5xx: [502, 503, 504], dropConnectionRate: 0.05, shortPageOnV2: true },
    });
    try {
      const events: ClientEvent[] = [];
      const jc = clientFor(sim, { onEvent: (e) => events.push(e) });
      await assertMatchesTruth(jc, sim);
      const f = sim.stats().faults;
      expect(f["429"]).toBeGreaterThan(0);
      expect(f["5xx"]).toBeGreaterThan(0);
      expect(f.drop).toBeGreaterThan(0);
      expect(f.shortPage).toBeGreaterThan(0);
      expect(events.some((e) => e.type === "retry")).toBe(true);
      expect(events.some((e) => e.type === "rate-limited" && e.retryAfterMs === null)).toBe(true);

      // A 200 whose JSON is cut short is an invalid-response, never a crash or a silent stop.
      sim.faults.set({ malformedBodyRate: 1 });
      await expect(collect(jc.listUsers())).rejects.toMatchObject({ kind: "invalid-response", operation: "listUsers" });
      await expect(collect(jc.events({ service: ["all"], start_time: "2026-05-01T00:00:00Z" }))).rejects.toMatchObject({ kind: "invalid-response" });
    } finally {
      await sim.close();
    }
  });

  it("no-di: events answer insights-not-enabled; a revoked key answers unauthorized", async () => {
    const sim = await startSim({ scenario: "no-di", seed: 2 });
    try {
      const jc = clientFor(sim);
      const err = await collect(jc.events({ service: ["all"], start_time: "2026-05-01T00:00:00Z" })).catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "insights-not-enabled", status: 402 });
      const oldKey = sim.credentials.apiKey;
      sim.world.revokeKey();
      const revoked = await jc.getUser(sim.truth().users[0]!.id).catch((e: unknown) => e);
      expect(revoked).toMatchObject({ kind: "unauthorized" });
      expect(JSON.stringify(revoked) + String((revoked as Error).stack)).not.toContain(oldKey);
    } finally {
      await sim.close();
    }
  });
});
