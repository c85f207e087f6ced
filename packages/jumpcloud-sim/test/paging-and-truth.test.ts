import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GroundTruth, type Sim, startSim } from "../src/index.js";
import { allEvents, allV1, allV2, get } from "./helpers.js";

const DAY = 86_400_000;

describe("paging every list family, and truth consistency (250 users)", () => {
  let sim: Sim;
  let t: GroundTruth;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 21, users: 250 });
    t = sim.truth();
  });
  afterAll(() => sim.close());

  it("v1 users page by skip/limit to exactly the truth's users, in a stable order", async () => {
    const small = await allV1(sim, "/api/systemusers", {}, 7);
    expect(small.requests).toBe(Math.ceil(250 / 7));
    const big = await allV1(sim, "/api/systemusers?sort=_id", {}, 100);
    expect(big.requests).toBe(3);
    expect(small.rows.map((u) => u.id).sort()).toEqual(t.users.map((u) => u.id));
    expect(big.rows.map((u) => u.id)).toEqual(t.users.map((u) => u.id));
    const status = { ACTIVATED: "active", SUSPENDED: "suspended", STAGED: "staged" } as const;
    const byId = new Map(big.rows.map((u) => [u.id, u]));
    for (const tu of t.users) {
      const u = byId.get(tu.id);
      expect(u._id).toBe(tu.id);
      expect(u.username).toBe(tu.username);
      expect(u.email).toBe(tu.email);
      expect(u.displayname).toBe(tu.displayName);
      expect(status[u.state as keyof typeof status]).toBe(tu.status);
      expect(u.suspended).toBe(tu.status === "suspended");
      expect(u.admin?.roleName ?? null).toBe(tu.adminRole);
      expect(u.manager ?? null).toBe(tu.managerId);
      for (const f of ["employeeIdentifier", "employeeType", "department", "jobTitle", "company", "costCenter", "location"] as const) expect(u[f]).toBe(tu[f]);
    }
  });

  it("v1 sort, fields and filters", async () => {
    const desc = await allV1(sim, "/api/systemusers?sort=-username%20_id&fields=username%20state");
    const names = desc.rows.map((u) => u.username);
    expect(names).toEqual([...names].sort().reverse());
    expect(Object.keys(desc.rows[0]).sort()).toEqual(["_id", "id", "state", "username"]);
    const suspended = await allV1(sim, "/api/systemusers?filter=state:$eq:SUSPENDED");
    expect(suspended.rows.map((u) => u.id).sort()).toEqual(t.users.filter((u) => u.status === "suspended").map((u) => u.id));
    const inTwo = await allV1(sim, "/api/systemusers?filter[0]=state:$in:ACTIVATED|STAGED&filter[1]=department:$eq:Engineering");
    expect(inTwo.rows.map((u) => u.id).sort()).toEqual(t.users.filter((u) => u.status !== "suspended" && u.department === "Engineering").map((u) => u.id));
    const either = await allV1(sim, "/api/systemusers?filter[or][0]=department:$eq:Legal&filter[or][1]=department:$eq:Finance");
    expect(either.rows.map((u) => u.id).sort()).toEqual(t.users.filter((u) => u.department === "Legal" || u.department === "Finance").map((u) => u.id));
  });

  it("applications page (default sort by name) and match the truth", async () => {
    const apps = await allV1(sim, "/api/applications", {}, 5);
    expect(apps.requests).toBe(Math.ceil(t.applications.length / 5));
    expect(apps.rows.map((a) => a.name)).toEqual([...apps.rows.map((a) => a.name)].sort());
    const byId = new Map(apps.rows.map((a) => [a.id, a]));
    for (const ta of t.applications) {
      expect(byId.get(ta.id)).toMatchObject({ _id: ta.id, name: ta.name, displayLabel: ta.displayLabel, ssoUrl: ta.ssoUrl });
    }
  });

  it("user groups and their members page to the truth", async () => {
    const groups = await allV2(sim, "/api/v2/usergroups", {}, 10);
    expect(groups.requests).toBe(Math.ceil(t.groups.length / 10));
    expect(groups.rows.map((g) => g.id).sort()).toEqual(t.groups.map((g) => g.id));
    let multiPage = 0;
    for (const tg of t.groups) {
      const m = await allV2(sim, `/api/v2/usergroups/${tg.id}/members`, {}, 100);
      if (m.requests > 1) multiPage++;
      expect(m.rows.map((e) => e.to.id).sort(), tg.name).toEqual(tg.memberUserIds);
      expect(m.rows.every((e) => e.to.type === "user")).toBe(true);
    }
    expect(multiPage).toBeGreaterThan(0);
    const everyone = t.groups.find((g) => g.name === "All Employees")!;
    const traversal = await allV2(sim, `/api/v2/usergroups/${everyone.id}/membership`, {}, 50);
    expect(traversal.rows.map((u) => u.id).sort()).toEqual(everyone.memberUserIds);
    expect(t.groups.some((g) => g.memberUserIds.length === 0)).toBe(true);
  });

  it("memberof and user→applications agree with the truth", async () => {
    for (const tu of t.users.filter((_, i) => i % 25 === 0)) {
      const m = await allV2(sim, `/api/v2/users/${tu.id}/memberof`, {}, 3);
      expect(m.rows.map((g) => g.id).sort()).toEqual(tu.groupIds);
      const apps = await allV2(sim, `/api/v2/users/${tu.id}/applications`);
      expect(apps.rows.map((a) => a.id).sort()).toEqual(t.applications.filter((a) => a.assignedUserIds.includes(tu.id)).map((a) => a.id));
    }
    const some = t.users.find((u) => u.groupIds.length > 1)!;
    const filtered = await get(sim, `/api/v2/users/${some.id}/memberof?filter=type:eq:user_group,object_id:eq:${some.groupIds[0]}`);
    expect(filtered.body.map((g: { id: string }) => g.id)).toEqual([some.groupIds[0]]);
  });

  it("application assignments: associations and traversal equal the truth (direct, group-only, unassigned)", async () => {
    expect(t.applications.some((a) => a.assignedUserIds.length === 0)).toBe(true);
    expect(t.applications.some((a) => a.directUserIds.length === 0 && a.groupIds.length > 0)).toBe(true);
    for (const ta of t.applications) {
      const assoc = await allV2(sim, `/api/v2/applications/${ta.id}/associations?targets=user,user_group`, {}, 10);
      expect(assoc.rows.filter((e) => e.to.type === "user").map((e) => e.to.id).sort()).toEqual(ta.directUserIds);
      expect(assoc.rows.filter((e) => e.to.type === "user_group").map((e) => e.to.id).sort()).toEqual(ta.groupIds);
      const users = await allV2(sim, `/api/v2/applications/${ta.id}/users`, {}, 100);
      expect(users.rows.map((u) => u.id).sort()).toEqual(ta.assignedUserIds);
      for (const u of users.rows) {
        const direct = u.paths.some((p: any[]) => p.length === 1);
        expect(direct).toBe(ta.directUserIds.includes(u.id));
        for (const p of u.paths.filter((x: any[]) => x.length === 2)) expect(ta.groupIds).toContain(p[0].to.id);
      }
      const groups = await allV2(sim, `/api/v2/applications/${ta.id}/usergroups`);
      expect(groups.rows.map((g) => g.id).sort()).toEqual(ta.groupIds);
    }
    // Users who reach an app only through a group exist.
    expect(t.applications.some((a) => a.assignedUserIds.some((u) => !a.directUserIds.includes(u)))).toBe(true);
  });

  it("a perfect client needs exactly minimumRequests", async () => {
    sim.resetStats();
    await allV1(sim, "/api/systemusers");
    const groups = await allV2(sim, "/api/v2/usergroups");
    for (const g of groups.rows) await allV2(sim, `/api/v2/usergroups/${g.id}/members`);
    const apps = await allV1(sim, "/api/applications");
    for (const a of apps.rows) await allV2(sim, `/api/v2/applications/${a.id}/associations?targets=user,user_group`);
    const now = sim.clock.now().getTime();
    const di = await allEvents(sim, {
      service: ["directory", "sso"],
      start_time: new Date(now - 90 * DAY).toISOString(),
      limit: 10_000,
      search_term: {
        or: [
          { and: [{ event_type: ["user_login_attempt", "admin_login_attempt"] }, { success: true }] },
          { and: [{ event_type: "sso_auth" }, { sso_token_success: true }] },
        ],
      },
    });
    expect(di.rows.every((e) => e.success === true || e.sso_token_success === true)).toBe(true);
    const stats = sim.stats();
    const made = Object.fromEntries(Object.entries(stats.byRoute).map(([k, v]) => [k, v.total]));
    expect(made).toEqual(t.minimumRequests.byRoute);
    expect(stats.total).toBe(t.minimumRequests.total);
    expect(stats.byStatus).toEqual({ "200": t.minimumRequests.total });
  });
});
