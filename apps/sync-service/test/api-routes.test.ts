import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { z } from "zod";
import type { AccountDto, ApplicationDto, ApplicationUserDto, ProblemDto, RunDto, ScopeDto, SyncScheduledDto, UserDto } from "../src/api/api.schemas.js";
import type { DeviceDetailDto, DeviceDto, InstalledAppDto, ManagedAppDto } from "../src/api/mdm.schemas.js";
import { ScopeRuns } from "../src/sync/scope-runs.js";
import { simAccountBody, startApiApp, waitFor, type ApiApp, type ApiResult } from "./support/api-app.js";
import { testDatabases } from "./support/databases.js";

type Page<T> = { items: T[]; nextCursor: string | null };
type Account = AccountDto;
type User = z.infer<typeof UserDto>;
type Application = z.infer<typeof ApplicationDto>;
type ApplicationUser = z.infer<typeof ApplicationUserDto>;
type Device = z.infer<typeof DeviceDto>;
type DeviceDetail = z.infer<typeof DeviceDetailDto>;
type InstalledApp = z.infer<typeof InstalledAppDto>;
type ManagedApp = z.infer<typeof ManagedAppDto>;

// One service and one stand-in for the whole file: the cases run in order and build on each other
// (account added → synced → browsed → changed → refused → forced → removed), as a consumer would.

const PROBLEM = "application/problem+json";
/** Every registered stream, in registration order (a pass over a scope runs them all). */
const STREAMS = ["directory", "usage", "devices", "managed-apps", "software-events"];

function expectProblem(res: ApiResult, status: number): asserts res is ApiResult<ProblemDto> {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain(PROBLEM);
  expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String), instance: expect.stringMatching(/^\//u) });
}

async function pageAll<T>(api: ApiApp, path: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res: ApiResult<Page<T>> = await api.call<Page<T>>("GET", `${path}${sep}limit=${limit}${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages += 1;
  } while (cursor !== null);
  return { items, pages };
}

for (const { name: database, skip } of testDatabases("API suite")) describe.skipIf(skip)(`HTTP API against the stand-in (${database}, app listening on an ephemeral port)`, () => {
  let sim: Sim;
  let api: ApiApp;
  let secret: string;
  let revokedSecret: string;
  let accountId: string;
  let scopeId: string;

  async function runsOf(scope: string): Promise<RunDto[]> {
    return (await api.call<Page<RunDto>>("GET", `/v1/runs?scopeId=${encodeURIComponent(scope)}&limit=500`)).body.items;
  }

  /** Waits until `count` more runs of the scope have finished than before. */
  async function waitForRuns(scope: string, before: number, count = STREAMS.length): Promise<RunDto[]> {
    return waitFor(`${count} finished runs of ${scope}`, async () => {
      const runs = await runsOf(scope);
      const finished = runs.filter((r) => r.state !== "running");
      return finished.length >= before + count && runs.every((r) => r.state !== "running") ? runs : null;
    });
  }

  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 7 });
    api = await startApiApp({ clock: sim.clock, database });
    secret = (await api.store.tokens.createToken("consumer-a", sim.clock.now())).secret;
    revokedSecret = (await api.store.tokens.createToken("gone", sim.clock.now())).secret;
    await api.store.tokens.revokeToken("gone", sim.clock.now());
    api.token = secret;
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it("health, readiness, metrics and the OpenAPI document need no token", async () => {
    for (const path of ["/health", "/health/live"]) {
      const res = await api.call("GET", path, { token: null });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "ok" });
    }
    const ready = await api.call("GET", "/health/ready", { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ok", runningScopes: 0, pastFreshnessTarget: { count: 0, items: [] } });
    const metrics = await api.call("GET", "/metrics", { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const doc = await api.call<{ openapi: string }>("GET", "/openapi.json", { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./u);
  });

  it("rejects a missing, malformed, unknown or revoked token with 401 problem+json", async () => {
    const missing = await api.call("GET", "/v1/accounts", { token: null });
    expectProblem(missing, 401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect(missing.body.detail).toContain("Authorization: Bearer");
    const basic = await api.call("GET", "/v1/accounts", { token: null, headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expectProblem(basic, 401);
    const unknown = await api.call("GET", "/v1/users", { token: "jcs_not-a-real-token" });
    expectProblem(unknown, 401);
    expect(unknown.body.detail).toMatch(/unknown or revoked/u);
    const revoked = await api.call("POST", "/v1/syncs", { token: revokedSecret, body: {} });
    expectProblem(revoked, 401);
    expect(revoked.body.type).toBe("urn:jumpcloud-sync:problem:invalid-token");
    // Every /v1 route is guarded, whatever the method.
    for (const [method, path] of [["GET", "/v1/scopes"], ["GET", "/v1/runs"], ["GET", "/v1/applications"], ["DELETE", "/v1/accounts/x?data=keep"], ["PATCH", "/v1/accounts/x"]] as const) {
      expectProblem(await api.call(method, path, { token: null }), 401);
    }
  });

  it("validates account input: 400 with errors[] for bad fields, 422 for a key JumpCloud rejects", async () => {
    const empty = await api.call("POST", "/v1/accounts", { body: {} });
    expectProblem(empty, 400);
    expect(empty.body.errors?.map((e) => e.path).sort()).toEqual(["apiKey", "name"]);
    expect(empty.body.errors?.every((e) => e.location === "body")).toBe(true);

    const extra = await api.call("POST", "/v1/accounts", { body: simAccountBody(sim, { colour: "blue", scheduleMinutes: 0 }) });
    expectProblem(extra, 400);
    expect(extra.body.detail).toContain("scheduleMinutes");

    const both = await api.call("POST", "/v1/accounts", { body: simAccountBody(sim, { orgId: "x", allOrgs: true }) });
    expectProblem(both, 400);
    expect(both.body.detail).toContain("not both");

    const notJson = await api.call("POST", "/v1/accounts", { rawBody: "{not json" });
    expectProblem(notJson, 400);
    const noBody = await api.call("POST", "/v1/accounts");
    expectProblem(noBody, 400);
    expect(noBody.body.detail).toContain("JSON body");

    const badKey = await api.call("POST", "/v1/accounts", { body: simAccountBody(sim, { apiKey: "definitely-not-the-key" }) });
    expectProblem(badKey, 422);
    expect(badKey.body.type).toBe("urn:jumpcloud-sync:problem:account-invalid-key");
    expect(badKey.text).not.toContain("definitely-not-the-key");
  });

  it("adds an account (201, key never returned) and lists and gets it", async () => {
    const created = await api.call<Account>("POST", "/v1/accounts", { body: simAccountBody(sim, { name: "Stand-in org", scheduleMinutes: 30 }) });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name: "Stand-in org", paused: false, scheduleMinutes: 30, multiTenant: false, needsAttention: false });
    expect(created.body).not.toHaveProperty("apiKey");
    expect(created.body.scopes).toHaveLength(1);
    accountId = created.body.id;
    scopeId = created.body.scopes[0]!.id;
    expect(created.body.scopes[0]!.streams.map((s: { stream: string; freshness: string }) => [s.stream, s.freshness])).toEqual(STREAMS.map((s) => [s, "never"]));

    const list = await api.call<Page<Account>>("GET", "/v1/accounts");
    expect(list.status).toBe(200);
    expect(list.body.items.map((a) => a.id)).toEqual([accountId]);
    expect(list.body.nextCursor).toBeNull();

    const one = await api.call<Account>("GET", `/v1/accounts/${accountId}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(accountId);
    expectProblem(await api.call("GET", "/v1/accounts/no-such-account"), 404);

    // The audit names the token.
    const audit = await api.store.audit.list({ target: `account:${accountId}`, limit: 10 });
    expect(audit.items.map((e) => [e.action, e.actor])).toContainEqual(["account.create", "token:consumer-a"]);
  });

  it("pages accounts with a stable cursor and filters them by updatedSince", async () => {
    const second = await api.call<Account>("POST", "/v1/accounts", { body: simAccountBody(sim, { name: "Second" }) });
    expect(second.status, second.text).toBe(201);
    const { items, pages } = await pageAll<Account>(api, "/v1/accounts", 1);
    expect(pages).toBe(2);
    expect(items.map((a) => a.id).sort()).toEqual([accountId, second.body.id].sort());

    const future = new Date(sim.clock.now().getTime() + 3_600_000).toISOString();
    expect((await api.call<Page<Account>>("GET", `/v1/accounts?updatedSince=${encodeURIComponent(future)}`)).body.items).toEqual([]);
    const since = await api.call<Page<Account>>("GET", `/v1/accounts?updatedSince=${encodeURIComponent(second.body.updatedAt)}`);
    expect(since.body.items.map((a) => a.id)).toContain(second.body.id);

    expectProblem(await api.call("GET", "/v1/accounts?cursor=garbage"), 400);
    const badDate = await api.call("GET", "/v1/accounts?updatedSince=yesterday");
    expectProblem(badDate, 400);
    expect(badDate.body.errors).toEqual([{ location: "query", path: "updatedSince", message: expect.any(String) }]);

    const removed = await api.call("DELETE", `/v1/accounts/${second.body.id}?data=purge`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe("");
  });

  it("triggers a sync (202 with what was scheduled) and records runs with counters", async () => {
    expectProblem(await api.call("POST", "/v1/syncs", { body: { scopeIds: ["nope"] } }), 404);
    expectProblem(await api.call("POST", "/v1/syncs", { body: { scopeIds: [] } }), 400);
    const accepted = await api.call<SyncScheduledDto>("POST", "/v1/syncs", { body: {} });
    expect(accepted.status, accepted.text).toBe(202);
    expect(accepted.body).toEqual({ scheduled: [{ scopeId, accountId, streams: STREAMS }], skipped: [] });
    const runs = await waitForRuns(scopeId, 0);
    expect(runs.map((r) => [r.stream, r.state, r.trigger])).toEqual(expect.arrayContaining([["directory", "succeeded", "manual"], ["usage", "succeeded", "manual"]]));
    const directory = runs.find((r) => r.stream === "directory")!;
    expect(directory.counters.requests).toBeGreaterThan(0);
    expect(directory.counters.created).toBeGreaterThan(0);
    expect(directory.durationMs).toBeGreaterThanOrEqual(0);

    const paged = await pageAll<RunDto>(api, `/v1/runs?scopeId=${encodeURIComponent(scopeId)}`, 1);
    expect(paged.items.map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect((await api.call<Page<RunDto>>("GET", "/v1/runs?stream=directory")).body.items.every((r) => r.stream === "directory")).toBe(true);
    expect((await api.call<Page<RunDto>>("GET", "/v1/runs?stream=devices")).body.items.map((r) => r.stream)).toEqual(["devices"]);
    const unknownStream = await api.call("GET", "/v1/runs?stream=printers");
    expectProblem(unknownStream, 400);
    // Checked against the registry, not a schema enum: the answer names the registered streams.
    expect(unknownStream.body.detail).toContain(`unknown stream printers; the streams are ${STREAMS.join(", ")}`);
    expectProblem(await api.call("GET", "/v1/runs?cursor=bm9wZQ"), 400);
  });

  it("shows scopes with fresh status, and filters them", async () => {
    const scope = await api.call<ScopeDto>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}`);
    expect(scope.status).toBe(200);
    expect(scope.body).toMatchObject({ id: scopeId, accountId, enabled: true, running: false, needsAttention: false, attention: [] });
    for (const s of scope.body.streams) {
      expect(s).toMatchObject({ freshness: "fresh", ageSeconds: 0, pastTarget: false, consecutiveFailures: 0, lastError: null });
      // The directory follows the account's schedule (30 minutes here); usage its 5-minute default.
      if (s.stream === "directory" || s.stream === "usage") expect(s.freshnessTargetSeconds).toBe(s.stream === "directory" ? 30 * 60 : 5 * 60);
      else expect(s.freshnessTargetSeconds).toBeGreaterThan(0);
      expect(s.lastSuccessAt).toBe(sim.clock.now().toISOString());
    }
    const list = await api.call<Page<ScopeDto>>("GET", "/v1/scopes");
    expect(list.body.items.map((s) => s.id)).toEqual([scopeId]);
    expect((await api.call<Page<ScopeDto>>("GET", "/v1/scopes?needsAttention=true")).body.items).toEqual([]);
    expect((await api.call<Page<ScopeDto>>("GET", `/v1/scopes?accountId=${accountId}&needsAttention=false`)).body.items).toHaveLength(1);
    expectProblem(await api.call("GET", "/v1/scopes?needsAttention=maybe"), 400);
    expectProblem(await api.call("GET", "/v1/scopes/nope"), 404);
  });

  it("lists users with cursors and filters, and shows a user with roles, apps and last use", async () => {
    const truth = sim.truth();
    const { items, pages } = await pageAll<User>(api, `/v1/users?scopeId=${encodeURIComponent(scopeId)}`, 7);
    expect(pages).toBe(Math.max(1, Math.ceil(truth.users.length / 7)));
    const ids = items.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(truth.users.map((u) => u.id).sort());

    const suspended = truth.users.filter((u) => u.status === "suspended");
    const bySuspended = await api.call<Page<User>>("GET", "/v1/users?status=suspended&limit=500");
    expect(bySuspended.body.items.map((u) => u.id).sort()).toEqual(suspended.map((u) => u.id).sort());

    const group = truth.groups.find((g) => g.memberUserIds.length > 0)!;
    const byGroup = await api.call<Page<User>>("GET", `/v1/users?groupId=${group.id}&limit=500`);
    expect(byGroup.body.items.map((u) => u.id).sort()).toEqual([...group.memberUserIds].sort());

    const someone = truth.users[3]!;
    const bySearch = await api.call<Page<User>>("GET", `/v1/users?search=${encodeURIComponent(someone.username.toUpperCase())}`);
    expect(bySearch.body.items.map((u) => u.id)).toContain(someone.id);

    for (const bad of ["limit=0", "limit=501", "limit=ten", "status=asleep", "colour=blue", "cursor=%25%25"]) {
      const res = await api.call("GET", `/v1/users?${bad}`);
      expectProblem(res, 400);
    }
    const badStatus = await api.call<ProblemDto>("GET", "/v1/users?status=asleep");
    expect(badStatus.body.errors).toEqual([{ location: "query", path: "status", message: expect.any(String) }]);

    // A user with roles (admin role, groups), SSO apps and a tri-state last use.
    const member = truth.users.find((u) => u.groupIds.length > 0 && truth.applications.some((a) => a.assignedUserIds.includes(u.id)))!;
    const user = await api.call<User>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/users/${member.id}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ id: member.id, username: member.username, adminRole: member.adminRole });
    expect(user.body.groups.map((g) => g.id).sort()).toEqual([...member.groupIds].sort());
    const assigned = truth.applications.filter((a) => a.assignedUserIds.includes(member.id)).map((a) => a.id).sort();
    expect(user.body.applications.map((a) => a.applicationId).sort()).toEqual(assigned);
    for (const lu of [user.body.lastUsed, ...user.body.applications.map((a) => a.lastUsed)]) expect(["date", "not-seen-since", "unknown"]).toContain(lu.kind);
    const portal = truth.portalUsage[0]!;
    const used = await api.call<User>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/users/${portal.userId}`);
    expect(used.body.lastUsed).toMatchObject({ kind: "date", source: expect.stringMatching(/portal/u) });

    expectProblem(await api.call("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/users/nobody`), 404);
  });

  it("lists SSO applications and their users with last use", async () => {
    const truth = sim.truth();
    const { items } = await pageAll<Application>(api, "/v1/applications", 2);
    expect(items.map((a) => a.id).sort()).toEqual(truth.applications.map((a) => a.id).sort());
    const app = truth.applications.find((a) => a.assignedUserIds.length > 2)!;
    const one = await api.call<Application>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/applications/${app.id}`);
    expect(one.status).toBe(200);
    const usedBy = truth.ssoUsage.filter((u) => u.applicationId === app.id).map((u) => u.userId);
    const everyone = [...new Set([...app.assignedUserIds, ...usedBy])].sort();
    expect(one.body).toMatchObject({ id: app.id, name: app.name, assignedUsers: app.assignedUserIds.length, usedBy: usedBy.length, users: everyone.length });
    expect(["date", "not-seen-since", "unknown"]).toContain(one.body.lastUsed.kind);
    const users = await pageAll<ApplicationUser>(api, `/v1/scopes/${encodeURIComponent(scopeId)}/applications/${app.id}/users`, 2);
    // The assigned users and everyone seen signing in to it, each marked.
    expect(users.items.map((u) => u.userId).sort()).toEqual(everyone);
    for (const u of users.items) {
      expect(u.assigned).toBe(app.assignedUserIds.includes(u.userId));
      expect(u.direct || u.groupIds.length > 0).toBe(u.assigned);
    }
    // Use without an assignment, over HTTP, from both sides.
    const assignedPairs = new Set(truth.applications.flatMap((a) => a.assignedUserIds.map((u) => `${u}/${a.id}`)));
    const unassigned = truth.ssoUsage.find((u) => !assignedPairs.has(`${u.userId}/${u.applicationId}`))!;
    expect(unassigned).toBeDefined();
    const theirs = await pageAll<ApplicationUser>(api, `/v1/scopes/${encodeURIComponent(scopeId)}/applications/${unassigned.applicationId}/users`, 100);
    expect(theirs.items.find((u) => u.userId === unassigned.userId)).toMatchObject({ assigned: false, direct: false, groupIds: [], lastUsed: { kind: "date", at: unassigned.lastLoginAt } });
    const user = await api.call<{ applications: { applicationId: string; assigned: boolean }[] }>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/users/${unassigned.userId}`);
    expect(user.body.applications.find((a) => a.applicationId === unassigned.applicationId)).toMatchObject({ assigned: false, lastUsed: { kind: "date", at: unassigned.lastLoginAt } });
    const search = await api.call<Page<Application>>("GET", `/v1/applications?search=${encodeURIComponent(app.displayLabel)}`);
    expect(search.body.items.map((a) => a.id)).toContain(app.id);
    expectProblem(await api.call("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/applications/none`), 404);
    expectProblem(await api.call("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/applications/none/users`), 404);
    expectProblem(await api.call("GET", `/v1/scopes/${encodeURIComponent(scopeId)}/applications/${app.id}/users?limit=-1`), 400);
  });

  it("MDM: devices with filters and cursors, a device with users and installations, installed apps with counts, an app's devices and users, a user's apps, managed apps", async () => {
    const truth = sim.truth();
    const scope = encodeURIComponent(scopeId);
    const devices = await pageAll<Device>(api, `/v1/devices?scopeId=${scope}`, 4);
    expect(devices.pages).toBe(Math.max(1, Math.ceil(truth.devices.length / 4)));
    expect(devices.items.map((d) => d.id).sort()).toEqual(truth.devices.map((d) => d.id).sort());
    const macs = await pageAll<Device>(api, "/v1/devices?osFamily=DARWIN", 500);
    expect(macs.items.map((d) => d.id).sort()).toEqual(truth.devices.filter((d) => d.osFamily === "darwin").map((d) => d.id).sort());
    const siOff = await pageAll<Device>(api, "/v1/devices?systemInsights=disabled", 500);
    expect(siOff.items.map((d) => d.id).sort()).toEqual(truth.devices.filter((d) => d.systemInsights === "disabled").map((d) => d.id).sort());
    const owner = truth.userSoftware.find((u) => u.deviceIds.length > 1)!;
    const ofUser = await pageAll<Device>(api, `/v1/devices?userId=${owner.userId}`, 500);
    expect(ofUser.items.map((d) => d.id).sort()).toEqual([...owner.deviceIds].sort());
    const cutoff = new Date(sim.clock.now().getTime() - 7 * 86_400_000).toISOString();
    const stale = await pageAll<Device>(api, `/v1/devices?lastContactBefore=${encodeURIComponent(cutoff)}`, 500);
    expect(stale.items.map((d) => d.id).sort()).toEqual(truth.devices.filter((d) => d.lastContact === null || d.lastContact < cutoff).map((d) => d.id).sort());
    for (const bad of ["osFamily=", "systemInsights=sometimes", "lastContactBefore=last-week", "status=broken", "limit=0", "colour=blue"]) expectProblem(await api.call("GET", `/v1/devices?${bad}`), 400);
    const badDate = await api.call<ProblemDto>("GET", "/v1/devices?lastContactSince=yesterday");
    expect(badDate.body.errors).toEqual([{ location: "query", path: "lastContactSince", message: expect.any(String) }]);

    // A device with its users, installations (with sources) and managed statuses of every state.
    const target = truth.devices.find((d) => d.userIds.length > 0 && d.software.length > 0 && d.managedApps.length > 0)!;
    const device = await api.call<DeviceDetail>("GET", `/v1/scopes/${scope}/devices/${target.id}`);
    expect(device.status, device.text).toBe(200);
    expect(device.body.users.map((u) => u.userId).sort()).toEqual([...target.userIds].sort());
    expect(device.body.managedStatuses.map((m) => [m.appId, m.state, m.installed]).sort()).toEqual(target.managedApps.map((m) => [m.softwareAppId, m.state, m.installed]).sort());
    for (const i of device.body.installations) expect(i.sources.length).toBeGreaterThan(0);
    expectProblem(await api.call("GET", `/v1/scopes/${scope}/devices/nope`), 404);

    // Installed apps: counts and sources; an app's devices and users; a user's apps.
    const apps = await pageAll<InstalledApp>(api, `/v1/installed-apps?scopeId=${scope}`, 25);
    expect(new Set(apps.items.map((a) => a.appKey)).size).toBe(apps.items.length);
    const popular = [...apps.items].sort((a, b) => b.devices - a.devices)[0]!;
    const appPath = `/v1/scopes/${scope}/installed-apps/${encodeURIComponent(popular.appKey)}`;
    expect((await api.call<InstalledApp>("GET", appPath)).body).toMatchObject({ appKey: popular.appKey, devices: popular.devices, users: popular.users });
    const holders = await pageAll<{ deviceId: string }>(api, `${appPath}/devices`, 3);
    expect(holders.items).toHaveLength(popular.devices);
    const users = await pageAll<{ userId: string; deviceIds: string[] }>(api, `${appPath}/users`, 3);
    expect(users.items).toHaveLength(popular.users);
    const holderIds = new Set(holders.items.map((h) => h.deviceId));
    for (const u of users.items) for (const d of u.deviceIds) expect(holderIds.has(d)).toBe(true);
    const managed = await pageAll<InstalledApp>(api, "/v1/installed-apps?source=managed", 500);
    for (const a of managed.items) expect(a.sources).toContain("managed");
    expectProblem(await api.call("GET", `/v1/scopes/${scope}/installed-apps/${encodeURIComponent("no such app")}`), 404);
    expectProblem(await api.call("GET", `/v1/scopes/${scope}/installed-apps/${encodeURIComponent("no such app")}/users`), 404);
    expectProblem(await api.call("GET", "/v1/installed-apps?source=rumour"), 400);
    const mine = await pageAll<{ appKey: string; deviceIds: string[] }>(api, `/v1/scopes/${scope}/users/${owner.userId}/installed-apps`, 10);
    for (const a of mine.items) for (const d of a.deviceIds) expect(owner.deviceIds).toContain(d);
    expect(mine.items.length).toBeGreaterThan(0);

    // Managed apps with status counts by state (FAILED and PENDING kept, not installed).
    const managedApps = await pageAll<ManagedApp>(api, "/v1/managed-apps", 3);
    expect(managedApps.items.map((a) => a.id).sort()).toEqual(truth.softwareApps.map((a) => a.id).sort());
    const sa = truth.softwareApps.find((a) => a.statuses.some((x) => x.state !== "INSTALLED"))!;
    const one = await api.call<ManagedApp>("GET", `/v1/scopes/${scope}/managed-apps/${sa.id}`);
    const counts: Record<string, number> = {};
    for (const x of sa.statuses) counts[x.state] = (counts[x.state] ?? 0) + 1;
    expect(one.body).toMatchObject({ id: sa.id, displayName: sa.displayName, statusCounts: counts, linkedDevices: sa.linkedSystemIds.length });
    expectProblem(await api.call("GET", `/v1/scopes/${scope}/managed-apps/nope`), 404);
  });

  it("updatedSince returns what the next sync changed", async () => {
    const all = await pageAll<User>(api, "/v1/users", 500);
    const latest = Math.max(...all.items.map((u) => Date.parse(u.updatedAt)));
    const since = new Date(latest + 1).toISOString();
    expect((await api.call<Page<User>>("GET", `/v1/users?updatedSince=${encodeURIComponent(since)}`)).body.items).toEqual([]);

    const target = sim.truth().users.find((u) => u.status === "active")!;
    sim.clock.advance(60_000);
    sim.world.updateUser(target.id, { department: "Changed by the API test" });
    // Its change event shows up in Directory Insights within 2 minutes (the stand-in's lateness).
    sim.clock.advance(3 * 60_000);
    const before = (await runsOf(scopeId)).length;
    expect((await api.call("POST", "/v1/syncs", { body: { scopeIds: [scopeId] } })).status).toBe(202);
    await waitForRuns(scopeId, before);
    const changed = await api.call<Page<User>>("GET", `/v1/users?updatedSince=${encodeURIComponent(since)}&limit=500`);
    expect(changed.body.items.map((u) => u.id)).toContain(target.id);
    expect(changed.body.items.length).toBeLessThan(all.items.length);
    expect(changed.body.items.find((u) => u.id === target.id)?.hr.department).toBe("Changed by the API test");
    const apps = await api.call("GET", `/v1/applications?updatedSince=${encodeURIComponent(since)}`);
    expect(apps.status).toBe(200);
  });

  it("updates, pauses and resumes an account; a paused account is skipped by sync now", async () => {
    const renamed = await api.call<Account>("PATCH", `/v1/accounts/${accountId}`, { body: { name: "Renamed", scheduleMinutes: 20 } });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Renamed", scheduleMinutes: 20 });
    expectProblem(await api.call("PATCH", `/v1/accounts/${accountId}`, { body: {} }), 400);
    expectProblem(await api.call("PATCH", `/v1/accounts/${accountId}`, { body: { scheduleMinutes: 1.5 } }), 400);
    expectProblem(await api.call("PATCH", "/v1/accounts/no-such-account", { body: { name: "x" } }), 404);
    const badKey = await api.call("PATCH", `/v1/accounts/${accountId}`, { body: { apiKey: "another-wrong-key" } });
    expectProblem(badKey, 422);
    expect(badKey.text).not.toContain("another-wrong-key");
    // The key was not replaced: a re-validation of the stored key still works.
    const sameKey = await api.call("PATCH", `/v1/accounts/${accountId}`, { body: { apiKey: sim.credentials.apiKey } });
    expect(sameKey.status, sameKey.text).toBe(200);

    const paused = await api.call<Account>("POST", `/v1/accounts/${accountId}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    const skipped = await api.call<SyncScheduledDto>("POST", "/v1/syncs", { body: { scopeIds: [scopeId] } });
    expect(skipped.status).toBe(202);
    expect(skipped.body).toEqual({ scheduled: [], skipped: [{ scopeId, reason: "account paused" }] });
    expectProblem(await api.call("POST", `/v1/accounts/no-such-account/pause`), 404);
    const resumed = await api.call<Account>("POST", `/v1/accounts/${accountId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBe(false);
  });

  it("a refused mass deletion needs attention; force-snapshot applies it (409 when nothing is refused)", async () => {
    const noRefusal = await api.call("POST", `/v1/scopes/${encodeURIComponent(scopeId)}/force-snapshot`);
    expectProblem(noRefusal, 409);
    expectProblem(await api.call("POST", "/v1/scopes/nope/force-snapshot"), 404);

    const truth = sim.truth();
    const victims = truth.users.slice(0, Math.ceil(truth.users.length * 0.5));
    for (const u of victims) sim.world.deleteUser(u.id);
    sim.clock.advance(60_000);
    let before = (await runsOf(scopeId)).length;
    // No body: every scope.
    expect((await api.call("POST", "/v1/syncs")).status).toBe(202);
    await waitForRuns(scopeId, before);
    const refused = await api.call<ScopeDto>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}`);
    expect(refused.body.needsAttention).toBe(true);
    expect(refused.body.attention.map((a) => [a.stream, a.code])).toContainEqual(["directory", "mass-deletion-refused"]);
    expect((await api.call<Page<ScopeDto>>("GET", "/v1/scopes?needsAttention=true")).body.items.map((s) => s.id)).toEqual([scopeId]);
    expect((await api.call<Account>("GET", `/v1/accounts/${accountId}`)).body.needsAttention).toBe(true);
    expect((await api.call<Page<User>>("GET", "/v1/users?status=deleted")).body.items).toEqual([]);

    before = (await runsOf(scopeId)).length;
    const forced = await api.call<SyncScheduledDto>("POST", `/v1/scopes/${encodeURIComponent(scopeId)}/force-snapshot`);
    expect(forced.status, forced.text).toBe(202);
    expect(forced.body.scheduled).toEqual([{ scopeId, accountId, streams: STREAMS }]);
    await waitForRuns(scopeId, before);
    const after = await api.call<ScopeDto>("GET", `/v1/scopes/${encodeURIComponent(scopeId)}`);
    expect(after.body.needsAttention).toBe(false);
    const deleted = await pageAll<User>(api, "/v1/users?status=deleted", 500);
    expect(deleted.items.map((u) => u.id).sort()).toEqual(victims.map((u) => u.id).sort());
    const audit = await api.store.audit.list({ target: `scope:${scopeId}`, limit: 10 });
    expect(audit.items.map((e) => [e.action, e.actor])).toContainEqual(["scope.force-snapshot", "token:consumer-a"]);
  });

  it("/metrics reports per scope and stream after the syncs", async () => {
    const res = await api.call("GET", "/metrics", { token: null });
    const text = res.text;
    const labels = `scope="${scopeId}",stream="directory"`;
    for (const name of ["jcs_sync_last_success_timestamp_seconds", "jcs_sync_lag_seconds", "jcs_sync_last_run_duration_seconds", "jcs_sync_requests_total", "jcs_sync_pages_total", "jcs_sync_retries_total", "jcs_sync_rate_limited_total"]) {
      expect(text).toMatch(new RegExp(`^${name}\\{${labels.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")}\\} [0-9.e+-]+$`, "mu"));
    }
    expect(text).toContain(`jcs_sync_rows_total{scope="${scopeId}",stream="directory",change="created"}`);
    expect(text).toContain(`jcs_sync_rows_total{scope="${scopeId}",stream="directory",change="removed"}`);
    expect(text).toContain(`jcs_sync_run_duration_seconds_count{${labels}}`);
    const last = /^jcs_sync_last_success_timestamp_seconds\{[^}]*stream="directory"\} (\S+)$/mu.exec(text);
    expect(Number(last?.[1]) * 1000).toBe(sim.clock.now().getTime());
  });

  it("removes an account keeping its data (data=keep|purge required)", async () => {
    expectProblem(await api.call("DELETE", `/v1/accounts/${accountId}`), 400);
    expectProblem(await api.call("DELETE", `/v1/accounts/${accountId}?data=maybe`), 400);
    const removed = await api.call("DELETE", `/v1/accounts/${accountId}?data=keep`);
    expect(removed.status).toBe(204);
    expectProblem(await api.call("GET", `/v1/accounts/${accountId}`), 404);
    expectProblem(await api.call("DELETE", `/v1/accounts/${accountId}?data=keep`), 404);
    // Kept: the synced directory is still served.
    expect((await api.call<Page<User>>("GET", `/v1/users?scopeId=${encodeURIComponent(scopeId)}&limit=1`)).body.items).toHaveLength(1);
  });

  it("answers unknown routes with a 404 problem", async () => {
    expectProblem(await api.call("GET", "/v1/nothing-here"), 404);
    expectProblem(await api.call("GET", "/nothing-here", { token: null }), 404);
  });

  it("readiness answers 503 problem+json once the service is stopping (liveness stays 200)", async () => {
    await api.app.get(ScopeRuns).stopAll("test shutdown");
    const ready = await api.call("GET", "/health/ready", { token: null });
    expectProblem(ready, 503);
    expect(ready.body.detail).toBe("stopping");
    expect((await api.call("GET", "/health", { token: null })).status).toBe(200);
  });

  it("never returned an API key or a token secret in any response", () => {
    expect(api.bodies.length).toBeGreaterThan(50);
    for (const body of api.bodies) {
      expect(body).not.toContain(sim.credentials.apiKey);
      expect(body).not.toContain(secret);
      expect(body).not.toContain(revokedSecret);
    }
  });
});
