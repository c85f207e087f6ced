import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { addSimAccount, bootService, describeOnDatabases, expectMatchesTruth, ranOk, streamOf, type Service } from "../support/harness.js";

describeOnDatabases("incremental directory from Directory Insights change events", (db) => {
  let sim: Sim;
  let service: Service;
  let scopeId: string;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  async function boot(env: Record<string, string> = {}, firstFullBecause = /full: no change checkpoint yet/u): Promise<void> {
    // Late events: each becomes visible up to 2 minutes after its timestamp.
    sim = await startSim({ scenario: "demo", seed: 7, lateEventMaxMs: 120_000 });
    service = await bootService({ db: db(), clock: sim.clock, env });
    const { scopes } = await addSimAccount(service, sim);
    scopeId = scopes[0]!.id;
    const [first] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(first)).toBe(true);
    expect(streamOf(first, "directory").message).toMatch(firstFullBecause);
  }

  async function sync(): Promise<{ directory: ReturnType<typeof streamOf>; requests: number }> {
    sim.resetStats();
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result), JSON.stringify(result)).toBe(true);
    const directory = streamOf(result, "directory");
    // The stream's own requests (the client's events; the MDM streams' requests are counted on theirs).
    return { directory, requests: directory.counters.requests };
  }

  it("picks up user, membership and assignment changes with the stated requests; a no-op run reads one page and writes nothing", async () => {
    await boot();
    const before = sim.truth();
    sim.clock.advance(10 * 60_000);

    const active = before.users.filter((u) => u.status === "active");
    const [updated, suspended, deleted] = active;
    sim.world.updateUser(updated!.id, { department: "Audit", jobTitle: "Auditor" });
    sim.world.updateUser(suspended!.id, { status: "suspended" });
    sim.world.deleteUser(deleted!.id);
    const created = sim.world.addUser({ username: "new.hire", email: "new.hire@example.com", firstname: "New", lastname: "Hire", state: "ACTIVATED" });
    const group = before.groups.find((g) => g.memberUserIds.length > 1)!;
    const leaving = group.memberUserIds.find((id) => id !== deleted!.id && id !== updated!.id && id !== suspended!.id)!;
    sim.world.addGroupMember(group.id, created.id);
    sim.world.removeGroupMember(group.id, leaving);
    // An app newly assigned to a group: every member becomes assigned through it.
    const app = before.applications.find((a) => !a.groupIds.includes(group.id))!;
    sim.world.assignApp(app.id, { groupId: group.id });
    sim.clock.advance(3 * 60_000); // every change event is visible now

    const changed = 4 /* users */ + 1 /* leaving member */ + 1 /* group */ + 1; /* app */
    const { directory, requests } = await sync();
    expect(directory.message).toMatch(/^directory \(incremental\)/u);
    expect(requests).toBeLessThanOrEqual(10 + 2 * changed);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
    const state = await service.store.directory.loadDirectory(scopeId);
    expect(state.users.get(deleted!.id)?.removedAt).not.toBeNull();
    expect(state.users.get(created.id)?.groupIds).toEqual([group.id]);
    expect(state.assignments.get(`${app.id}/${created.id}`)?.groupIds).toEqual([group.id]);

    // No-op: one page of change events, no directory read, nothing written.
    sim.clock.advance(5 * 60_000);
    const noop = await sync();
    expect(noop.requests).toBeLessThanOrEqual(10);
    expect(noop.requests).toBe(1);
    expect([noop.directory.counters.created, noop.directory.counters.updated, noop.directory.counters.removed]).toEqual([0, 0, 0]);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
  });

  it("an event type it does not understand falls back to a full snapshot; so does force-snapshot", async () => {
    await boot();
    const orgId = sim.truth().orgId;
    const someone = sim.truth().users[0]!;
    sim.clock.advance(10 * 60_000);
    sim.world.appendEvents(orgId, [{ event_type: "user_mystery_change", service: "directory", visibleAt: sim.clock.now(), resource: { id: someone.id, type: "user" } }]);
    // A change the mystery event stands for, made without any event of its own.
    sim.world.updateUser(someone.id, { department: "Somewhere else" });
    sim.clock.advance(3 * 60_000);
    const { directory } = await sync();
    expect(directory.message).toMatch(/full: user_mystery_change .*does not understand/u);
    await expectMatchesTruth(service.store, scopeId, sim.truth());

    // Then incremental again.
    sim.clock.advance(60_000);
    expect((await sync()).directory.message).toMatch(/^directory \(incremental\)/u);
    // On demand.
    sim.clock.advance(60_000);
    const forced = await service.sync.forceRun(scopeId, "directory", "test");
    expect(streamOf(forced ?? undefined, "directory").message).toMatch(/full: forced/u);
  });

  it("JCS_DIRECTORY_FULL_SNAPSHOT_HOURS=0 turns incremental runs off: full snapshots, as without Directory Insights", async () => {
    await boot({ JCS_DIRECTORY_FULL_SNAPSHOT_HOURS: "0" }, /full: incremental runs are off/u);
    sim.clock.advance(10 * 60_000);
    expect((await sync()).directory.message).toMatch(/full: incremental runs are off/u);
  });

  it("a full snapshot on the cadence (JCS_DIRECTORY_FULL_SNAPSHOT_HOURS)", async () => {
    await boot({ JCS_DIRECTORY_FULL_SNAPSHOT_HOURS: "1" });
    sim.clock.advance(30 * 60_000);
    expect((await sync()).directory.message).toMatch(/^directory \(incremental\)/u);
    sim.clock.advance(31 * 60_000);
    expect((await sync()).directory.message).toMatch(/full: the last full snapshot is older than 1 h/u);
  });

  it("a late change event inside the overlap window is not missed", async () => {
    await boot();
    const before = sim.truth();
    sim.clock.advance(10 * 60_000);
    /** Whether the stand-in's Directory Insights serves the event yet (as the sync would ask). */
    const visible = async (eventId: string, at: string): Promise<boolean> => {
      const response = await fetch(`${sim.insightsBaseUrl}/events`, {
        method: "POST",
        headers: { "x-api-key": sim.credentials.apiKey, "content-type": "application/json" },
        body: JSON.stringify({ service: ["directory"], start_time: new Date(Date.parse(at) - 1_000).toISOString(), end_time: new Date(Date.parse(at) + 1_000).toISOString(), limit: 10_000 }),
      });
      const events = (await response.json()) as { id: string }[];
      return events.some((e) => e.id === eventId);
    };
    // A change whose event shows up late (most do, by up to 2 minutes): look for one still invisible.
    let late: { userId: string; title: string } | null = null;
    for (const user of before.users.filter((u) => u.status === "active").slice(0, 20)) {
      const title = `Late ${user.username}`;
      sim.world.updateUser(user.id, { jobTitle: title });
      const event = sim.world.allEvents(before.orgId).findLast((e) => e.event_type === "user_update" && (e.resource as { id?: string } | undefined)?.id === user.id)!;
      sim.clock.advance(2_000);
      if (!(await visible(event.id, event.timestamp))) {
        late = { userId: user.id, title };
        break;
      }
    }
    expect(late, "one of 20 change events shows up late").not.toBeNull();
    // This run's window ends before the event is visible: it cannot see it yet.
    const early = await sync();
    expect(early.directory.message).toMatch(/^directory \(incremental\)/u);
    expect((await service.store.directory.loadDirectory(scopeId)).users.get(late!.userId)?.hr.jobTitle).not.toBe(late!.title);
    // The next run starts an overlap before the checkpoint: the event, now visible, is read.
    sim.clock.advance(3 * 60_000);
    const next = await sync();
    expect(next.directory.message).toMatch(/^directory \(incremental\)/u);
    expect((await service.store.directory.loadDirectory(scopeId)).users.get(late!.userId)?.hr.jobTitle).toBe(late!.title);
    await expectMatchesTruth(service.store, scopeId, sim.truth());
  });
});
