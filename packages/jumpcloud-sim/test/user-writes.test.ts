import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sim, startSim } from "../src/index.js";
import { get, send } from "./helpers.js";

/** The user writes an actions client makes: validation errors, roles, lifecycle events, write counters, stalls. */
describe("user writes", () => {
  let sim: Sim;
  beforeEach(async () => {
    sim = await startSim({ scenario: "demo", seed: 11 });
  });
  afterEach(() => sim.close());

  const lifecycle = (userId: string) =>
    sim.world
      .allEvents(sim.credentials.orgs[0]!.id)
      .filter((e) => (e.resource as { id?: string } | undefined)?.id === userId)
      .map((e) => e.event_type);

  it("a duplicate username or email is a 400 'User already exists' with ErrorDetails naming the field; a bad username a 400", async () => {
    const taken = sim.truth().users[0]!;
    const dupName = await send(sim, "POST", "/api/systemusers", { username: taken.username, email: "fresh@example.com" });
    expect(dupName.status).toBe(400);
    expect(dupName.body).toMatchObject({ code: 400, message: expect.stringMatching(/^User already exists/u), status: "Bad Request" });
    expect(dupName.body.details).toEqual([{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolationsList: [{ field: "username", description: "already exists" }] }]);
    const dupMail = await send(sim, "POST", "/api/systemusers", { username: "fresh.user", email: taken.email.toUpperCase() });
    expect(dupMail.status).toBe(400);
    expect(dupMail.body.details[0].fieldViolationsList[0].field).toBe("email");
    const bad = await send(sim, "POST", "/api/systemusers", { username: "Jane Doe", email: "jane@example.com" });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].fieldViolationsList[0]).toEqual({ field: "username", description: "invalid" });
    expect(sim.stats().writes).toEqual({ attempted: 3, applied: 0, byRoute: { "POST /api/systemusers": { attempted: 3, applied: 0 } } });
  });

  it("each write logs the Directory Insights lifecycle event JumpCloud documents, and counts as applied", async () => {
    const created = await send(sim, "POST", "/api/systemusers", { username: "Jane.van.Doe", email: "jane@example.com", state: "STAGED" });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    // A second apart: events are served in (timestamp, id) order.
    const next = () => sim.clock.advance(1_000);
    next();
    expect((await send(sim, "POST", `/api/systemusers/${id}/state/activate`, {})).status).toBe(200);
    next();
    expect((await send(sim, "POST", `/api/systemusers/${id}/state/suspend`, undefined)).status).toBe(200);
    next();
    expect((await send(sim, "PUT", `/api/systemusers/${id}`, { state: "ACTIVATED", suspended: false })).status).toBe(200);
    next();
    expect((await send(sim, "DELETE", `/api/systemusers/${id}`, undefined)).status).toBe(200);
    const types = lifecycle(id);
    expect(types[0]).toBe("user_create");
    expect(types.slice(1, 3).sort()).toEqual(["user_activated", "user_update"]);
    expect(types.slice(3, 5).sort()).toEqual(["user_suspended", "user_update"]);
    expect(types.slice(5, 7).sort()).toEqual(["user_unsuspended", "user_update"]);
    expect(types.slice(7)).toEqual(["user_delete"]);
    const update = sim.world.allEvents(sim.credentials.orgs[0]!.id).find((e) => e.event_type === "user_update" && (e.resource as { id: string }).id === id)!;
    expect(update.resource).toEqual({ id, type: "user", username: "Jane.van.Doe" });
    expect(update.changes).toContainEqual({ field: "state", from: "STAGED", to: "ACTIVATED" });
    expect(sim.stats().writes).toMatchObject({ attempted: 5, applied: 5 });
    // Reads are not writes.
    await get(sim, `/api/systemusers?filter=username:$eq:Jane.van.Doe`);
    expect(sim.stats().writes.attempted).toBe(5);
  });

  it("a Read Only admin's key reads but gets 403 on every write, and nothing changes", async () => {
    const key = sim.credentials.readOnlyApiKey!;
    const user = sim.truth().users.find((u) => u.status === "active")!;
    expect((await get(sim, `/api/systemusers/${user.id}`, { key })).status).toBe(200);
    const denied = await send(sim, "POST", `/api/systemusers/${user.id}/state/suspend`, undefined, { key });
    expect(denied.status).toBe(403);
    expect(sim.world.getUser(user.id)?.state).toBe("ACTIVATED");
    expect(sim.stats().writes).toMatchObject({ attempted: 1, applied: 0 });
  });

  it("firstN confines 5xx to the first requests; a stall after applying is a write the caller never hears about", async () => {
    const user = sim.truth().users.find((u) => u.status === "active")!;
    sim.faults.set({ rate5xx: 1, statuses5xx: [503], firstN: 2, onlyRoutes: ["POST /api/systemusers/{id}/state/suspend"] });
    const path = `/api/systemusers/${user.id}/state/suspend`;
    expect((await send(sim, "POST", path, undefined)).status).toBe(503);
    expect(sim.world.getUser(user.id)?.state).toBe("ACTIVATED");
    expect((await send(sim, "POST", path, undefined)).status).toBe(503);
    expect((await send(sim, "POST", path, undefined)).status).toBe(200);
    expect(sim.world.getUser(user.id)?.state).toBe("SUSPENDED");

    sim.faults.set({ stallRate: 1, stallMs: 300, firstN: 1, onlyRoutes: ["POST /api/systemusers"] });
    const stalled = await send(sim, "POST", "/api/systemusers", { username: "stalled.user", email: "stalled@example.com" }).catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(Error);
    const found = await get(sim, `/api/systemusers?filter=username:$eq:stalled.user`);
    expect(found.body.totalCount).toBe(1);
    expect(sim.stats().faults.stall).toBe(1);

    sim.faults.set({ stallRate: 1, stallMs: 100, stallAfterApply: false, onlyRoutes: ["POST /api/systemusers"] });
    await expect(send(sim, "POST", "/api/systemusers", { username: "never.user", email: "never@example.com" })).rejects.toThrow();
    expect((await get(sim, `/api/systemusers?filter=username:$eq:never.user`)).body.totalCount).toBe(0);
  });
});
