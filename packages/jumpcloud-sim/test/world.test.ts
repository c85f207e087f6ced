import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sim, startSim } from "../src/index.js";
import { allV1, allV2, events, get, send } from "./helpers.js";

describe("world controls and HTTP writes keep state, truth and the DI log in step", () => {
  let sim: Sim;
  let orgId: string;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 13 });
    orgId = sim.credentials.orgs[0]!.id;
  });
  afterAll(() => sim.close());

  const lifecycle = async (type: string) => {
    const start = new Date(sim.clock.now().getTime() - 3_600_000).toISOString();
    sim.clock.advance(200_000); // past any visibility delay
    const r = await events(sim, { service: ["directory"], start_time: start, limit: 10_000, search_term: { and: [{ event_type: type }] } });
    return r.body as any[];
  };

  it("addUser / updateUser / deleteUser show in the API, truth and DI", async () => {
    const added = sim.world.addUser({ username: "zoe.lindqvist", email: "zoe.lindqvist@acme-robotics.example", firstname: "Zoë", lastname: "Lindqvist", state: "ACTIVATED", department: "Legal" });
    expect((await get(sim, `/api/systemusers/${added.id}`)).body.displayname).toBe("Zoë Lindqvist");
    expect(sim.truth().users.find((u) => u.id === added.id)).toMatchObject({ status: "active", department: "Legal", displayName: "Zoë Lindqvist" });
    expect((await lifecycle("user_create")).some((e) => e.resource.id === added.id)).toBe(true);

    sim.world.updateUser(added.id, { status: "suspended", jobTitle: "Counsel" });
    const rec = (await get(sim, `/api/systemusers/${added.id}`)).body;
    expect(rec).toMatchObject({ state: "SUSPENDED", suspended: true, jobTitle: "Counsel" });
    expect(sim.truth().users.find((u) => u.id === added.id)?.status).toBe("suspended");
    const updates = (await lifecycle("user_update")).filter((e) => e.resource.id === added.id);
    expect(updates.at(-1).changes).toEqual(expect.arrayContaining([{ field: "state", from: "ACTIVATED", to: "SUSPENDED" }, { field: "jobTitle", from: "", to: "Counsel" }]));
    expect((await lifecycle("user_suspended")).some((e) => e.resource.id === added.id)).toBe(true);

    sim.world.deleteUser(added.id);
    expect((await get(sim, `/api/systemusers/${added.id}`)).status).toBe(404);
    expect(sim.truth().users.some((u) => u.id === added.id)).toBe(false);
    expect((await lifecycle("user_delete")).some((e) => e.resource.id === added.id)).toBe(true);
  });

  it("groups, memberships and app assignments flow into traversals and truth", async () => {
    const t = sim.truth();
    const user = t.users.find((u) => u.status === "active" && u.groupIds.length > 0)!;
    const g = sim.world.addGroup({ name: "Night Shift – Ops" });
    sim.world.addGroupMember(g.id, user.id);
    const app = sim.world.addApplication({ name: "custom-saml", displayLabel: "Intranet Ünicode" });
    expect(app.ssoUrl).toBe("https://sso.jumpcloud.com/saml2/intranet-unicode");
    sim.world.assignApp(app.id, { groupId: g.id });
    let truthApp = sim.truth().applications.find((a) => a.id === app.id)!;
    expect(truthApp).toMatchObject({ groupIds: [g.id], directUserIds: [], assignedUserIds: [user.id] });
    expect((await allV2(sim, `/api/v2/applications/${app.id}/users`)).rows.map((u) => u.id)).toEqual([user.id]);
    expect((await allV2(sim, `/api/v2/users/${user.id}/memberof`)).rows.map((x) => x.id)).toContain(g.id);
    sim.world.removeGroupMember(g.id, user.id);
    sim.world.assignApp(app.id, { userId: user.id });
    truthApp = sim.truth().applications.find((a) => a.id === app.id)!;
    expect(truthApp).toMatchObject({ directUserIds: [user.id], assignedUserIds: [user.id] });
    sim.world.unassign(app.id, { userId: user.id });
    expect(sim.truth().applications.find((a) => a.id === app.id)!.assignedUserIds).toEqual([]);
    sim.world.removeApplication(app.id);
    expect((await get(sim, `/api/applications/${app.id}`)).status).toBe(404);
    expect((await allV1(sim, "/api/applications")).rows.some((a) => a.id === app.id)).toBe(false);
  });

  it("HTTP writes: create, update, suspend, unsuspend via PUT, activate, delete with cascade_manager", async () => {
    const created = await send(sim, "POST", "/api/systemusers", { username: "li.wei", email: "li.wei@acme-robotics.example", firstname: "Wei", lastname: "Li", state: "STAGED" });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({ _id: id, state: "STAGED", activated: false });
    expect((await send(sim, "POST", `/api/systemusers/${id}/state/activate`, { email: false })).status).toBe(200);
    expect((await get(sim, `/api/systemusers/${id}`)).body.state).toBe("ACTIVATED");
    expect((await send(sim, "POST", `/api/systemusers/${id}/state/suspend`, undefined)).status).toBe(200);
    expect(sim.truth().users.find((u) => u.id === id)?.status).toBe("suspended");
    expect((await send(sim, "PUT", `/api/systemusers/${id}`, { state: "ACTIVATED", suspended: false })).body.state).toBe("ACTIVATED");
    // A manager with reports cannot be deleted unless the reports are cleared.
    const report = await send(sim, "POST", "/api/systemusers", { username: "ana.report", email: "ana.report@acme-robotics.example", manager: id });
    expect(report.body.manager).toBe(id);
    expect((await send(sim, "DELETE", `/api/systemusers/${id}`, undefined)).status).toBe(409);
    const del = await send(sim, "DELETE", `/api/systemusers/${id}?cascade_manager=null`, undefined);
    expect(del.status).toBe(200);
    expect(del.body.id).toBe(id);
    expect((await get(sim, `/api/systemusers/${report.body.id}`)).body.manager).toBeUndefined();
  });

  it("the MSP key sees each org's truth separately", async () => {
    const msp = await startSim({ scenario: "msp", seed: 2 });
    try {
      const [a, b] = msp.credentials.orgs;
      const ta = msp.truth(a!.id);
      const tb = msp.truth(b!.id);
      expect(ta.orgId).toBe(a!.id);
      expect(tb.orgId).toBe(b!.id);
      expect(ta.users.some((u) => tb.users.some((v) => v.id === u.id))).toBe(false);
      expect(msp.truth().orgId).toBe(a!.id);
      expect((await allV1(msp, "/api/systemusers", { orgId: b!.id })).rows.map((u) => u.id).sort()).toEqual(tb.users.map((u) => u.id));
    } finally {
      await msp.close();
    }
  });

  it("rejects world edits the API would reject", () => {
    const existing = sim.truth().users[0]!;
    expect(() => sim.world.addUser({ username: existing.username, email: "x@acme-robotics.example" })).toThrow(/already exists/);
    expect(() => sim.world.addUser({ username: "Has Space", email: "y@acme-robotics.example" })).toThrow(/username/);
    expect(() => sim.world.updateUser("5f0c4a7e2b8c1d0012345678", { jobTitle: "x" })).toThrow(/not found/);
    expect(() => sim.world.simulateActivity(orgId, { fromMs: 10, toMs: 5 })).toThrow();
  });
});
