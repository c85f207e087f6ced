import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignmentKey, emptyDirectoryState, type AppAssignment, type DirectoryChangeSet, type DirectorySnapshot, type DirectoryState, type DirectoryUser, type EntityChanges, type SsoApplication, type UserGroup } from "../model/directory.js";
import { assignmentsOfApplication, ChunkedDiff } from "./chunked-reconcile.js";
import { patchDirectory, type DirectoryReread } from "./directory-events.js";
import { reconcileIncremental, type IncrementalSource } from "./incremental-reconcile.js";
import { applyDirectoryChanges, reconcileDirectory, sameUser } from "./reconcile.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const NOW = new Date("2026-02-01T00:00:00.000Z");
const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const USERS = ids("u", 10);
const GROUPS = ids("g", 4);
const APPS = ids("a", 4);

function user(id: string, groupIds: readonly string[], department: string | null = null, managerId: string | null = null): DirectoryUser {
  return {
    id,
    username: id,
    email: `${id}@corp.example`,
    displayName: null,
    firstName: null,
    lastName: null,
    status: "active",
    hr: { employeeIdentifier: null, employeeType: null, department, jobTitle: null, company: null, costCenter: null, location: null, managerId },
    adminRole: null,
    groupIds: [...groupIds].sort(),
    createdAt: null,
  };
}
const group = (id: string, name = id): UserGroup => ({ id, name, description: null });
const app = (id: string, active = true): SsoApplication => ({ id, name: id, displayName: null, displayLabel: null, ssoUrl: null, ssoType: "saml", active });

/** A listing as the snapshot job derives it: assignments from each app's direct users and bound groups. */
const arbSnapshot: fc.Arbitrary<DirectorySnapshot> = fc
  .record({ userIds: fc.subarray(USERS), groupIds: fc.subarray(GROUPS), appIds: fc.subarray(APPS) })
  .chain(({ userIds, groupIds, appIds }) =>
    fc.record({
      users: fc.tuple(...userIds.map((id) => fc.record({ groups: fc.subarray(groupIds), department: fc.constantFrom(null, "Ops") }).map((r) => user(id, r.groups, r.department)))).map((us) => us),
      groups: fc.constant(groupIds.map((g) => group(g))),
      applications: fc.constant(appIds.map((a) => app(a))),
      edges: fc.tuple(...appIds.map(() => fc.record({ userIds: fc.subarray(USERS), groupIds: fc.subarray(groupIds) }))).map((es) => es),
    }),
  )
  .map(({ users, groups, applications, edges }) => {
    const known = new Set(users.map((u) => u.id));
    const membersOf = (g: string): string[] => users.filter((u) => u.groupIds.includes(g)).map((u) => u.id);
    const assignments = applications.flatMap((a, i) => assignmentsOfApplication(a.id, edges[i]!.userIds, edges[i]!.groupIds, membersOf, (u) => known.has(u)));
    return { users, groups, applications, assignments };
  });

/** A stored state reached by syncing snapshots (tombstones, revivals). */
const arbState = fc
  .array(arbSnapshot, { minLength: 1, maxLength: 3 })
  .map((snaps) => snaps.reduce((s, snap, i) => applyDirectoryChanges(s, changesOf(reconcileDirectory(s, snap, { now: new Date(T0.getTime() + i * 86_400_000), force: true }))), emptyDirectoryState()));

const arbLinks = fc.option(
  fc.record({
    groupIds: fc.subarray(GROUPS),
    applications: fc.uniqueArray(fc.record({ applicationId: fc.constantFrom(...APPS), direct: fc.boolean(), groupIds: fc.subarray(GROUPS) }), { selector: (a) => a.applicationId, maxLength: 3 }),
  }),
  { nil: null },
);
const arbReread: fc.Arbitrary<DirectoryReread> = fc.record({
  users: fc.uniqueArray(fc.tuple(fc.constantFrom(...USERS), fc.option(fc.constantFrom(null, "R&D", "Ops"), { nil: undefined }), fc.boolean()), { selector: (t) => t[0], maxLength: 4 }).map(
    (list) => new Map(list.map(([id, department, gone]) => [id, gone ? null : (({ groupIds: _g, ...rest }) => rest)(user(id, [], department ?? null))] as const)),
  ),
  userLinks: fc.uniqueArray(fc.tuple(fc.constantFrom(...USERS), arbLinks), { selector: (t) => t[0], maxLength: 4 }).map((list) => new Map(list)),
  groups: fc.option(fc.subarray(GROUPS).map((gs) => gs.map((g) => group(g, g === "g0" ? "renamed" : g))), { nil: null }),
  applications: fc.option(fc.subarray(APPS).map((as) => as.map((a) => app(a, a !== "a1"))), { nil: null }),
  associations: fc
    .uniqueArray(fc.tuple(fc.constantFrom(...APPS), fc.option(fc.record({ userIds: fc.subarray(USERS), groupIds: fc.subarray(GROUPS) }), { nil: null })), { selector: (t) => t[0], maxLength: 3 })
    .map((list) => new Map(list)),
});

function changesOf(result: ReturnType<typeof reconcileDirectory>): DirectoryChangeSet {
  if (result.status !== "ok") throw new Error(result.reason);
  return result.changes;
}

/** The store's chunk reads, over an in-memory state. */
function sourceOf(state: DirectoryState): IncrementalSource {
  const live = <T extends { removedAt: string | null }>(xs: Iterable<T>): T[] => [...xs].filter((x) => x.removedAt === null);
  return {
    usersById: async (list) => list.flatMap((id) => (state.users.has(id) ? [state.users.get(id)!] : [])),
    liveMemberships: async () => new Map(live(state.users.values()).map((u) => [u.id, u.groupIds])),
    groups: async () => [...state.groups.values()],
    applications: async () => [...state.applications.values()],
    assignmentsOfApplication: async (appId, userIds) => [...state.assignments.values()].filter((a) => a.applicationId === appId && (userIds === undefined || userIds.includes(a.userId))),
    assignedApplicationIds: async (userIds) => [...new Set(live(state.assignments.values()).filter((a) => userIds === undefined || userIds.includes(a.userId)).map((a) => a.applicationId))],
    liveCounts: async () => ({ users: live(state.users.values()).length, applications: live(state.applications.values()).length }),
  };
}

function sorted<T>(e: EntityChanges<T>, key: (t: T) => string): { created: T[]; updated: T[]; removed: string[] } {
  const by = (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  return { created: [...e.created].sort(by), updated: [...e.updated].sort(by), removed: e.removed.map((r) => `${r.key}@${r.removedAt}`).sort() };
}

async function incremental(state: DirectoryState, reread: DirectoryReread, force: boolean) {
  const result = await reconcileIncremental(sourceOf(state), reread, { now: NOW, force });
  if (result.status === "refused") return result;
  const assignments: EntityChanges<AppAssignment> = { created: [], updated: [], removed: [] };
  for await (const chunk of result.assignments()) {
    (assignments.created as AppAssignment[]).push(...chunk.created);
    (assignments.updated as AppAssignment[]).push(...chunk.updated);
    (assignments.removed as EntityChanges<AppAssignment>["removed"][number][]).push(...chunk.removed);
  }
  return { status: "ok" as const, users: result.users, groups: result.groups, applications: result.applications, assignments };
}

describe("reconcileIncremental", () => {
  it("gives the change set of patching and reconciling the whole directory, reading only chunks", async () => {
    await fc.assert(
      fc.asyncProperty(arbState, arbReread, fc.boolean(), async (state, reread, force) => {
        const whole = reconcileDirectory(state, patchDirectory(state, reread), { now: NOW, force });
        const chunked = await incremental(state, reread, force);
        expect(chunked.status).toBe(whole.status);
        if (whole.status !== "ok" || chunked.status !== "ok") return;
        expect(sorted(chunked.users, (u) => u.id)).toEqual(sorted(whole.changes.users, (u) => u.id));
        expect(sorted(chunked.groups, (g) => g.id)).toEqual(sorted(whole.changes.groups, (g) => g.id));
        expect(sorted(chunked.applications, (a) => a.id)).toEqual(sorted(whole.changes.applications, (a) => a.id));
        expect(sorted(chunked.assignments, assignmentKey)).toEqual(sorted(whole.changes.assignments, assignmentKey));
      }),
      { numRuns: 400 },
    );
  });

  it("reads only the affected users' assignments when no group or application is gone", async () => {
    const state = applyDirectoryChanges(
      emptyDirectoryState(),
      changesOf(
        reconcileDirectory(
          emptyDirectoryState(),
          { users: [user("u0", ["g0"]), user("u1", ["g0"])], groups: [group("g0")], applications: [app("a0")], assignments: [{ applicationId: "a0", userId: "u0", direct: false, groupIds: ["g0"] }, { applicationId: "a0", userId: "u1", direct: false, groupIds: ["g0"] }] },
          { now: T0 },
        ),
      ),
    );
    const reads: (readonly string[] | undefined)[] = [];
    const source = sourceOf(state);
    const spy: IncrementalSource = { ...source, assignmentsOfApplication: async (id, users) => (reads.push(users), source.assignmentsOfApplication(id, users)) };
    const result = await reconcileIncremental(spy, { users: new Map(), userLinks: new Map([["u1", { groupIds: [], applications: [] }]]), groups: null, applications: null, associations: new Map() }, { now: NOW });
    if (result.status !== "ok") throw new Error("refused");
    const chunks = [];
    for await (const c of result.assignments()) chunks.push(c);
    expect(reads).toEqual([["u1"]]);
    expect(chunks.flatMap((c) => c.removed.map((r) => r.key))).toEqual(["a0/u1"]);
    expect(result.users.updated.map((u) => u.groupIds)).toEqual([[]]);
  });
});

describe("ChunkedDiff", () => {
  it("equals one whole comparison whatever the pages", () => {
    fc.assert(
      fc.property(arbState, arbSnapshot, fc.integer({ min: 1, max: 5 }), (state, snap, pageSize) => {
        const whole = changesOf(reconcileDirectory(state, snap, { now: NOW, force: true })).users;
        const diff = new ChunkedDiff(snap.users, (u) => u.id, sameUser, NOW.toISOString());
        const stored = [...state.users.values()];
        for (let i = 0; i < stored.length; i += pageSize) diff.compare(stored.slice(i, i + pageSize));
        expect(sorted(diff.finish(), (u) => u.id)).toEqual(sorted(whole, (u) => u.id));
      }),
    );
  });
});
