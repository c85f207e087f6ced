import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { z } from "zod";
import type { ActionDto, AuditEntryDto, SubmitActionsResultDto } from "../../src/actions/actions.schemas.js";
import { ActionConfirmer } from "../../src/actions/action-confirmer.js";
import type { AccountDto, ProblemDto, UserDto } from "../../src/api/api.schemas.js";
import { startApiApp, waitFor, type ApiApp, type ApiResult } from "../support/api-app.js";
import { testDatabases } from "../support/databases.js";

type Result = SubmitActionsResultDto;
type Audit = z.infer<typeof AuditEntryDto>;
type Page<T> = { items: T[]; nextCursor: string | null };
const PROBLEM = "application/problem+json";
const PASSWORD = "Hunter2-correct-horse";

function expectProblem(res: ApiResult, status: number): asserts res is ApiResult<ProblemDto> {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain(PROBLEM);
}

// One service, one stand-in per database: the cases run in order, as an operator would act
// (connect → refuse what is not allowed → preview → act → retry → bulk → faults → audit).
for (const { name: database, skip } of testDatabases("actions suite")) describe.skipIf(skip)(`actions against the stand-in (${database})`, () => {
  let sim: Sim;
  let api: ApiApp;
  let secret: string;
  let scopeId: string;
  let readScopeId: string;
  let readOnlyAdminScopeId: string;
  const logs: string[] = [];

  const act = (body: Record<string, unknown>, headers: Record<string, string> = {}) => api.call<Result>("POST", "/v1/actions", { body, headers });
  const writes = () => sim.stats().writes;
  async function settled(actionId: string): Promise<ActionDto> {
    return waitFor(`action ${actionId} to finish`, async () => {
      const res = await api.call<ActionDto>("GET", `/v1/actions/${actionId}`);
      expect(res.status, res.text).toBe(200);
      return res.body.state === "succeeded" || res.body.state === "failed" ? res.body : null;
    });
  }
  const simUser = (id: string) => sim.world.getUser(id);
  const storedUser = async (id: string) => (await api.call<z.infer<typeof UserDto>>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/users/${id}`)).body;
  const activeUsers = () => sim.truth().users.filter((u) => u.status === "active" && u.adminRole === null);

  async function addAccount(name: string, apiKey: string, permission: "read" | "read-and-act"): Promise<string> {
    const res = await api.call<AccountDto>("POST", "/v1/accounts", {
      body: { name, apiKey, permission, endpoints: { consoleBaseUrl: sim.consoleBaseUrl, insightsBaseUrl: sim.insightsBaseUrl } },
    });
    expect(res.status, res.text).toBe(201);
    return res.body.scopes[0]!.id;
  }

  beforeAll(async () => {
    // Wall time: retries wait real backoff delays, and the queue is ordered by when actions came.
    sim = await startSim({ scenario: "demo", seed: 21, lateEventMaxMs: 0, clock: createTickingClock() });
    api = await startApiApp({ clock: sim.clock, database, logs, env: { JCS_LOG_LEVEL: "info", JCS_REQUEST_TIMEOUT_MS: "400", JCS_RETRY_MAX_ATTEMPTS: "4" } });
    secret = (await api.store.tokens.createToken("ops-console", sim.clock.now())).secret;
    api.token = secret;
    scopeId = await addAccount("acting", sim.credentials.apiKey, "read-and-act");
    readScopeId = await addAccount("reading", sim.credentials.apiKey, "read");
    readOnlyAdminScopeId = await addAccount("read-only-admin", sim.credentials.readOnlyApiKey!, "read-and-act");
    const sync = await api.call("POST", "/v1/syncs", { body: { scopeIds: [scopeId] } });
    expect(sync.status, sync.text).toBe(202);
    await waitFor("the first sync", async () => {
      const runs = (await api.call<Page<{ state: string; stream: string }>>("GET", `/v1/runs?scopeId=${encodeURIComponent(scopeId)}`)).body.items;
      // Every stream a pass runs (the directory's and the MDM module's) has finished.
      const streams = ["directory", "usage", "devices", "managed-apps", "software-events"];
      return runs.every((r) => r.state === "succeeded") && streams.every((s) => runs.some((r) => r.stream === s));
    });
    sim.resetStats();
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it("needs a token; bad input is a 400 naming each field, before anything is read", async () => {
    for (const [method, path] of [["POST", "/v1/actions"], ["GET", "/v1/actions"], ["GET", "/v1/actions/x"], ["GET", "/v1/audit"]] as const) {
      expectProblem(await api.call(method, path, { token: null, ...(method === "POST" ? { body: {} } : {}) }), 401);
    }
    const bad = await act({ scopeId, action: "disable", users: [] });
    expectProblem(bad, 400);
    const both = await act({ scopeId, action: "suspend", users: [{ userId: "a", username: "b" }] });
    expectProblem(both, 400);
    expect(both.body.errors?.[0]?.path).toMatch(/^users\.0/u);
    const none = await act({ scopeId, action: "suspend", users: [] });
    expectProblem(none, 400);
    const noEmail = await act({ scopeId, action: "create", users: [{ username: "x.y" }] });
    expectProblem(noEmail, 400);
    expect(noEmail.body.errors?.map((e) => e.path)).toEqual(["users.0.email"]);
    const badKey = await act({ scopeId, action: "suspend", users: [{ userId: "a" }] }, { "idempotency-key": "a key with spaces" });
    expectProblem(badKey, 400);
    expect((await api.call("GET", "/v1/audit?outcome=maybe")).status).toBe(400);
    expect(sim.stats().total).toBe(0);
  });

  it("refuses an account connected with `read`: 403 saying why, nothing sent upstream, audited", async () => {
    const user = activeUsers()[0]!;
    const res = await act({ scopeId: readScopeId, action: "suspend", users: [{ userId: user.id }] });
    expectProblem(res, 403);
    expect(res.body.detail).toMatch(/permission "read".*read-and-act/su);
    expect(sim.stats().total).toBe(0);
    const audit = await api.call<Page<Audit>>("GET", `/v1/audit?action=user.suspend&outcome=refused`);
    expect(audit.body.items[0]).toMatchObject({ actor: "token:ops-console", target: `scope:${readScopeId}`, outcome: "refused" });
  });

  it("dry run: validates with reads, says what would change, writes nothing and queues nothing", async () => {
    const [a] = activeUsers();
    const res = await act({ scopeId, action: "suspend", dryRun: true, users: [{ userId: a!.id }] });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items[0]).toMatchObject({ outcome: "would-change", userId: a!.id, from: "active", to: "suspended", actionId: null });
    expect(res.body.items[0]!.requests).toEqual([
      { method: "GET", path: `/api/systemusers/${a!.id}`, status: 200, phase: "read" },
      { method: "POST", path: `/api/systemusers/${a!.id}/state/suspend`, status: null, phase: "write" },
    ]);
    const create = await act({ scopeId, action: "create", dryRun: true, users: [{ firstName: "Jane", lastName: " van  Doe", email: "jane.vandoe@example.com" }] });
    expect(create.status, create.text).toBe(200);
    expect(create.body.items[0]).toMatchObject({ outcome: "would-change", username: "Jane.van.Doe", to: "staged" });
    expect(writes().attempted).toBe(0);
    expect((await api.call<Page<ActionDto>>("GET", "/v1/actions")).body.items).toEqual([]);
    expect(simUser(a!.id)?.state).toBe("ACTIVATED");
    const audit = await api.call<Page<Audit>>("GET", "/v1/audit?action=user.&outcome=previewed");
    expect(audit.body.items.map((e) => e.action).sort()).toEqual(["user.create", "user.suspend"]);
    expect(audit.body.items.every((e) => e.details.dryRun === true)).toBe(true);
  });

  it("a password is never taken (it would wait in the durable queue): 400, and it is not echoed", async () => {
    const res = await act({ scopeId, action: "create", users: [{ username: "with.password", email: "pw@example.com", password: PASSWORD }] });
    expectProblem(res, 400);
    expect(res.body.errors?.[0]).toMatchObject({ location: "body", path: "users.0" });
    expect(res.text).not.toContain(PASSWORD);
  });

  it("a username that still breaks JumpCloud's rules: a clear 400 naming the rule and the characters, no call upstream", async () => {
    const before = sim.stats().total;
    const res = await act({ scopeId, action: "create", users: [{ firstName: "José", lastName: "O'Neil", email: "jose@example.com" }] });
    expectProblem(res, 400);
    expect(res.body.type).toBe("urn:jumpcloud-sync:problem:invalid-username");
    expect(res.body.detail).toContain(`offending: "é", "'"`);
    expect(res.body.detail).toMatch(/letters, digits/u);
    expect(sim.stats().total).toBe(before);
  });

  let janeId: string;
  it("create: `Jane  van Doe` becomes Jane.van.Doe, staged, read back, and the store shows it at once", async () => {
    const res = await act({ scopeId, action: "create", users: [{ firstName: "Jane", lastName: " van  Doe", email: "jane.vandoe@example.com" }] });
    expect(res.status, res.text).toBe(202);
    const item = res.body.items[0]!;
    expect(item).toMatchObject({ outcome: "accepted", username: "Jane.van.Doe" });
    const done = await settled(item.actionId!);
    expect(done, JSON.stringify(done)).toMatchObject({ state: "succeeded", action: "create", username: "Jane.van.Doe", to: "staged", attempts: 1, confirmation: "pending" });
    janeId = done.userId!;
    expect(simUser(janeId)).toMatchObject({ username: "Jane.van.Doe", email: "jane.vandoe@example.com", firstname: "Jane", lastname: "van  Doe", state: "STAGED" });
    expect(done.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /api/systemusers?filter=username:$eq:Jane.van.Doe 200",
      "GET /api/systemusers?filter=email:$eq:jane.vandoe@example.com 200",
      "POST /api/systemusers 200",
    ]);
    expect(await storedUser(janeId)).toMatchObject({ username: "Jane.van.Doe", status: "staged" });
  });

  it("a create for a username or email that exists is a 409, never a duplicate", async () => {
    const dupName = await act({ scopeId, action: "create", users: [{ username: "Jane.van.Doe", email: "other@example.com" }] });
    expectProblem(dupName, 409);
    expect(dupName.body.detail).toContain(`already taken by JumpCloud user ${janeId}`);
    const dupMail = await act({ scopeId, action: "create", users: [{ username: "jane.two", email: "JANE.VANDOE@example.com" }] });
    expectProblem(dupMail, 409);
    expect(sim.truth().users.filter((u) => u.email.toLowerCase() === "jane.vandoe@example.com")).toHaveLength(1);
    expect(writes().byRoute["POST /api/systemusers"]?.attempted).toBe(1);
  });

  it("activate (staged → active), then a second activate is no change; unsuspend of an active user is no change", async () => {
    const res = await act({ scopeId, action: "activate", users: [{ username: "Jane.van.Doe" }] });
    expect(res.status, res.text).toBe(202);
    const done = await settled(res.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "succeeded", from: "staged", to: "active" });
    expect(simUser(janeId)?.state).toBe("ACTIVATED");
    expect((await storedUser(janeId)).status).toBe("active");
    const again = await act({ scopeId, action: "activate", users: [{ userId: janeId }] });
    expect(again.status).toBe(200);
    expect(again.body.items[0]).toMatchObject({ outcome: "no-change", actionId: null });
    expect(writes().byRoute["POST /api/systemusers/{id}/state/activate"]?.attempted).toBe(1);
  });

  it("suspend with an Idempotency-Key: a retry returns the first answer and acts once; the key with another body is a 422", async () => {
    const headers = { "idempotency-key": "suspend-jane-1" };
    const first = await act({ scopeId, action: "suspend", users: [{ userId: janeId }] }, headers);
    expect(first.status, first.text).toBe(202);
    const retry = await act({ scopeId, action: "suspend", users: [{ userId: janeId }] }, headers);
    expect(retry.status).toBe(202);
    expect(retry.headers.get("idempotency-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    const done = await settled(first.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "succeeded", from: "active", to: "suspended" });
    const third = await act({ scopeId, action: "suspend", users: [{ userId: janeId }] }, headers);
    expect(third.body).toEqual(first.body);
    expect((await api.call<Page<ActionDto>>("GET", `/v1/actions?userId=${janeId}&action=suspend`)).body.items).toHaveLength(1);
    expect(writes().byRoute["POST /api/systemusers/{id}/state/suspend"]).toEqual({ attempted: 1, applied: 1 });
    expect(simUser(janeId)?.state).toBe("SUSPENDED");
    expect((await storedUser(janeId)).status).toBe("suspended");

    const reused = await act({ scopeId, action: "delete", users: [{ userId: janeId }] }, headers);
    expectProblem(reused, 422);
    expect(reused.body.type).toBe("urn:jumpcloud-sync:problem:idempotency-key-reused");
    // Another token's key space is its own.
    const other = (await api.store.tokens.createToken("ops-other", sim.clock.now())).secret;
    const otherRes = await api.call<Result>("POST", "/v1/actions", { token: other, headers, body: { scopeId, action: "suspend", dryRun: true, users: [{ userId: janeId }] } });
    expect(otherRes.status).toBe(200);
    expect(otherRes.body.items[0]!.outcome).toBe("no-change");
  });

  it("unsuspend the way JumpCloud's own tools do it (PUT state ACTIVATED, suspended false); activate on a suspended user is refused", async () => {
    const wrong = await act({ scopeId, action: "activate", users: [{ userId: janeId }] });
    expectProblem(wrong, 409);
    expect(wrong.body.detail).toMatch(/use unsuspend/u);
    const res = await act({ scopeId, action: "unsuspend", users: [{ userId: janeId }] });
    const done = await settled(res.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "succeeded", from: "suspended", to: "active" });
    expect(done.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /api/systemusers/${janeId}`]);
    expect(simUser(janeId)?.state).toBe("ACTIVATED");
  });

  it("the confirmation: Directory Insights' events confirm each done action", async () => {
    const pass = await api.app.get(ActionConfirmer).confirmPending();
    expect(pass.notConfirmed).toBe(0);
    const all = (await api.call<Page<ActionDto>>("GET", `/v1/actions?userId=${janeId}`)).body.items;
    expect(Object.fromEntries(all.map((a) => [a.action, a.confirmation]))).toEqual({ unsuspend: "confirmed", suspend: "confirmed", activate: "confirmed", create: "confirmed" });
    expect(all.find((a) => a.action === "suspend")!.confirmationDetail).toMatch(/Directory Insights logged user_suspended/u);
  });

  it("delete: gone upstream, a tombstone in the store at once, confirmed by its user_delete event", async () => {
    const res = await act({ scopeId, action: "delete", users: [{ userId: janeId }] });
    const done = await settled(res.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "succeeded", to: "deleted" });
    expect(simUser(janeId)).toBeUndefined();
    expect(await storedUser(janeId)).toMatchObject({ status: "deleted" });
    const pass = await api.app.get(ActionConfirmer).confirmPending();
    expect(pass.confirmed).toBe(1);
    expect((await api.call<ActionDto>("GET", `/v1/actions/${done.id}`)).body.confirmation).toBe("confirmed");
  });

  it("JumpCloud's own 403 (the key's admin is Read Only) is reported as that, and not retried", async () => {
    const user = activeUsers()[1]!;
    const res = await act({ scopeId: readOnlyAdminScopeId, action: "suspend", users: [{ userId: user.id }] });
    expect(res.status, res.text).toBe(202);
    const done = await settled(res.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "failed", attempts: 1, failure: { code: "jumpcloud-forbidden" } });
    expect(done.failure!.message).toMatch(/403.*lacks the role/su);
    expect(simUser(user.id)?.state).toBe("ACTIVATED");
  });

  it("bulk: one action for many users, a result per item, a partial failure", async () => {
    const [a, b, c] = activeUsers().slice(2, 5);
    const res = await act({ scopeId, action: "suspend", users: [{ userId: a!.id }, { userId: "0123456789abcdef01234567" }, { userId: b!.id }, { username: c!.username }, { userId: a!.id }] });
    expect(res.status, res.text).toBe(202);
    expect(res.body.summary).toEqual({ accepted: 3, noChange: 0, wouldChange: 0, refused: 2 });
    expect(res.body.items.map((i) => [i.index, i.outcome, i.problem?.status ?? null])).toEqual([
      [0, "accepted", null],
      [1, "refused", 404],
      [2, "accepted", null],
      [3, "accepted", null],
      [4, "refused", 409],
    ]);
    const batch = await api.call<Page<ActionDto>>("GET", `/v1/actions?batchId=${res.body.batchId}`);
    expect(batch.body.items).toHaveLength(3);
    for (const item of res.body.items.filter((i) => i.actionId !== null)) expect((await settled(item.actionId!)).state).toBe("succeeded");
    for (const u of [a, b, c]) expect(simUser(u!.id)?.state).toBe("SUSPENDED");
  });

  it("a transient 503 is retried (reading first) and succeeds; past the bound it fails with the reason", async () => {
    const [u, v] = activeUsers().slice(5, 7);
    sim.faults.set({ rate5xx: 1, statuses5xx: [503], firstN: 2, onlyRoutes: ["POST /api/systemusers/{id}/state/suspend"] });
    const res = await act({ scopeId, action: "suspend", users: [{ userId: u!.id }] });
    const done = await settled(res.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "succeeded", attempts: 3 });
    expect(done.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", "POST 503", "GET 200", "POST 503", "GET 200", "POST 200", "GET 200"]);
    const retries = await api.call<Page<Audit>>("GET", `/v1/audit?target=${encodeURIComponent(`scope:${scopeId}/user:${u!.id}`)}`);
    expect(retries.body.items.filter((e) => e.details.retrying === true)).toHaveLength(2);

    sim.faults.set({ rate5xx: 1, statuses5xx: [503], onlyRoutes: ["POST /api/systemusers/{id}/state/suspend"] });
    const hopeless = await act({ scopeId, action: "suspend", users: [{ userId: v!.id }] });
    const failed = await settled(hopeless.body.items[0]!.actionId!);
    sim.faults.clear();
    expect(failed).toMatchObject({ state: "failed", attempts: 4, failure: { code: "jumpcloud-unavailable" } });
    expect(failed.failure!.message).toMatch(/^gave up after 4 attempts/u);
    expect(simUser(v!.id)?.state).toBe("ACTIVATED");
  });

  it("a 200 that JumpCloud did not apply (an unreadable answer, the state unchanged when read back) is retried, reading first", async () => {
    const u = activeUsers()[10]!;
    const before = writes().byRoute["POST /api/systemusers/{id}/state/suspend"] ?? { attempted: 0, applied: 0 };
    sim.faults.set({ malformedBodyRate: 1, firstN: 1, onlyRoutes: ["POST /api/systemusers/{id}/state/suspend"] });
    const res = await act({ scopeId, action: "suspend", users: [{ userId: u.id }] });
    const done = await settled(res.body.items[0]!.actionId!);
    sim.faults.clear();
    expect(done, JSON.stringify(done)).toMatchObject({ state: "succeeded", attempts: 2 });
    expect(done.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200", "POST 200", "GET 200", "GET 200", "GET 200", "GET 200", "POST 200", "GET 200"]);
    const after = writes().byRoute["POST /api/systemusers/{id}/state/suspend"]!;
    expect([after.attempted - before.attempted, after.applied - before.applied]).toEqual([2, 1]);
    expect(simUser(u.id)?.state).toBe("SUSPENDED");
  });

  it("a create whose answer never came (timed out after JumpCloud applied it) is found by reading, not sent twice", async () => {
    sim.faults.set({ stallRate: 1, stallMs: 2_000, firstN: 1, onlyRoutes: ["POST /api/systemusers"] });
    const before = writes().byRoute["POST /api/systemusers"]?.applied ?? 0;
    const res = await act({ scopeId, action: "create", users: [{ username: "late.answer", email: "late.answer@example.com", state: "activated" }] });
    const done = await settled(res.body.items[0]!.actionId!);
    sim.faults.clear();
    expect(done, JSON.stringify(done)).toMatchObject({ state: "succeeded", attempts: 2, to: "active" });
    expect(done.requests.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`)).toEqual([
      "GET /api/systemusers 200",
      "GET /api/systemusers 200",
      "POST /api/systemusers null",
      "GET /api/systemusers 200",
    ]);
    expect(writes().byRoute["POST /api/systemusers"]!.applied - before).toBe(1);
    expect(sim.truth().users.filter((u) => u.username === "late.answer")).toHaveLength(1);
    const audit = await api.call<Page<Audit>>("GET", `/v1/audit?target=${encodeURIComponent(`scope:${scopeId}/user:${done.userId}`)}&outcome=succeeded`);
    expect(audit.body.items[0]!.details.note).toMatch(/earlier attempt/u);
  });

  it("JumpCloud's 409 (deleting a user who manages others) fails the action with JumpCloud's reason; nothing is deleted", async () => {
    const managerIds = new Set(sim.truth().users.map((u) => u.managerId).filter((m): m is string => m !== null));
    const manager = sim.truth().users.find((u) => managerIds.has(u.id))!;
    const res = await act({ scopeId, action: "delete", users: [{ userId: manager.id }] });
    expect(res.status, res.text).toBe(202);
    const done = await settled(res.body.items[0]!.actionId!);
    expect(done).toMatchObject({ state: "failed", attempts: 1, failure: { code: "conflict" } });
    expect(done.failure!.message).toMatch(/409.*manages/su);
    expect(simUser(manager.id)).toBeDefined();
    expect((await storedUser(manager.id)).status).not.toBe("deleted");
  });

  it("without Directory Insights the next directory sync confirms (or contradicts) an action; past the window it is not confirmed, with why", async () => {
    const orgId = sim.credentials.orgs[0]!.id;
    sim.world.setDirectoryInsights(orgId, false);
    try {
      const [x, y, z] = activeUsers().slice(7, 10);
      const ids: string[] = [];
      for (const u of [x, y]) {
        const res = await act({ scopeId, action: "suspend", users: [{ userId: u!.id }] });
        ids.push((await settled(res.body.items[0]!.actionId!)).id);
      }
      const confirmer = api.app.get(ActionConfirmer);
      await confirmer.confirmPending();
      for (const id of ids) expect((await api.call<ActionDto>("GET", `/v1/actions/${id}`)).body.confirmation).toBe("pending");

      // Someone unsuspends y in the JumpCloud console before the sync runs.
      sim.world.updateUser(y!.id, { status: "active" });
      const before = (await api.call<Page<{ state: string }>>("GET", `/v1/runs?scopeId=${encodeURIComponent(scopeId)}&stream=directory`)).body.items.length;
      expect((await api.call("POST", "/v1/syncs", { body: { scopeIds: [scopeId] } })).status).toBe(202);
      // The pass POST /v1/syncs starts runs in the background: wait for one more finished directory
      // run than before (the earlier condition, on all streams' runs, could hold before it started).
      await waitFor("a directory sync", async () => {
        const directory = (await api.call<Page<{ state: string }>>("GET", `/v1/runs?scopeId=${encodeURIComponent(scopeId)}&stream=directory`)).body.items;
        const runs = (await api.call<Page<{ state: string }>>("GET", `/v1/runs?scopeId=${encodeURIComponent(scopeId)}`)).body.items;
        return directory.filter((r) => r.state !== "running").length > before && runs.every((r) => r.state !== "running");
      });
      await confirmer.confirmPending();
      const [ofX, ofY] = await Promise.all(ids.map(async (id) => (await api.call<ActionDto>("GET", `/v1/actions/${id}`)).body));
      expect(ofX).toMatchObject({ confirmation: "confirmed", confirmationDetail: expect.stringMatching(/directory sync at .* saw the user suspended/u) });
      expect(ofY).toMatchObject({ confirmation: "not-confirmed", confirmationDetail: expect.stringMatching(/saw the user active, expected suspended/u) });

      const res = await act({ scopeId, action: "suspend", users: [{ userId: z!.id }] });
      const late = await settled(res.body.items[0]!.actionId!);
      await confirmer.confirmPending({ windowMs: 0 });
      const ofZ = (await api.call<ActionDto>("GET", `/v1/actions/${late.id}`)).body;
      expect(ofZ.confirmation).toBe("not-confirmed");
      expect(ofZ.confirmationDetail).toMatch(/Directory Insights is not enabled.*no directory sync has run since/u);
    } finally {
      sim.world.setDirectoryInsights(orgId, true);
    }
  });

  it("the audit trail has every request and outcome, pages with cursors, and no response, log line or audit row holds a key, token or password", async () => {
    const all: Audit[] = [];
    let cursor: string | null = null;
    do {
      const res: ApiResult<Page<Audit>> = await api.call<Page<Audit>>("GET", `/v1/audit?limit=7${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(res.status).toBe(200);
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    const outcomes = new Set(all.filter((e) => e.action.startsWith("user.")).map((e) => e.outcome));
    expect([...outcomes].sort()).toEqual(["accepted", "failed", "previewed", "refused", "succeeded"]);
    const ids = all.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((x, y) => y - x));
    const done = all.find((e) => e.action === "user.suspend" && e.outcome === "succeeded")!;
    expect(done.actor).toBe("token:ops-console");
    expect(done.details.jumpcloud).toContainEqual({ method: "POST", path: expect.stringMatching(/\/state\/suspend$/u), status: 200 });

    const secrets = [sim.credentials.apiKey, sim.credentials.readOnlyApiKey!, secret, PASSWORD];
    const haystacks = [...api.bodies, ...logs, JSON.stringify(all), JSON.stringify((await api.store.audit.list({ limit: 1000 })).items)];
    expect(logs.length).toBeGreaterThan(5);
    for (const text of haystacks) for (const s of secrets) expect(text.includes(s), `a secret leaked into: ${text.slice(0, 200)}`).toBe(false);
  });
});
