import { describe, expect, it } from "vitest";
import { startSim } from "../src/index.js";
import { buildWorld } from "../src/sim.js";
import { allV1 } from "./helpers.js";

/** Everything the generator decides, serialized: users as served, groups, apps, every event. */
function snapshot(seed: number, users?: number): string {
  const b = buildWorld({ scenario: "msp", seed, ...(users === undefined ? {} : { users }) });
  return JSON.stringify(
    b.world.orgs.map((o) => ({
      org: [o.id, o.name, o.newUserState],
      users: o.users,
      groups: o.groups.map((g) => [g.id, g.name, [...g.members]]),
      apps: o.apps.map((a) => [a.id, a.name, a.displayLabel, a.ssoUrl, [...a.directUsers], [...a.groups]]),
      admins: o.admins,
      events: o.events.records.map((r) => [r.ms, r.vis, r.id, r.type, r.ok, r.actorId, r.actorName, r.app, r.v, r.ts, r.body]),
    })),
  ) + JSON.stringify([...b.world.keys.keys()]);
}

describe("generator", () => {
  it("is deterministic: same seed → same world byte for byte; another seed → another world", () => {
    const a = snapshot(42);
    expect(snapshot(42)).toBe(a);
    expect(snapshot(43)).not.toBe(a);
    expect(a.length).toBeGreaterThan(100_000);
  });

  it("generates SSO use by people not assigned to the app (a revoked direct grant), and the truth reports it", async () => {
    for (const [seed, users, least] of [[1, 30, 2], [16, 40, 2], [7, 500, 10]] as const) {
      const sim = await startSim({ seed, users });
      try {
        const t = sim.truth();
        const assigned = new Set(t.applications.flatMap((a) => a.assignedUserIds.map((u) => `${u}/${a.id}`)));
        const unassigned = t.ssoUsage.filter((u) => !assigned.has(`${u.userId}/${u.applicationId}`));
        expect(unassigned.length, `seed ${seed}, ${users} users`).toBeGreaterThanOrEqual(least);
        // Each is a successful sso_auth in the log, and the grant's removal is logged after it.
        const events = sim.world.allEvents(t.orgId);
        for (const u of unassigned) {
          const e = events.find((x) => x.id === u.eventId)!;
          expect(e).toMatchObject({ event_type: "sso_auth", sso_token_success: true, initiated_by: { id: u.userId }, application: { id: u.applicationId } });
          const revoked = events.find((x) => x.event_type === "association_change" && (x.association as any)?.op === "remove" && (x.association as any)?.connection?.to?.object_id === u.userId && (x.resource as any)?.id === u.applicationId);
          expect(revoked, `${u.userId}/${u.applicationId}`).toBeDefined();
          expect(Date.parse(revoked!.timestamp)).toBeGreaterThan(Date.parse(u.lastLoginAt));
        }
      } finally {
        await sim.close();
      }
    }
  });

  it("serves the same bytes for the same seed", async () => {
    const [s1, s2] = await Promise.all([startSim({ seed: 99 }), startSim({ seed: 99 })]);
    try {
      expect(s2.credentials).toEqual(s1.credentials);
      const [u1, u2] = await Promise.all([allV1(s1, "/api/systemusers"), allV1(s2, "/api/systemusers")]);
      expect(JSON.stringify(u2.rows)).toBe(JSON.stringify(u1.rows));
      expect(JSON.stringify(s2.truth())).toBe(JSON.stringify(s1.truth()));
    } finally {
      await Promise.all([s1.close(), s2.close()]);
    }
  });

  it("builds a realistic org", () => {
    const b = buildWorld({ scenario: "demo", seed: 1, users: 300 });
    const org = b.world.orgs[0]!;
    const users = org.users;
    expect(users).toHaveLength(300);
    // Display names with spaces and non-ASCII letters; usernames that follow JumpCloud's rules.
    expect(users.every((u) => u.displayname.includes(" "))).toBe(true);
    expect(users.some((u) => /[^ -~]/.test(u.displayname))).toBe(true);
    expect(users.some((u) => u.firstname.includes(" ") || u.lastname.includes(" "))).toBe(true);
    expect(users.every((u) => /^[a-z][a-z0-9._]{0,29}$/.test(u.username))).toBe(true);
    expect(new Set(users.map((u) => u.username)).size).toBe(300);
    expect(new Set(users.map((u) => u.email)).size).toBe(300);
    expect(new Set(users.map((u) => u.employeeIdentifier)).size).toBe(300);
    for (const state of ["ACTIVATED", "SUSPENDED", "STAGED"]) expect(users.some((u) => u.state === state), state).toBe(true);
    // Admins: the user record links the console account with the same email.
    const admins = users.filter((u) => u.admin !== null);
    expect(admins.length).toBeGreaterThanOrEqual(2);
    for (const u of admins) expect(org.admins.find((a) => a.id === u.admin!.id)?.email).toBe(u.email);
    expect(users.filter((u) => u.managerId !== null).every((u) => org.userById.has(u.managerId!))).toBe(true);
    expect(users.some((u) => u.department === "")).toBe(true);
    // Ids grow with creation time, like ObjectIds.
    expect(users.map((u) => u.id)).toEqual([...users.map((u) => u.id)].sort());
    // Activity: staged users never log in, and some active ones never did.
    const loggedIn = new Set(org.events.records.filter((r) => r.type === "user_login_attempt").map((r) => r.actorId));
    expect(users.filter((u) => u.state === "STAGED").every((u) => !loggedIn.has(u.id))).toBe(true);
    expect(users.some((u) => u.state === "ACTIVATED" && !loggedIn.has(u.id))).toBe(true);
    const t0 = b.clock.now().getTime();
    expect(org.events.records.every((r) => r.ms <= t0 && r.ms >= t0 - 90 * 86_400_000)).toBe(true);
  });

  it("sizes the large scenario to ~50k users and ~500k events (scaled down here: 2,000 users)", () => {
    const b = buildWorld({ scenario: "large", seed: 1, users: 2000 });
    const n = b.world.orgs[0]!.events.records.length;
    // 0.122 events per user per day over 90 days → ~20k for 2,000 users.
    expect(n).toBeGreaterThan(14_000);
    expect(n).toBeLessThan(28_000);
    // The MDM world scales with it: 0.4 devices per user, ~25 software events per device.
    const org = b.world.orgs[0]!;
    expect(org.mdm.devices).toHaveLength(800);
    const software = org.softwareEvents.records.length;
    expect(software).toBeGreaterThan(800 * 15);
    expect(software).toBeLessThan(800 * 40);
  });
});

describe("event serialization", () => {
  it("the fast serializer writes exactly JSON.stringify(materialize(event))", async () => {
    const { materialize, serializeEvent } = await import("../src/model.js");
    for (const scenario of ["demo", "msp"] as const) {
      const b = buildWorld({ scenario, seed: 8 });
      for (const org of b.world.orgs) {
        expect(org.events.records.length).toBeGreaterThan(1000);
        for (const r of org.events.records) expect(serializeEvent(r, org.id, org.providerId)).toBe(JSON.stringify(materialize(r, org.id, org.providerId)));
      }
    }
  });
});
