import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sim, startSim } from "../src/index.js";
import { events, get, send } from "./helpers.js";

describe("strictness: single-tenant demo", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 7 });
  });
  afterAll(() => sim.close());

  it("rejects a missing or unknown API key with 401", async () => {
    expect((await get(sim, "/api/systemusers", { key: null })).status).toBe(401);
    expect((await get(sim, "/api/systemusers", { key: "jca_nope" })).status).toBe(401);
    expect((await events(sim, { service: ["all"], start_time: "2026-05-01T00:00:00Z" }, { key: "jca_nope" })).status).toBe(401);
  });

  it("caps v1 and v2 limits at 100 and rejects malformed paging", async () => {
    expect((await get(sim, "/api/systemusers?limit=100")).status).toBe(200);
    const over = await get(sim, "/api/systemusers?limit=101");
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ code: 400, message: expect.stringContaining("limit") });
    expect((await get(sim, "/api/applications?limit=500")).status).toBe(400);
    expect((await get(sim, "/api/v2/usergroups?limit=101")).status).toBe(400);
    expect((await get(sim, "/api/systemusers?skip=-1")).status).toBe(400);
    expect((await get(sim, "/api/systemusers?limit=ten")).status).toBe(400);
  });

  it("defaults v1 limit to 10", async () => {
    const r = await get(sim, "/api/systemusers");
    expect(r.body.results).toHaveLength(10);
    expect(r.body.totalCount).toBe(30);
  });

  it("rejects a v1 filter without the $ prefix, and v2 filters with one", async () => {
    const noDollar = await get(sim, "/api/systemusers?filter=department:eq:Engineering");
    expect(noDollar.status).toBe(400);
    expect(noDollar.body.message).toContain("$");
    const ok = await get(sim, "/api/systemusers?filter=department:$eq:Engineering&limit=100");
    expect(ok.status).toBe(200);
    expect(ok.body.results.length).toBeGreaterThan(0);
    expect(ok.body.results.every((u: { department: string }) => u.department === "Engineering")).toBe(true);
    expect((await get(sim, "/api/systemusers?filter=department:$like:x")).status).toBe(400);
    expect((await get(sim, "/api/systemusers?filter=department:$co:Eng")).status).toBe(400);
    expect((await get(sim, "/api/systemusers?filter=department:$co:ngineer", { headers: { "x-eventually-consistent": "true" } })).status).toBe(200);
    expect((await get(sim, "/api/v2/usergroups?filter=name:$eq:Engineering")).status).toBe(400);
    const v2 = await get(sim, "/api/v2/usergroups?filter=name:eq:Engineering");
    expect(v2.status).toBe(200);
    expect(v2.body.map((g: { name: string }) => g.name)).toEqual(["Engineering"]);
  });

  it("answers 404 for unknown ids, 400 for malformed ones", async () => {
    expect((await get(sim, "/api/systemusers/5f0c4a7e2b8c1d0012345678")).status).toBe(404);
    expect((await get(sim, "/api/systemusers/not-an-id")).status).toBe(400);
    expect((await get(sim, "/api/v2/usergroups/5f0c4a7e2b8c1d0012345678/members")).status).toBe(404);
    expect((await get(sim, "/api/nope")).status).toBe(404);
  });

  it("requires targets on associations", async () => {
    const app = (await get(sim, "/api/applications?limit=1")).body.results[0];
    expect((await get(sim, `/api/v2/applications/${app.id}/associations`)).status).toBe(400);
    expect((await get(sim, `/api/v2/applications/${app.id}/associations?targets=system`)).status).toBe(400);
    expect((await get(sim, `/api/v2/applications/${app.id}/associations?targets=user,user_group`)).status).toBe(200);
  });

  it("validates DI queries: required fields, start in the future, end before start, search_after shape", async () => {
    const now = sim.clock.now();
    const start = new Date(now.getTime() - 86_400_000).toISOString();
    expect((await events(sim, { start_time: start })).status).toBe(400);
    expect((await events(sim, { service: ["directory"] })).status).toBe(400);
    expect((await events(sim, { service: ["nope"], start_time: start })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: "yesterday" })).status).toBe(400);
    const future = await events(sim, { service: ["directory"], start_time: new Date(now.getTime() + 60_000).toISOString() });
    expect(future.status).toBe(400);
    expect(future.body.message).toContain("future");
    expect((await events(sim, { service: ["directory"], start_time: start, end_time: start })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, end_time: "2000-01-01T00:00:00Z" })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, search_after: "abc" })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, fields: [] })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, fields: ["nope"] })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, surprise: 1 })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, search_term: { and: [{ changes: "x" }] } })).status).toBe(400);
    expect((await events(sim, { service: ["directory"], start_time: start, search_term: { and: [{ field: "event_type", operator: "like", value: "x" }] } })).status).toBe(400);
    expect((await send(sim, "POST", "/insights/directory/v1/events", "{not json")).status).toBe(400);
  });

  it("treats nonsensical DI limit and sort the documented way (default, silently)", async () => {
    const start = new Date(sim.clock.now().getTime() - 30 * 86_400_000).toISOString();
    const big = await events(sim, { service: ["all"], start_time: start, limit: 20_000, sort: "sideways" });
    expect(big.status).toBe(200);
    expect(big.headers.get("x-limit")).toBe("1000");
    expect(big.headers.get("x-sort")).toBe("ASC");
    const desc = await events(sim, { service: ["all"], start_time: start, limit: 5, sort: "desc" });
    expect(desc.headers.get("x-sort")).toBe("DESC");
    expect(desc.headers.get("x-limit")).toBe("5");
  });

  it("the read-only key reads but cannot write; the command runner gets 403 from DI", async () => {
    const ro = sim.credentials.readOnlyApiKey!;
    expect((await get(sim, "/api/systemusers", { key: ro })).status).toBe(200);
    expect((await send(sim, "POST", "/api/systemusers", { username: "x.y", email: "x.y@example.com" }, { key: ro })).status).toBe(403);
    const cr = sim.credentials.commandRunnerApiKey!;
    expect((await events(sim, { service: ["all"], start_time: "2026-05-01T00:00:00Z" }, { key: cr })).status).toBe(403);
  });

  it("validates user writes: required fields, username rules, duplicates, state", async () => {
    expect((await send(sim, "POST", "/api/systemusers", { email: "a@b.example" })).status).toBe(400);
    expect((await send(sim, "POST", "/api/systemusers", { username: "Jane Doe", email: "jane@b.example" })).status).toBe(400);
    expect((await send(sim, "POST", "/api/systemusers", { username: "jane@doe", email: "jane@b.example" })).status).toBe(400);
    expect((await send(sim, "POST", "/api/systemusers", { username: "jane.doe", email: "jane@b.example", favourite: 1 })).status).toBe(400);
    const existing = (await get(sim, "/api/systemusers?limit=1")).body.results[0];
    const dup = await send(sim, "POST", "/api/systemusers", { username: existing.username, email: "other@b.example" });
    expect(dup.status).toBe(400);
    expect(dup.body.message).toContain("already exists");
    expect((await send(sim, "PUT", `/api/systemusers/${existing.id}`, { state: "STAGED" })).status).toBe(400);
    expect((await send(sim, "PUT", `/api/systemusers/${existing.id}`, { state: "SUSPENDED", suspended: false })).status).toBe(400);
    expect((await send(sim, "POST", `/api/systemusers/${existing.id}/state/suspend`, { reason: "x" })).status).toBe(400);
  });
});

describe("strictness: multi-tenant (msp)", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ scenario: "msp", seed: 3 });
  });
  afterAll(() => sim.close());

  it("requires x-org-id on org-scoped routes", async () => {
    const missing = await get(sim, "/api/systemusers");
    expect(missing.status).toBe(401);
    expect(missing.body.message).toBe("ID not included for multi-tenant admin");
    expect((await get(sim, "/api/v2/usergroups")).status).toBe(401);
    expect((await events(sim, { service: ["all"], start_time: "2026-05-01T00:00:00Z" })).status).toBe(401);
  });

  it("answers 400 for a malformed x-org-id and 404 for an unknown one", async () => {
    expect((await get(sim, "/api/systemusers", { orgId: "acme" })).status).toBe(400);
    expect((await get(sim, "/api/systemusers", { orgId: "5f0c4a7e2b8c1d0012345678" })).status).toBe(404);
    expect((await events(sim, { service: ["all"], start_time: "2026-05-01T00:00:00Z" }, { orgId: "5f0c4a7e2b8c1d0012345678" })).status).toBe(404);
  });

  it("serves each org under its own x-org-id", async () => {
    const [a, b] = sim.credentials.orgs;
    const ra = await get(sim, "/api/systemusers?limit=100", { orgId: a!.id });
    const rb = await get(sim, "/api/systemusers?limit=100", { orgId: b!.id });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(ra.body.results.every((u: { organization: string }) => u.organization === a!.id)).toBe(true);
    expect(rb.body.results.every((u: { organization: string }) => u.organization === b!.id)).toBe(true);
    // A user of org A is not found under org B.
    expect((await get(sim, `/api/systemusers/${ra.body.results[0].id}`, { orgId: b!.id })).status).toBe(404);
  });

  it("lists managed orgs without x-org-id, and refuses one there", async () => {
    const list = await get(sim, "/api/organizations");
    expect(list.status).toBe(200);
    expect(list.body.totalCount).toBe(2);
    expect(list.body.results.map((o: { _id: string }) => o._id).sort()).toEqual(sim.credentials.orgs.map((o) => o.id).sort());
    expect((await get(sim, "/api/organizations", { orgId: sim.credentials.orgs[0]!.id })).status).toBe(403);
    const one = sim.credentials.orgs[1]!.id;
    expect((await get(sim, `/api/organizations/${one}`)).status).toBe(200);
    expect((await get(sim, `/api/organizations/${one}`, { orgId: sim.credentials.orgs[0]!.id })).status).toBe(400);
  });

  it("DI merges several x-org-id headers", async () => {
    const [a, b] = sim.credentials.orgs;
    const start = new Date(sim.clock.now().getTime() - 10 * 86_400_000).toISOString();
    const both = await events(sim, { service: ["all"], start_time: start, limit: 10_000 }, { orgId: [a!.id, b!.id] });
    expect(both.status).toBe(200);
    const orgs = new Set(both.body.map((e: { organization: string }) => e.organization));
    expect(orgs).toEqual(new Set([a!.id, b!.id]));
    const onlyA = await events(sim, { service: ["all"], start_time: start, limit: 10_000 }, { orgId: a!.id });
    const onlyB = await events(sim, { service: ["all"], start_time: start, limit: 10_000 }, { orgId: b!.id });
    expect(both.body.length).toBe(onlyA.body.length + onlyB.body.length);
  });
});

describe("strictness: Directory Insights disabled (no-di)", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim({ scenario: "no-di" });
  });
  afterAll(() => sim.close());

  it("answers 402 until DI is enabled", async () => {
    const q = { service: ["all"], start_time: "2026-05-01T00:00:00Z" };
    const r = await events(sim, q);
    expect(r.status).toBe(402);
    expect(r.body).toEqual({ message: "Directory Insights is not enabled for your organization" });
    expect((await events(sim, q, {}, "/events/count")).status).toBe(402);
    expect(sim.truth().portalUsage).toEqual([]);
    sim.world.setDirectoryInsights(sim.credentials.orgs[0]!.id, true);
    expect((await events(sim, q)).status).toBe(200);
    expect(sim.truth().portalUsage.length).toBeGreaterThan(0);
  });
});
