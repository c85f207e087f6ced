import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sim, startSim } from "../src/index.js";
import { allEvents, allV1, events } from "./helpers.js";

const DAY = 86_400_000;
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3,9}Z$/;

describe("Directory Insights", () => {
  let sim: Sim;
  let orgId: string;
  let start: string;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 5 });
    orgId = sim.credentials.orgs[0]!.id;
    start = new Date(sim.clock.now().getTime() - 90 * DAY).toISOString();
  });
  afterAll(() => sim.close());

  it("serves events with the fields API-NOTES §9 lists, per event type", async () => {
    const { rows } = await allEvents(sim, { service: ["all"], start_time: start, limit: 10_000 });
    expect(rows.length).toBeGreaterThan(1000);
    const byType = new Map<string, any[]>();
    for (const e of rows) {
      expect(typeof e.id).toBe("string");
      expect(e.timestamp).toMatch(TS);
      expect(e.organization).toBe(orgId);
      expect(typeof e.service).toBe("string");
      byType.set(e.event_type, [...(byType.get(e.event_type) ?? []), e]);
    }
    for (const t of ["user_login_attempt", "admin_login_attempt", "sso_auth", "user_create", "user_update", "user_suspended", "login_attempt"]) expect(byType.has(t), t).toBe(true);

    for (const e of byType.get("user_login_attempt")!) {
      expect(e.service).toBe("directory");
      expect(e.initiated_by).toEqual({ type: "user", id: expect.any(String), username: expect.any(String) });
      expect(e.resource).toMatchObject({ type: "user", id: e.initiated_by.id });
      expect(typeof e.success).toBe("boolean");
      expect(typeof e.mfa).toBe("boolean");
      expect(e.client_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(e.geoip).toMatchObject({ country_code: expect.any(String), timezone: expect.any(String) });
      expect(e.useragent).toMatchObject({ name: expect.any(String), os: expect.any(String) });
    }
    for (const e of byType.get("admin_login_attempt")!) {
      expect(e.service).toBe("directory");
      // Real samples carry the admin in initiated_by, not resource.
      expect(e.initiated_by).toEqual({ id: expect.any(String), type: "admin", email: expect.stringContaining("@") });
      expect(e.resource).toBeUndefined();
      expect(typeof e.success).toBe("boolean");
    }
    const sso = byType.get("sso_auth")!;
    for (const e of sso) {
      expect(e.service).toBe("sso");
      expect(e.initiated_by).toEqual({ type: "user", id: expect.any(String), username: expect.any(String) });
      expect(e.application).toEqual({ id: expect.any(String), name: expect.any(String), display_label: expect.any(String), sso_url: expect.stringMatching(/^https:\/\//), sso_type: "saml" });
      expect(typeof e.sso_token_success).toBe("boolean");
      expect(e.success).toBeUndefined();
    }
    expect(sso.some((e) => e.sso_token_success === false && e.application.id !== "")).toBe(true);
    // The failure shape whose application is blank except for sso_url.
    const blank = sso.filter((e) => e.application.id === "");
    expect(blank.length).toBeGreaterThan(0);
    for (const e of blank) {
      expect(e.sso_token_success).toBe(false);
      expect(e.application.name).toBe("");
      expect(e.application.display_label).toBe("");
      expect(e.application.sso_url).not.toBe("");
    }
    expect(sso.some((e) => /\.\d{9}Z$/.test(e.timestamp))).toBe(true);
    for (const e of byType.get("user_update")!) {
      expect(e.resource).toMatchObject({ type: "user", id: expect.any(String), username: expect.any(String) });
      expect(e.changes).toEqual(expect.arrayContaining([{ field: expect.any(String), from: expect.anything(), to: expect.anything() }]));
    }
    expect(byType.get("login_attempt")!.every((e) => e.service === "systems")).toBe(true);
  });

  it("pages with search_after in (timestamp, id) order, headers on every page, ASC and DESC", async () => {
    const q = { service: ["directory", "sso"], start_time: start, limit: 250 };
    const asc = await allEvents(sim, q);
    const all = (await allEvents(sim, { ...q, limit: 10_000 })).rows;
    expect(asc.requests).toBeGreaterThan(5);
    expect(asc.rows.map((e) => e.id)).toEqual(all.map((e) => e.id));
    expect(new Set(asc.rows.map((e) => e.id)).size).toBe(asc.rows.length);
    for (let i = 1; i < asc.rows.length; i++) expect(Date.parse(asc.rows[i].timestamp)).toBeGreaterThanOrEqual(Date.parse(asc.rows[i - 1].timestamp));
    const desc = await allEvents(sim, { ...q, sort: "DESC" });
    expect(desc.rows.map((e) => e.id)).toEqual([...all].reverse().map((e) => e.id));
    const count = await events(sim, q, {}, "/events/count");
    expect(count.body.count).toBe(all.length);
    // The last page still carries every header, X-Search_after included.
    const last = JSON.parse((await events(sim, { ...q, limit: 10_000 })).headers.get("x-search_after")!);
    const tail = await events(sim, { ...q, search_after: last });
    expect(tail.status).toBe(200);
    expect(tail.body).toEqual([]);
    for (const h of ["x-result-count", "x-limit", "x-sort", "x-search_after", "x-request-id"]) expect(tail.headers.get(h), h).not.toBeNull();
    expect(tail.headers.get("x-result-count")).toBe("0");
    expect(JSON.parse(tail.headers.get("x-search_after")!)).toEqual(last);
  });

  it("filters with search_term (map form, list form, operator form, nesting) and projects fields", async () => {
    const base = { service: ["all"], start_time: start, limit: 10_000 };
    const all = (await events(sim, base)).body as any[];
    const types = await events(sim, { ...base, search_term: { and: [{ event_type: ["user_login_attempt", "admin_login_attempt"] }] } });
    expect(types.body.length).toBe(all.filter((e) => e.event_type === "user_login_attempt" || e.event_type === "admin_login_attempt").length);
    const failed = await events(sim, { ...base, search_term: { and: [{ event_type: "user_login_attempt" }, { success: "false" }] } });
    expect(failed.body.length).toBe(all.filter((e) => e.event_type === "user_login_attempt" && e.success === false).length);
    expect(failed.body.length).toBeGreaterThan(0);
    const someone = all.find((e) => e.event_type === "sso_auth")!.initiated_by.username as string;
    const nested = await events(sim, {
      ...base,
      search_term: { and: [{ "initiated_by.username": someone.toUpperCase() }, { or: [{ event_type: "sso_auth" }, { event_type: "user_login_attempt" }] }] },
    });
    expect(nested.body.length).toBe(all.filter((e) => e.initiated_by?.username === someone && (e.event_type === "sso_auth" || e.event_type === "user_login_attempt")).length);
    const op = await events(sim, { ...base, search_term: { and: [{ field: "event_type", operator: "contains", value: "login" }] } });
    expect(op.body.length).toBe(all.filter((e) => e.event_type.includes("login")).length);
    const not = await events(sim, { ...base, search_term: { not: [{ service: "sso" }] } });
    expect(not.body.length).toBe(all.filter((e) => e.service !== "sso").length);
    const proj = await events(sim, { ...base, limit: 3, fields: ["timestamp", "initiated_by.id"] });
    for (const e of proj.body) expect(Object.keys(e).sort()).toEqual(["initiated_by", "timestamp"].filter((k) => k in e).sort());
  });

  it("honours start_time/end_time (both inclusive) and the services asked for", async () => {
    const all = (await events(sim, { service: ["all"], start_time: start, limit: 10_000 })).body as any[];
    const mid = all[Math.floor(all.length / 2)];
    const end = mid.timestamp.slice(0, 23) + "Z";
    const win = await events(sim, { service: ["all"], start_time: start, end_time: end, limit: 10_000 });
    expect(win.body.length).toBe(all.filter((e) => Date.parse(e.timestamp) <= Date.parse(end)).length);
    const sso = await events(sim, { service: ["sso"], start_time: start, limit: 10_000 });
    expect(sso.body.every((e: any) => e.service === "sso")).toBe(true);
    expect(sso.body.length).toBe(all.filter((e) => e.service === "sso").length);
  });

  it("truth's usage equals what a client folds from the visible events", async () => {
    const t = sim.truth();
    const { rows } = await allEvents(sim, { service: ["directory", "sso"], start_time: start, limit: 10_000 });
    const users = (await allV1(sim, "/api/systemusers")).rows;
    const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u.id]));
    const ids = new Set(users.map((u) => u.id));
    const appByUrl = new Map(t.applications.map((a) => [a.ssoUrl, a.id]));
    const portal = new Map<string, { at: string; source: string }>();
    const sso = new Map<string, string>();
    for (const e of rows) {
      const at = new Date(e.timestamp).toISOString();
      if (e.event_type === "user_login_attempt" && e.success === true && ids.has(e.initiated_by.id)) portal.set(e.initiated_by.id, { at, source: "user_portal" });
      if (e.event_type === "admin_login_attempt" && e.success === true) {
        const uid = byEmail.get(e.initiated_by.email.toLowerCase());
        if (uid !== undefined) portal.set(uid, { at, source: "admin_portal" });
      }
      if (e.event_type === "sso_auth" && e.sso_token_success === true && ids.has(e.initiated_by.id)) {
        const app = e.application.id || appByUrl.get(e.application.sso_url);
        sso.set(`${e.initiated_by.id}|${app}`, at);
      }
    }
    expect(t.portalUsage.map((p) => [p.userId, p.lastLoginAt, p.source])).toEqual(
      [...portal.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, v]) => [id, v.at, v.source]),
    );
    expect(t.ssoUsage.map((s) => [`${s.userId}|${s.applicationId}`, s.lastLoginAt])).toEqual([...sso.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    expect(t.portalUsage.some((p) => p.source === "admin_portal")).toBe(true);
    // Someone active never logged in, and some assigned users never used their app.
    expect(t.users.some((u) => u.status === "active" && !portal.has(u.id))).toBe(true);
  });

  it("late events: visible only after their delay; a cursor at the last timestamp misses them", async () => {
    const now = sim.clock.now().getTime();
    const user = sim.truth().users.find((u) => u.status === "active")!;
    const [late] = sim.world.appendEvents(orgId, [
      {
        event_type: "user_login_attempt",
        timestamp: new Date(now - 90_000).toISOString(),
        visibleAt: new Date(now + 60_000),
        initiated_by: { type: "user", id: user.id, username: user.username },
        resource: { type: "user", id: user.id, username: user.username },
        success: true,
      },
    ]);
    const q = { service: ["directory"], start_time: new Date(now - 120_000).toISOString(), limit: 10_000 };
    const before = await events(sim, q);
    expect(before.body.map((e: any) => e.id)).not.toContain(late!.id);
    expect(sim.truth().portalUsage.find((p) => p.userId === user.id)?.eventId).not.toBe(late!.id);
    sim.clock.advance(60_000);
    const after = await events(sim, q);
    expect(after.body.map((e: any) => e.id)).toContain(late!.id);
    const usage = sim.truth().portalUsage.find((p) => p.userId === user.id)!;
    expect(usage.eventId === late!.id || Date.parse(usage.lastLoginAt) > now - 90_000).toBe(true);
  });

  it("simulated activity becomes visible within lateEventMaxMs and moves truth", async () => {
    const now = sim.clock.now().getTime();
    sim.clock.advance(3 * 3_600_000);
    const made = sim.world.simulateActivity(orgId, { minutes: 180 });
    expect(made.length).toBeGreaterThan(0);
    for (const e of made) expect(Date.parse(e.timestamp)).toBeGreaterThanOrEqual(now);
    sim.clock.advance(120_000);
    const q = { service: ["directory", "sso"], start_time: new Date(now).toISOString(), limit: 10_000 };
    const seen = new Set((await events(sim, q)).body.map((e: any) => e.id));
    for (const e of made.filter((x) => x.service !== "systems")) expect(seen.has(e.id)).toBe(true);
    const t = sim.truth();
    const newest = made.filter((e) => e.event_type === "sso_auth" && e.sso_token_success === true);
    for (const e of newest) {
      const u = t.ssoUsage.find((s) => s.userId === (e.initiated_by as any).id && s.applicationId === (e.application as any).id)!;
      expect(Date.parse(u.lastLoginAt)).toBeGreaterThanOrEqual(Date.parse(e.timestamp) - 1);
    }
  });
});

describe("Directory Insights retention", () => {
  it("serves only the retention window; older events are gone as the clock moves", async () => {
    const sim = await startSim({ scenario: "demo", seed: 9, diRetentionDays: 7 });
    try {
      const now = sim.clock.now().getTime();
      const q = { service: ["all"], start_time: new Date(now - 60 * DAY).toISOString(), limit: 10_000 };
      const r = await allEvents(sim, q);
      expect(r.rows.length).toBeGreaterThan(0);
      expect(r.rows.every((e) => Date.parse(e.timestamp) >= now - 7 * DAY)).toBe(true);
      const t = sim.truth();
      expect(t.directoryInsights.retentionDays).toBe(7);
      expect(Date.parse(t.directoryInsights.earliestVisibleEventAt!)).toBeGreaterThanOrEqual(now - 7 * DAY);
      sim.clock.advance(3 * DAY);
      const later = await allEvents(sim, q);
      expect(later.rows.every((e) => Date.parse(e.timestamp) >= now - 4 * DAY)).toBe(true);
      expect(later.rows.length).toBeLessThan(r.rows.length);
      // All generated history is older than the window a day of waiting leaves... truth follows.
      for (const p of sim.truth().portalUsage) expect(Date.parse(p.lastLoginAt)).toBeGreaterThanOrEqual(now - 4 * DAY);
    } finally {
      await sim.close();
    }
  });
});
