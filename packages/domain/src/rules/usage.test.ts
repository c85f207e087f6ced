import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DirectoryUser, SsoApplication, Tracked } from "../model/directory.js";
import { usageKey, type InsightsEvent, type UsageKey, type UsageRecord } from "../model/usage.js";
import { buildUsageMatchIndex, foldUsage, isLater, lastUsedOf, normalizeTimestamp, type UsageMatchIndex } from "./usage.js";

function user(id: string, username: string, email: string, removedAt: string | null = null): Tracked<DirectoryUser> {
  return {
    id,
    username,
    email,
    displayName: null,
    firstName: null,
    lastName: null,
    status: "active",
    hr: { employeeIdentifier: null, employeeType: null, department: null, jobTitle: null, company: null, costCenter: null, location: null, managerId: null },
    adminRole: null,
    groupIds: [],
    createdAt: null,
    removedAt,
  };
}
function app(id: string, ssoUrl: string | null, removedAt: string | null = null): Tracked<SsoApplication> {
  return { id, name: `app-${id}`, displayName: null, displayLabel: null, ssoUrl, ssoType: "saml", active: true, removedAt };
}

const index = buildUsageMatchIndex({
  users: new Map([
    ["u1", user("u1", "Jane.Doe", "Jane.Doe@Corp.example")],
    ["u2", user("u2", "bob", "bob@corp.example")],
    // A deleted user whose username was reused by u3: the live one wins name lookups.
    ["u0", user("u0", "alex", "alex.old@corp.example", "2025-01-01T00:00:00.000Z")],
    ["u3", user("u3", "alex", "alex@corp.example")],
  ]),
  applications: new Map([
    ["a1", app("a1", "https://sso.jumpcloud.com/saml2/slack/")],
    ["a2", app("a2", null)],
    ["a9", app("a9", "https://sso.jumpcloud.com/saml2/old", "2025-01-01T00:00:00.000Z")],
  ]),
});

const portal = (id: string, timestamp: string, who: InsightsEvent["initiated_by"], success = true): InsightsEvent => ({
  id,
  event_type: "user_login_attempt",
  service: "directory",
  timestamp,
  success,
  initiated_by: who,
});
const sso = (id: string, timestamp: string, who: InsightsEvent["initiated_by"], application: InsightsEvent["application"], ok = true): InsightsEvent => ({
  id,
  event_type: "sso_auth",
  service: "sso",
  timestamp,
  sso_token_success: ok,
  initiated_by: who,
  application,
});
const fold = (events: InsightsEvent[], current: ReadonlyMap<UsageKey, UsageRecord> = new Map(), idx: UsageMatchIndex = index) => foldUsage(current, events, idx);

describe("normalizeTimestamp", () => {
  it("keeps milliseconds in UTC, truncating finer precision", () => {
    expect(normalizeTimestamp("2023-06-15T13:45:59.812449824Z")).toBe("2023-06-15T13:45:59.812Z");
    expect(normalizeTimestamp("2023-06-15T13:45:59.999999999Z")).toBe("2023-06-15T13:45:59.999Z");
    expect(normalizeTimestamp("2023-06-15T13:45:59Z")).toBe("2023-06-15T13:45:59.000Z");
    expect(normalizeTimestamp("2023-06-15T13:45:59.8Z")).toBe("2023-06-15T13:45:59.800Z");
  });
  it("converts offsets to UTC, across a day boundary", () => {
    expect(normalizeTimestamp("2023-06-15T01:30:00.000+02:00")).toBe("2023-06-14T23:30:00.000Z");
    expect(normalizeTimestamp("2023-12-31T22:00:00-05:30")).toBe("2024-01-01T03:30:00.000Z");
    expect(normalizeTimestamp("2023-06-15t13:45:59z")).toBe("2023-06-15T13:45:59.000Z");
  });
  it("rejects what is not an RFC 3339 instant, and impossible dates", () => {
    for (const bad of ["", "yesterday", "2023-06-15", "2023-06-15T13:45:59", "1686836759812", "2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z", "2023-06-15T24:00:00Z", "2023-06-15T13:45:59+25:00"]) {
      expect(normalizeTimestamp(bad), bad).toBeNull();
    }
    expect(normalizeTimestamp("2024-02-29T00:00:00Z")).toBe("2024-02-29T00:00:00.000Z");
    expect(normalizeTimestamp("2100-02-29T00:00:00Z")).toBeNull();
  });

  it("agrees with Date on any instant, precision and offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse("1970-01-01T00:00:00Z"), max: Date.parse("2199-12-31T23:59:59Z") }),
        fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 0, maxLength: 9 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, digits, offsetMin) => {
          const utc = new Date(Math.floor(ms / 1000) * 1000);
          const expected = new Date(utc.getTime() + Number(digits.padEnd(3, "0").slice(0, 3))).toISOString();
          const frac = digits === "" ? "" : `.${digits}`;
          expect(normalizeTimestamp(`${utc.toISOString().slice(0, 19)}${frac}Z`)).toBe(expected);
          const local = new Date(utc.getTime() + offsetMin * 60_000).toISOString().slice(0, 19);
          const sign = offsetMin < 0 ? "-" : "+";
          const abs = Math.abs(offsetMin);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
          expect(normalizeTimestamp(`${local}${frac}${zone}`)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
  it("rejects malformed fractions", () => {
    expect(normalizeTimestamp("2023-06-15T13:45:59.Z")).toBeNull();
    expect(normalizeTimestamp("2023-06-15T13:45:59.12aZ")).toBeNull();
    expect(normalizeTimestamp("2023-06-15T13:45:5aZ")).toBeNull();
  });
});

describe("isLater", () => {
  it("orders by instant, then event id", () => {
    expect(isLater({ lastUsedAt: "2026-01-01T00:00:01.000Z", eventId: "a" }, { lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "z" })).toBe(true);
    expect(isLater({ lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "b" }, { lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "a" })).toBe(true);
    expect(isLater({ lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "a" }, { lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "a" })).toBe(false);
  });
  it("compares non-canonical stored values as instants, not as text", () => {
    // As text, "…00Z" > "…00.500Z"; as instants it is earlier.
    expect(isLater({ lastUsedAt: "2026-01-01T00:00:00.500Z", eventId: "a" }, { lastUsedAt: "2026-01-01T00:00:00Z", eventId: "b" })).toBe(true);
    expect(isLater({ lastUsedAt: "2026-01-01T02:00:00+02:00", eventId: "b" }, { lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "a" })).toBe(true);
    expect(isLater({ lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "a" }, { lastUsedAt: "garbage", eventId: "z" })).toBe(true);
    expect(isLater({ lastUsedAt: "garbage", eventId: "z" }, { lastUsedAt: "2026-01-01T00:00:00.000Z", eventId: "a" })).toBe(false);
  });
});

describe("foldUsage: use without an assignment", () => {
  it("keeps a successful SSO login of a user not assigned to the app (assignments play no part in matching)", () => {
    // u2 is assigned nothing; u1's assignment to a1 was removed: both logins are last use all the same.
    const withAssignments = buildUsageMatchIndex({
      users: new Map([["u1", user("u1", "jane", "jane@corp.example")], ["u2", user("u2", "bob", "bob@corp.example")]]),
      applications: new Map([["a1", app("a1", "https://sso.jumpcloud.com/saml2/salesforce")]]),
      groups: new Map(),
      assignments: new Map([["a1/u1", { applicationId: "a1", userId: "u1", direct: true, groupIds: [], removedAt: "2026-01-02T00:00:00.000Z" }]]),
    } as Parameters<typeof buildUsageMatchIndex>[0]);
    const result = fold(
      [sso("e1", "2026-01-01T10:00:00Z", { id: "u1", type: "user" }, { id: "a1", name: "salesforce" }), sso("e2", "2026-01-03T10:00:00Z", { id: "u2", type: "user" }, { id: "a1", name: "salesforce" })],
      new Map(),
      withAssignments,
    );
    expect(result.changes.map((r) => [r.userId, r.applicationId, r.eventId])).toEqual([["u1", "a1", "e1"], ["u2", "a1", "e2"]]);
    expect(result.stats).toMatchObject({ matched: 2, unmatched: 0 });
  });
});

describe("foldUsage: user portal", () => {
  it("records a successful login by id, username or email (any case)", () => {
    const r = fold([
      portal("e1", "2026-01-01T10:00:00Z", { id: "u1", type: "user", username: "jane.doe" }),
      portal("e2", "2026-01-01T11:00:00Z", { type: "user", username: "BOB" }),
      portal("e3", "2026-01-01T12:00:00Z", { type: "user", email: "jane.doe@corp.example" }),
    ]);
    expect(r.changes).toEqual([
      { userId: "u1", applicationId: null, lastUsedAt: "2026-01-01T12:00:00.000Z", source: "user_portal", eventId: "e3" },
      { userId: "u2", applicationId: null, lastUsedAt: "2026-01-01T11:00:00.000Z", source: "user_portal", eventId: "e2" },
    ]);
    expect(r.stats).toEqual({ events: 3, matched: 3, ignored: 0, unmatched: 0 });
  });

  it("never counts a failure, however late", () => {
    const r = fold([portal("e1", "2026-01-01T10:00:00Z", { id: "u1", type: "user" }), portal("e2", "2026-01-02T10:00:00Z", { id: "u1", type: "user" }, false), { ...portal("e3", "2026-01-03T10:00:00Z", { id: "u1" }), success: undefined }]);
    expect(r.changes.map((c) => c.eventId)).toEqual(["e1"]);
    expect(r.stats).toMatchObject({ matched: 1, ignored: 2 });
  });

  it("keeps the use of an unknown user id under that id (a user created since the snapshot), never under whoever has the same username", () => {
    const r = fold([portal("e1", "2026-01-01T10:00:00Z", { id: "u-new", type: "user", username: "bob" })]);
    expect(r.changes.map((c) => c.userId)).toEqual(["u-new"]);
    expect(r.stats.unmatched).toBe(0);
  });

  it("matches a reused username to the live user, and a tombstone by its id", () => {
    const r = fold([portal("e1", "2026-01-01T10:00:00Z", { type: "user", username: "alex" }), portal("e2", "2026-01-01T10:00:00Z", { id: "u0", type: "user" })]);
    expect(r.changes.map((c) => c.userId).sort()).toEqual(["u0", "u3"]);
  });

  it("falls back to resource, and ignores events with no id or no valid timestamp", () => {
    const r = fold([
      { id: "e1", event_type: "user_login_attempt", timestamp: "2026-01-01T10:00:00Z", success: true, resource: { id: "u2", type: "user" } },
      portal("", "2026-01-01T10:00:00Z", { id: "u1", type: "user" }),
      portal("e3", "not a time", { id: "u1", type: "user" }),
      portal("e4", "2026-01-01T10:00:00Z", { id: "u1", type: "admin" }),
    ]);
    expect(r.changes.map((c) => c.userId)).toEqual(["u2"]);
    expect(r.stats).toEqual({ events: 4, matched: 1, ignored: 2, unmatched: 1 });
  });
});

describe("foldUsage: admin console", () => {
  const admin = (id: string, where: "initiated_by" | "resource", who: InsightsEvent["initiated_by"], success = true): InsightsEvent => ({
    id,
    event_type: "admin_login_attempt",
    service: "directory",
    timestamp: "2026-01-01T10:00:00.000Z",
    success,
    [where]: who,
  });

  it("matches the admin to the directory user by email, from initiated_by (real samples) or resource (spec example)", () => {
    const r = fold([admin("e1", "initiated_by", { id: "adm1", type: "admin", email: "jane.doe@corp.example" }), admin("e2", "resource", { id: "adm2", type: "admin", email: "BOB@corp.example" })]);
    expect(r.changes.map((c) => [c.userId, c.source])).toEqual([
      ["u1", "admin_portal"],
      ["u2", "admin_portal"],
    ]);
  });

  it("looks in resource when initiated_by names no known admin", () => {
    const r = fold([{ ...admin("e1", "resource", { type: "admin", email: "bob@corp.example" }), initiated_by: { type: "admin", email: "outsider@else.example" } }]);
    expect(r.changes.map((c) => c.userId)).toEqual(["u2"]);
  });

  it("ignores failures and leaves admins with no directory user unmatched", () => {
    const r = fold([admin("e1", "initiated_by", { type: "admin", email: "jane.doe@corp.example" }, false), admin("e2", "initiated_by", { type: "admin", email: "nobody@corp.example" })]);
    expect(r.changes).toEqual([]);
    expect(r.stats).toMatchObject({ ignored: 1, unmatched: 1 });
  });

  it("shares the per-user portal key with user-portal logins: the later wins", () => {
    const r = fold([admin("e1", "initiated_by", { type: "admin", email: "bob@corp.example" }), portal("e0", "2026-01-01T09:00:00Z", { id: "u2", type: "user" })]);
    expect(r.changes).toEqual([{ userId: "u2", applicationId: null, lastUsedAt: "2026-01-01T10:00:00.000Z", source: "admin_portal", eventId: "e1" }]);
  });
});

describe("foldUsage: SSO", () => {
  const jane = { id: "u1", type: "user", username: "jane.doe" };

  it("records a successful sso_auth per user per application", () => {
    const r = fold([sso("e1", "2026-01-01T10:00:00Z", jane, { id: "a1", name: "slack" }), sso("e2", "2026-01-01T11:00:00Z", jane, { id: "a2" })]);
    expect(r.changes.map((c) => [c.userId, c.applicationId, c.source])).toEqual([
      ["u1", "a1", "sso"],
      ["u1", "a2", "sso"],
    ]);
  });

  it("uses sso_token_success, not success", () => {
    const r = fold([{ ...sso("e1", "2026-01-01T10:00:00Z", jane, { id: "a1" }, false), success: true }]);
    expect(r.changes).toEqual([]);
    expect(r.stats.ignored).toBe(1);
  });

  it("matches the application by sso_url when its id is empty (URL case and trailing slash ignored)", () => {
    const r = fold([sso("e1", "2026-01-01T10:00:00Z", jane, { id: "", name: "", display_label: "", sso_url: "HTTPS://sso.jumpcloud.com/saml2/slack" })]);
    expect(r.changes.map((c) => c.applicationId)).toEqual(["a1"]);
  });

  it("does not count the failure sample, whose id is empty and sso_url set", () => {
    const r = fold([sso("e1", "2026-01-01T10:00:00Z", jane, { id: "", name: "", display_label: "", sso_url: "https://sso.jumpcloud.com/saml2/slack" }, false)]);
    expect(r.changes).toEqual([]);
  });

  it("keeps use by ids not yet synced (user or app created since the snapshot); leaves events with no usable identity unmatched; a removed app still counts", () => {
    const r = fold([
      sso("e1", "2026-01-01T10:00:00Z", jane, { id: "a-unknown", sso_url: "https://sso.jumpcloud.com/saml2/slack" }),
      sso("e2", "2026-01-01T10:00:00Z", jane, { id: "", sso_url: "https://elsewhere.example/x" }),
      sso("e3", "2026-01-01T10:00:00Z", jane, null),
      sso("e4", "2026-01-01T10:00:00Z", { id: "u-unknown", type: "user" }, { id: "a1" }),
      sso("e5", "2026-01-01T10:00:00Z", jane, { id: "a9" }),
    ]);
    expect(r.changes.map((c) => `${c.userId}/${c.applicationId ?? ""}`).sort()).toEqual(["u-unknown/a1", "u1/a-unknown", "u1/a9"]);
    expect(r.stats).toMatchObject({ matched: 3, unmatched: 2 });
  });
});

describe("foldUsage: against stored usage", () => {
  const stored: UsageRecord = { userId: "u1", applicationId: null, lastUsedAt: "2026-01-05T00:00:00.000Z", source: "user_portal", eventId: "e5" };
  const current = new Map([[usageKey(stored), stored]]);

  it("writes nothing for older or identical events, and the newer one only", () => {
    expect(fold([portal("e4", "2026-01-04T00:00:00Z", { id: "u1", type: "user" }), portal("e5", "2026-01-05T00:00:00Z", { id: "u1", type: "user" })], current).changes).toEqual([]);
    const r = fold([portal("e6", "2026-01-06T00:00:00.123456Z", { id: "u1", type: "user" })], current);
    expect(r.changes).toEqual([{ ...stored, lastUsedAt: "2026-01-06T00:00:00.123Z", eventId: "e6" }]);
  });

  it("breaks a timestamp tie by event id, in any order", () => {
    const a = portal("e5", "2026-01-05T00:00:00Z", { id: "u1", type: "user" });
    const b = portal("e7", "2026-01-05T00:00:00Z", { id: "u1", type: "user" });
    expect(fold([a, b], current).changes.map((c) => c.eventId)).toEqual(["e7"]);
    expect(fold([b, a], current).changes.map((c) => c.eventId)).toEqual(["e7"]);
  });

  it("reports the earliest event read, failures and unmatched included", () => {
    const r = fold([portal("x", "2026-01-03T00:00:00+01:00", { id: "nobody", type: "user" }, false), portal("y", "2026-01-04T00:00:00Z", { id: "u1", type: "user" }), portal("z", "bad", { id: "u1" })]);
    expect(r.earliestEventAt).toBe("2026-01-02T23:00:00.000Z");
    expect(fold([]).earliestEventAt).toBeNull();
  });
});

describe("lastUsedOf", () => {
  it("is a date with its source when there is a record, whatever the coverage", () => {
    expect(lastUsedOf({ lastUsedAt: "2026-01-01T00:00:00.000Z", source: "sso" }, { kind: "unavailable", reason: "insights-not-enabled", detail: "402" })).toEqual({
      kind: "date",
      at: "2026-01-01T00:00:00.000Z",
      source: "sso",
    });
  });
  it("is not-seen-since the measured coverage, or unknown", () => {
    expect(lastUsedOf(undefined, { kind: "available", since: "2025-10-01T00:00:00.000Z" })).toEqual({ kind: "not-seen-since", since: "2025-10-01T00:00:00.000Z" });
    expect(lastUsedOf(null, { kind: "unavailable", reason: "insights-forbidden", detail: "Directory Insights is not permitted for this key" })).toEqual({
      kind: "unknown",
      reason: "Directory Insights is not permitted for this key",
    });
    expect(lastUsedOf(undefined, { kind: "not-synced" })).toMatchObject({ kind: "unknown" });
  });
});

// --- property-based -------------------------------------------------------------------------------

const propIndex = buildUsageMatchIndex({
  users: new Map(["u1", "u2", "u3"].map((id) => [id, user(id, id, `${id}@corp.example`)])),
  applications: new Map(["a1", "a2"].map((id) => [id, app(id, `https://sso.example/${id}`)])),
});
/** Events with unique ids; same-millisecond and nanosecond timestamps to exercise ties. */
const arbEvents = fc
  .array(
    fc.record({
      kind: fc.constantFrom("portal", "admin", "sso", "sso-url", "other"),
      user: fc.constantFrom("u1", "u2", "u3", "u9"),
      app: fc.constantFrom("a1", "a2"),
      second: fc.integer({ min: 0, max: 3 }),
      nanos: fc.constantFrom("", ".5", ".500000001", ".123456789"),
      offset: fc.constantFrom("Z", "+01:00"),
      success: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((specs) =>
    specs.map((s, i): InsightsEvent => {
      const hour = s.offset === "Z" ? "10" : "11";
      const timestamp = `2026-01-01T${hour}:00:${String(s.second).padStart(2, "0")}${s.nanos}${s.offset}`;
      const id = `ev${String(i).padStart(3, "0")}`;
      switch (s.kind) {
        case "portal":
          return portal(id, timestamp, { id: s.user, type: "user" }, s.success);
        case "admin":
          return { id, event_type: "admin_login_attempt", timestamp, success: s.success, initiated_by: { type: "admin", email: `${s.user}@corp.example` } };
        case "sso":
          return sso(id, timestamp, { id: s.user, type: "user" }, { id: s.app }, s.success);
        case "sso-url":
          return sso(id, timestamp, { type: "user", username: s.user }, { id: "", sso_url: `https://sso.example/${s.app}` }, s.success);
        case "other":
          return { id, event_type: "user_update", timestamp, success: true, initiated_by: { id: s.user, type: "user" } };
      }
    }),
  );

function applyFold(state: ReadonlyMap<UsageKey, UsageRecord>, events: InsightsEvent[]): Map<UsageKey, UsageRecord> {
  const next = new Map(state);
  for (const c of foldUsage(state, events, propIndex).changes) next.set(usageKey(c), c);
  return next;
}
const sorted = (m: ReadonlyMap<UsageKey, UsageRecord>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
const runs = { numRuns: 200 };

describe("foldUsage properties", () => {
  it("is independent of order and duplication of events", () => {
    fc.assert(
      fc.property(
        arbEvents.chain((events) => fc.tuple(fc.constant(events), fc.shuffledSubarray([...events, ...events], { minLength: events.length * 2 }))),
        fc.array(fc.nat(), { maxLength: 10 }),
        ([events, shuffledTwice], dupPicks) => {
          const dups = dupPicks.flatMap((p) => (events.length === 0 ? [] : [events[p % events.length] as InsightsEvent]));
          expect(sorted(applyFold(new Map(), [...shuffledTwice, ...dups]))).toEqual(sorted(applyFold(new Map(), events)));
        },
      ),
      runs,
    );
  });

  it("gives the same state whether events come in one batch or in any split into pages", () => {
    fc.assert(
      fc.property(arbEvents, fc.nat(), (events, cut) => {
        const at = events.length === 0 ? 0 : cut % events.length;
        const paged = applyFold(applyFold(new Map(), events.slice(at)), events.slice(0, at));
        expect(sorted(paged)).toEqual(sorted(applyFold(new Map(), events)));
      }),
      runs,
    );
  });

  it("never moves a record backwards, and only reports records that moved forward", () => {
    fc.assert(
      fc.property(arbEvents, arbEvents, (first, second) => {
        const before = applyFold(new Map(), first);
        const { changes } = foldUsage(before, second, propIndex);
        for (const c of changes) {
          const prior = before.get(usageKey(c));
          if (prior !== undefined) expect(isLater(c, prior)).toBe(true);
        }
        const after = applyFold(before, second);
        for (const [key, prior] of before) expect(isLater(prior, after.get(key) as UsageRecord)).toBe(false);
      }),
      runs,
    );
  });

  it("changes nothing when an overlapping window is read again", () => {
    fc.assert(
      fc.property(arbEvents, fc.nat(), (events, cut) => {
        const state = applyFold(new Map(), events);
        const overlap = events.slice(cut % (events.length + 1));
        expect(foldUsage(state, overlap, propIndex).changes).toEqual([]);
      }),
      runs,
    );
  });

  it("counts every event exactly once in the stats, and only successes as matched", () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const { stats, changes } = foldUsage(new Map(), events, propIndex);
        expect(stats.matched + stats.ignored + stats.unmatched).toBe(events.length);
        const successes = events.filter((e) => (e.event_type === "sso_auth" ? e.sso_token_success : e.success) === true && e.event_type !== "user_update").length;
        expect(stats.matched).toBeLessThanOrEqual(successes);
        const ids = new Set(events.filter((e) => (e.event_type === "sso_auth" ? e.sso_token_success : e.success) === true).map((e) => e.id));
        for (const c of changes) expect(ids.has(c.eventId)).toBe(true);
      }),
      runs,
    );
  });
});
