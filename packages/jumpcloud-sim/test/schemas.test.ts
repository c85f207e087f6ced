import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sim, startSim } from "../src/index.js";
import { events, get, send } from "./helpers.js";
import { SpecValidator } from "./spec.js";

const consoleSpec = new SpecValidator("jumpcloud-console-unified.openapi.yaml", "unified");
const diSpec = new SpecValidator("jumpcloud-directory-insights-v1.openapi.yaml", "di");

describe("responses match the official spec schemas", () => {
  let sim: Sim;
  let userId: string;
  let groupId: string;
  let appId: string;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 11 });
    const t = sim.truth();
    userId = t.users.find((u) => u.groupIds.length > 0)!.id;
    groupId = t.groups.find((g) => g.memberUserIds.length > 0)!.id;
    appId = t.applications.find((a) => a.assignedUserIds.length > 0 && a.groupIds.length > 0)!.id;
  });
  afterAll(() => sim.close());

  const expectValid = (spec: SpecValidator, path: string, method: string, status: number, body: unknown) => {
    expect(spec.check(path, method, status, body), `${method} ${path} ${status}`).toBeNull();
  };

  it("the validators are live: a broken body fails", () => {
    expect(consoleSpec.check("/api/systemusers", "GET", 200, { totalCount: "many", results: [{ state: "HAPPY" }] })).not.toBeNull();
    expect(consoleSpec.check("/api/v2/usergroups/{group_id}/members", "GET", 200, [{ from: { id: "x", type: "user" } }])).not.toBeNull();
    expect(diSpec.check("/events/count", "POST", 200, { count: "3" })).not.toBeNull();
  });

  it("v1 users: list, get, create, update, delete, state changes", async () => {
    const list = await get(sim, "/api/systemusers?limit=100");
    expect(list.status).toBe(200);
    expectValid(consoleSpec, "/api/systemusers", "GET", 200, list.body);
    // Real responses carry `id` next to `_id` (the spec omits it; extra properties are allowed).
    for (const u of list.body.results) expect(u.id).toBe(u._id);
    const one = await get(sim, `/api/systemusers/${userId}`);
    expectValid(consoleSpec, "/api/systemusers/{id}", "GET", 200, one.body);
    const created = await send(sim, "POST", "/api/systemusers", { username: "new.hire", email: "new.hire@acme-robotics.example", firstname: "Núria", lastname: "Vidal i Puig", state: "STAGED" });
    expect(created.status).toBe(200);
    expectValid(consoleSpec, "/api/systemusers", "POST", 200, created.body);
    const bad = await send(sim, "POST", "/api/systemusers", { username: "new.hire", email: "again@acme-robotics.example" });
    expect(bad.status).toBe(400);
    expectValid(consoleSpec, "/api/systemusers", "POST", 400, bad.body);
    const put = await send(sim, "PUT", `/api/systemusers/${created.body.id}`, { jobTitle: "Robot Whisperer" });
    expectValid(consoleSpec, "/api/systemusers/{id}", "PUT", 200, put.body);
    const act = await send(sim, "POST", `/api/systemusers/${created.body.id}/state/activate`, {});
    expect(act.status).toBe(200);
    expectValid(consoleSpec, "/api/systemusers/{id}/state/activate", "POST", 200, act.body);
    const susp = await send(sim, "POST", `/api/systemusers/${created.body.id}/state/suspend`, undefined);
    expect(susp.status).toBe(200);
    expect(susp.text).toBe("");
    const again = await send(sim, "POST", `/api/systemusers/${created.body.id}/state/activate`, {});
    expect(again.status).toBe(409);
    expectValid(consoleSpec, "/api/systemusers/{id}/state/activate", "POST", 409, again.body);
    const del = await send(sim, "DELETE", `/api/systemusers/${created.body.id}`, undefined);
    expect(del.status).toBe(200);
    expectValid(consoleSpec, "/api/systemusers/{id}", "DELETE", 200, del.body);
  });

  it("v1 organizations and applications", async () => {
    const orgs = await get(sim, "/api/organizations");
    expectValid(consoleSpec, "/api/organizations", "GET", 200, orgs.body);
    const org = await get(sim, `/api/organizations/${sim.credentials.orgs[0]!.id}`);
    expectValid(consoleSpec, "/api/organizations/{id}", "GET", 200, org.body);
    const apps = await get(sim, "/api/applications?limit=100");
    expectValid(consoleSpec, "/api/applications", "GET", 200, apps.body);
    const app = await get(sim, `/api/applications/${appId}`);
    expectValid(consoleSpec, "/api/applications/{id}", "GET", 200, app.body);
    expectValid(consoleSpec, "/api/v2/applications/{application_id}", "GET", 200, (await get(sim, `/api/v2/applications/${appId}`)).body);
  });

  it("v2 groups, members and graph traversals", async () => {
    const checks: [string, string][] = [
      ["/api/v2/usergroups", "/api/v2/usergroups?limit=100"],
      ["/api/v2/usergroups/{id}", `/api/v2/usergroups/${groupId}`],
      ["/api/v2/usergroups/{group_id}/members", `/api/v2/usergroups/${groupId}/members?limit=100`],
      ["/api/v2/usergroups/{group_id}/membership", `/api/v2/usergroups/${groupId}/membership?limit=100`],
      // /users is served as an alias of /membership (not in the spec): same schema.
      ["/api/v2/usergroups/{group_id}/membership", `/api/v2/usergroups/${groupId}/users?limit=100`],
      ["/api/v2/usergroups/{group_id}/applications", `/api/v2/usergroups/${groupId}/applications?limit=100`],
      ["/api/v2/users/{user_id}/memberof", `/api/v2/users/${userId}/memberof?limit=100`],
      ["/api/v2/users/{user_id}/applications", `/api/v2/users/${userId}/applications?limit=100`],
      ["/api/v2/applications/{application_id}/users", `/api/v2/applications/${appId}/users?limit=100`],
      ["/api/v2/applications/{application_id}/usergroups", `/api/v2/applications/${appId}/usergroups?limit=100`],
      ["/api/v2/applications/{application_id}/associations", `/api/v2/applications/${appId}/associations?targets=user,user_group&limit=100`],
    ];
    for (const [template, path] of checks) {
      const r = await get(sim, path);
      expect(r.status, path).toBe(200);
      if (Array.isArray(r.body)) {
        expect(r.body.length, path).toBeGreaterThan(0);
        expect(r.headers.get("x-total-count"), path).not.toBeNull();
      }
      expectValid(consoleSpec, template, "GET", 200, r.body);
    }
    const created = await send(sim, "POST", "/api/v2/usergroups", { name: "Ünïcode Squad" });
    expect(created.status).toBe(201);
    expectValid(consoleSpec, "/api/v2/usergroups", "POST", 201, created.body);
    const add = await send(sim, "POST", `/api/v2/usergroups/${created.body.id}/members`, { op: "add", type: "user", id: userId });
    expect(add.status).toBe(204);
    const assoc = await send(sim, "POST", `/api/v2/applications/${appId}/associations`, { op: "add", type: "user_group", id: created.body.id });
    expect(assoc.status).toBe(204);
  });

  it("error bodies", async () => {
    const over = await get(sim, "/api/systemusers?limit=1000");
    expect(over.status).toBe(400);
    expectValid(consoleSpec, "/api/systemusers/{id}/state/suspend", "POST", 400, over.body); // trait_standardErrors_400 → Error
    const di400 = await events(sim, { service: ["directory"] });
    expectValid(diSpec, "/events", "POST", 400, di400.body);
    const di401 = await events(sim, { service: ["directory"], start_time: "2026-05-01T00:00:00Z" }, { key: "jca_wrong" });
    expectValid(diSpec, "/events", "POST", 401, di401.body);
  });

  it("Directory Insights events and count", async () => {
    const q = { service: ["all"], start_time: "2026-03-01T00:00:00Z", limit: 200 };
    const r = await events(sim, q);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(200);
    expectValid(diSpec, "/events", "POST", 200, r.body);
    const c = await events(sim, q, {}, "/events/count");
    expectValid(diSpec, "/events/count", "POST", 200, c.body);
    expect(c.body.count).toBeGreaterThan(200);
  });

  it("the no-di 402 body", async () => {
    const noDi = await startSim({ scenario: "no-di" });
    try {
      const r = await events(noDi, { service: ["all"], start_time: "2026-05-01T00:00:00Z" });
      expect(r.status).toBe(402);
      expectValid(diSpec, "/events", "POST", 402, r.body);
    } finally {
      await noDi.close();
    }
  });
});
