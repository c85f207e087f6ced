import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assignmentKey,
  emptyDirectoryState,
  type AppAssignment,
  type DirectorySnapshot,
  type DirectoryState,
  type DirectoryUser,
  type SsoApplication,
  type UserGroup,
} from "../model/directory.js";
import { applyDirectoryChanges, changeCount, isEmptyChangeSet, mergeAssignments, reconcileDirectory, type ReconcileResult } from "./reconcile.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const T1 = new Date("2026-01-02T00:00:00.000Z");
const T2 = new Date("2026-01-03T00:00:00.000Z");

function user(id: string, patch: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id,
    username: `user.${id}`,
    email: `${id}@corp.example`,
    displayName: null,
    firstName: null,
    lastName: null,
    status: "active",
    hr: { employeeIdentifier: null, employeeType: null, department: null, jobTitle: null, company: null, costCenter: null, location: null, managerId: null },
    adminRole: null,
    groupIds: [],
    createdAt: null,
    ...patch,
  };
}
function group(id: string, name = `group ${id}`): UserGroup {
  return { id, name, description: null };
}
function app(id: string, patch: Partial<SsoApplication> = {}): SsoApplication {
  return { id, name: `app-${id}`, displayName: null, displayLabel: `App ${id}`, ssoUrl: `https://sso.jumpcloud.com/saml2/${id}`, ssoType: "saml", active: true, ...patch };
}
function assignment(applicationId: string, userId: string, patch: Partial<AppAssignment> = {}): AppAssignment {
  return { applicationId, userId, direct: true, groupIds: [], ...patch };
}
function snapshot(parts: Partial<DirectorySnapshot>): DirectorySnapshot {
  return { users: [], groups: [], applications: [], assignments: [], ...parts };
}
function ok(result: ReconcileResult) {
  if (result.status !== "ok") throw new Error(`expected ok, got refused: ${result.reason}`);
  return result.changes;
}
/** The state a store holds after syncing `snap` into an empty scope at T0. */
function stateOf(snap: DirectorySnapshot): DirectoryState {
  return applyDirectoryChanges(emptyDirectoryState(), ok(reconcileDirectory(emptyDirectoryState(), snap, { now: T0 })));
}

describe("reconcileDirectory", () => {
  const base = snapshot({
    users: [user("u1", { groupIds: ["g1"] }), user("u2")],
    groups: [group("g1")],
    applications: [app("a1")],
    assignments: [assignment("a1", "u1", { direct: false, groupIds: ["g1"] })],
  });

  it("creates everything on a first snapshot", () => {
    const changes = ok(reconcileDirectory(emptyDirectoryState(), base, { now: T0 }));
    expect(changes.users.created.map((u) => u.id)).toEqual(["u1", "u2"]);
    expect(changes.groups.created).toHaveLength(1);
    expect(changes.applications.created).toHaveLength(1);
    expect(changes.assignments.created).toHaveLength(1);
    expect(changeCount(changes)).toBe(5);
  });

  it("gives an empty change set for an unchanged snapshot, even with arrays in another order", () => {
    const state = stateOf(snapshot({ ...base, users: [user("u1", { groupIds: ["g1", "g2"] })] }));
    const reordered = snapshot({ ...base, users: [user("u1", { groupIds: ["g2", "g1"] })] });
    const changes = ok(reconcileDirectory(state, reordered, { now: T1 }));
    expect(isEmptyChangeSet(changes)).toBe(true);
  });

  it("reports a changed field as an update and nothing else", () => {
    const state = stateOf(base);
    const changed = snapshot({ ...base, users: [user("u1", { groupIds: ["g1"], status: "suspended" }), user("u2")] });
    const changes = ok(reconcileDirectory(state, changed, { now: T1 }));
    expect(changes.users.updated).toEqual([changed.users[0]]);
    expect(changeCount(changes)).toBe(1);
  });

  it("detects a change in each HR field and in the admin role", () => {
    const state = stateOf(snapshot({ users: [user("u1")] }));
    for (const patch of [
      { adminRole: "Administrator" },
      { hr: { ...user("u1").hr, department: "Sales" } },
      { hr: { ...user("u1").hr, managerId: "u9" } },
      { email: "U1@corp.example" },
    ] as Partial<DirectoryUser>[]) {
      const changes = ok(reconcileDirectory(state, snapshot({ users: [user("u1", patch)] }), { now: T1 }));
      expect(changes.users.updated).toHaveLength(1);
    }
  });

  it("turns a vanished user into a tombstone that keeps its roles, and revives it as created", () => {
    const state = stateOf(base);
    const without = snapshot({ ...base, users: [user("u2")], assignments: [] });
    const removal = ok(reconcileDirectory(state, without, { now: T1 }));
    expect(removal.users.removed).toEqual([{ key: "u1", removedAt: T1.toISOString() }]);
    expect(removal.assignments.removed).toEqual([{ key: "a1/u1", removedAt: T1.toISOString() }]);

    const tombstoned = applyDirectoryChanges(state, removal);
    const tomb = tombstoned.users.get("u1");
    expect(tomb?.removedAt).toBe(T1.toISOString());
    expect(tomb?.groupIds).toEqual(["g1"]);
    expect(tombstoned.assignments.get("a1/u1")?.groupIds).toEqual(["g1"]);

    // Seen again later: the tombstone is revived as a creation, even if nothing else changed.
    const revival = ok(reconcileDirectory(tombstoned, base, { now: T2 }));
    expect(revival.users.created.map((u) => u.id)).toEqual(["u1"]);
    expect(revival.assignments.created.map(assignmentKey)).toEqual(["a1/u1"]);
    const revived = applyDirectoryChanges(tombstoned, revival);
    expect(revived.users.get("u1")?.removedAt).toBeNull();
  });

  it("does not remove a tombstone again (its first removal date stays)", () => {
    const state = applyDirectoryChanges(stateOf(base), ok(reconcileDirectory(stateOf(base), snapshot({ ...base, users: [user("u2")], assignments: [] }), { now: T1 })));
    const again = ok(reconcileDirectory(state, snapshot({ ...base, users: [user("u2")], assignments: [] }), { now: T2 }));
    expect(isEmptyChangeSet(again)).toBe(true);
    expect(applyDirectoryChanges(state, { ...again, users: { created: [], updated: [], removed: [{ key: "u1", removedAt: T2.toISOString() }] } }).users.get("u1")?.removedAt).toBe(
      T1.toISOString(),
    );
  });

  it("keeps the first of duplicated rows in a listing and stays idempotent", () => {
    const dup = snapshot({ users: [user("u1", { displayName: "first" }), user("u1", { displayName: "second" })] });
    const changes = ok(reconcileDirectory(emptyDirectoryState(), dup, { now: T0 }));
    expect(changes.users.created).toHaveLength(1);
    expect(changes.users.created[0]?.displayName).toBe("first");
    expect(isEmptyChangeSet(ok(reconcileDirectory(applyDirectoryChanges(emptyDirectoryState(), changes), dup, { now: T1 })))).toBe(true);
  });

  it("merges duplicated assignment rows (direct edge and group path listed apart)", () => {
    const rows = [assignment("a1", "u1", { direct: true }), assignment("a1", "u1", { direct: false, groupIds: ["g2"] }), assignment("a1", "u1", { direct: false, groupIds: ["g1"] })];
    expect(mergeAssignments(rows)).toEqual([{ applicationId: "a1", userId: "u1", direct: true, groupIds: ["g1", "g2"] }]);
    const listed = [assignment("a1", "u1"), assignment("a2", "u1")];
    expect(mergeAssignments(listed)).toBe(listed);

    const changes = ok(reconcileDirectory(emptyDirectoryState(), snapshot({ assignments: rows }), { now: T0 }));
    expect(changes.assignments.created).toEqual([{ applicationId: "a1", userId: "u1", direct: true, groupIds: ["g1", "g2"] }]);
    // The rows may come in any order next time: still nothing to do.
    const state = applyDirectoryChanges(emptyDirectoryState(), changes);
    expect(isEmptyChangeSet(ok(reconcileDirectory(state, snapshot({ assignments: [...rows].reverse() }), { now: T1 })))).toBe(true);
  });

  describe("mass-deletion guard", () => {
    const many = snapshot({ users: Array.from({ length: 20 }, (_, i) => user(`u${i}`)), applications: Array.from({ length: 10 }, (_, i) => app(`a${i}`)) });
    const state = stateOf(many);

    it("refuses an empty listing with a reason, and still shows what it would do", () => {
      const result = reconcileDirectory(state, snapshot({}), { now: T1 });
      expect(result.status).toBe("refused");
      if (result.status !== "refused") return;
      expect(result.removed).toEqual({ users: 20, applications: 10 });
      expect(result.live).toEqual({ users: 20, applications: 10 });
      expect(result.reason).toMatch(/remove 20 of 20 users \(100%, more than the 30% allowed\)/u);
      expect(result.reason).toMatch(/applications/u);
      expect(result.changes.users.removed).toHaveLength(20);
    });

    it("refuses on applications alone", () => {
      const result = reconcileDirectory(state, snapshot({ users: many.users, applications: many.applications.slice(0, 5) }), { now: T1 });
      expect(result.status).toBe("refused");
      if (result.status === "refused") expect(result.reason).not.toMatch(/users/u);
    });

    it("allows removals up to the share, and more when forced", () => {
      expect(reconcileDirectory(state, snapshot({ ...many, users: many.users.slice(6) }), { now: T1 }).status).toBe("ok");
      expect(reconcileDirectory(state, snapshot({ ...many, users: many.users.slice(7) }), { now: T1 }).status).toBe("refused");
      const forced = reconcileDirectory(state, snapshot({}), { now: T1, force: true });
      expect(forced.status).toBe("ok");
      expect(ok(forced).users.removed).toHaveLength(20);
    });

    it("does not apply below the minimum population, and takes a custom guard", () => {
      const small = stateOf(snapshot({ users: [user("u1"), user("u2"), user("u3")] }));
      expect(reconcileDirectory(small, snapshot({}), { now: T1 }).status).toBe("ok");
      expect(reconcileDirectory(small, snapshot({}), { now: T1, guard: { maxRemovedShare: 0.5, minPopulation: 2 } }).status).toBe("refused");
      expect(reconcileDirectory(state, snapshot({}), { now: T1, guard: { maxRemovedShare: 1, minPopulation: 1 } }).status).toBe("ok");
    });

    it("counts only live records: tombstones are not removed twice", () => {
      const half = applyDirectoryChanges(state, ok(reconcileDirectory(state, snapshot({ ...many, users: many.users.slice(5) }), { now: T1 })));
      // 15 live users left; removing 5 more is 33% > 30%.
      const result = reconcileDirectory(half, snapshot({ ...many, users: many.users.slice(10) }), { now: T2 });
      expect(result.status).toBe("refused");
      if (result.status === "refused") expect(result.live.users).toBe(15);
    });
  });
});

// --- property-based -------------------------------------------------------------------------------

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const arbUser = (id: string) =>
  fc.record({
    status: fc.constantFrom<DirectoryUser["status"]>("active", "suspended", "staged"),
    department: fc.option(fc.constantFrom("Sales", "R&D", "Ops"), { nil: null }),
    adminRole: fc.option(fc.constantFrom("Administrator", "Read Only"), { nil: null }),
    groupIds: fc.subarray(ids("g", 4)),
    email: fc.constantFrom(`${id}@corp.example`, `${id.toUpperCase()}@corp.example`),
  }).map((r) => user(id, { status: r.status, adminRole: r.adminRole, groupIds: r.groupIds, email: r.email, hr: { ...user(id).hr, department: r.department } }));
const arbSnapshot: fc.Arbitrary<DirectorySnapshot> = fc
  .record({
    userIds: fc.subarray(ids("u", 12)),
    groupIds: fc.subarray(ids("g", 4)),
    appIds: fc.subarray(ids("a", 4)),
    seed: fc.integer(),
  })
  .chain(({ userIds, groupIds, appIds }) =>
    fc.record({
      users: fc.tuple(...userIds.map(arbUser)).map((us) => us),
      groups: fc.constant(groupIds.map((g) => group(g))),
      applications: fc.tuple(...appIds.map((a) => fc.boolean().map((active) => app(a, { active })))).map((as) => as),
      assignments: fc.subarray(appIds.flatMap((a) => userIds.map((u) => [a, u] as const))).chain((pairs) =>
        fc.tuple(...pairs.map(([a, u]) => fc.record({ direct: fc.boolean(), groupIds: fc.subarray(groupIds) }).map((r) => assignment(a, u, r)))).map((xs) => xs),
      ),
    }),
  );
/** A state reached by syncing a sequence of snapshots (so it has tombstones and revivals). */
const arbState = fc.array(arbSnapshot, { minLength: 0, maxLength: 3 }).map((snaps) =>
  snaps.reduce((s, snap, i) => applyDirectoryChanges(s, ok(reconcileDirectory(s, snap, { now: new Date(T0.getTime() + i * 86_400_000), force: true }))), emptyDirectoryState()),
);
const runs = { numRuns: 150 };

describe("reconcileDirectory properties", () => {
  it("is idempotent: applying a change set twice equals applying it once, and re-reconciling is empty", () => {
    fc.assert(
      fc.property(arbState, arbSnapshot, (state, snap) => {
        const changes = ok(reconcileDirectory(state, snap, { now: T2, force: true }));
        const once = applyDirectoryChanges(state, changes);
        expect(applyDirectoryChanges(once, changes)).toEqual(once);
        expect(isEmptyChangeSet(ok(reconcileDirectory(once, snap, { now: new Date(T2.getTime() + 1000), force: true })))).toBe(true);
      }),
      runs,
    );
  });

  it("gives an empty change set for the snapshot the state was built from", () => {
    fc.assert(
      fc.property(arbState, arbSnapshot, (state, snap) => {
        const synced = applyDirectoryChanges(state, ok(reconcileDirectory(state, snap, { now: T1, force: true })));
        // Same listing, rows shuffled: no change either.
        const shuffled = snapshot({ users: [...snap.users].reverse(), groups: [...snap.groups].reverse(), applications: [...snap.applications].reverse(), assignments: [...snap.assignments].reverse() });
        expect(changeCount(ok(reconcileDirectory(synced, shuffled, { now: T2 })))).toBe(0);
      }),
      runs,
    );
  });

  it("is O(changes): k mutated users give at most k user changes plus their assignments", () => {
    fc.assert(
      fc.property(arbSnapshot, fc.infiniteStream(fc.nat()), fc.nat({ max: 12 }), (snap, picks, k) => {
        const state = stateOf(snap);
        const it = picks[Symbol.iterator]();
        const mutated = new Set<string>();
        const live = snap.users.map((u) => u.id);
        while (mutated.size < Math.min(k, live.length)) mutated.add(live[(it.next().value as number) % live.length] ?? "");
        // Each mutated user either changes a field, loses all assignments, or disappears.
        const users: DirectoryUser[] = [];
        const dropped = new Set<string>();
        for (const u of snap.users) {
          if (!mutated.has(u.id)) users.push(u);
          else if ((it.next().value as number) % 2 === 0) users.push({ ...u, displayName: `${u.displayName ?? ""}!` });
          else dropped.add(u.id);
        }
        const assignments = snap.assignments.filter((a) => !dropped.has(a.userId));
        const touchedAssignments = snap.assignments.filter((a) => mutated.has(a.userId)).length;
        const changes = ok(reconcileDirectory(state, snapshot({ ...snap, users, assignments }), { now: T1, force: true }));
        expect(changes.users.created.length + changes.users.updated.length + changes.users.removed.length).toBe(mutated.size);
        expect(changeCount(changes)).toBeLessThanOrEqual(mutated.size + touchedAssignments);
      }),
      runs,
    );
  });

  it("never loses a record: every key ever seen stays, live or as a tombstone", () => {
    fc.assert(
      fc.property(fc.array(arbSnapshot, { minLength: 1, maxLength: 4 }), (snaps) => {
        let state = emptyDirectoryState();
        const everSeen = new Set<string>();
        for (const [i, snap] of snaps.entries()) {
          state = applyDirectoryChanges(state, ok(reconcileDirectory(state, snap, { now: new Date(T0.getTime() + i * 1000), force: true })));
          for (const u of snap.users) everSeen.add(u.id);
          const liveNow = new Set(snap.users.map((u) => u.id));
          for (const id of everSeen) {
            const stored = state.users.get(id);
            expect(stored).toBeDefined();
            expect(stored?.removedAt === null).toBe(liveNow.has(id));
          }
        }
      }),
      runs,
    );
  });
});
