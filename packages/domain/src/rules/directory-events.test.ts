import { describe, expect, it } from "vitest";
import { assignmentKey, type AppAssignment, type DirectoryState, type DirectoryUser, type SsoApplication, type Tracked, type UserGroup } from "../model/directory.js";
import { patchDirectory, planDirectoryChanges, type DirectoryChangeEvent, type DirectoryReread } from "./directory-events.js";

const ev = (event_type: string, body: Partial<DirectoryChangeEvent> = {}): DirectoryChangeEvent => ({ id: `e-${event_type}-${Math.random()}`, event_type, timestamp: "2026-06-01T00:00:00.000Z", ...body });
const membership = (op: "add" | "remove", groupId: string, userId: string): DirectoryChangeEvent =>
  ev("association_change", { resource: { id: groupId, type: "user_group" }, association: { op, connection: { from: { type: "user_group", object_id: groupId }, to: { type: "user", object_id: userId } } } });

function user(id: string, groupIds: string[] = [], patch: Partial<DirectoryUser> = {}): Tracked<DirectoryUser> {
  return {
    id,
    username: id,
    email: `${id}@example.com`,
    displayName: null,
    firstName: null,
    lastName: null,
    status: "active",
    hr: { employeeIdentifier: null, employeeType: null, department: null, jobTitle: null, company: null, costCenter: null, location: null, managerId: null },
    adminRole: null,
    groupIds,
    createdAt: null,
    removedAt: null,
    ...patch,
  };
}
const group = (id: string): Tracked<UserGroup> => ({ id, name: id, description: null, removedAt: null });
const app = (id: string): Tracked<SsoApplication> => ({ id, name: id, displayName: null, displayLabel: null, ssoUrl: null, ssoType: "saml", active: true, removedAt: null });
const assigned = (applicationId: string, userId: string, direct: boolean, groupIds: string[] = []): Tracked<AppAssignment> => ({ applicationId, userId, direct, groupIds, removedAt: null });

function state(users: Tracked<DirectoryUser>[], groups: Tracked<UserGroup>[], apps: Tracked<SsoApplication>[], assignments: Tracked<AppAssignment>[]): DirectoryState {
  return {
    users: new Map(users.map((u) => [u.id, u])),
    groups: new Map(groups.map((g) => [g.id, g])),
    applications: new Map(apps.map((a) => [a.id, a])),
    assignments: new Map(assignments.map((a) => [assignmentKey(a), a])),
  };
}
const none: DirectoryReread = { users: new Map(), userLinks: new Map(), groups: null, applications: null, associations: new Map() };

describe("planDirectoryChanges", () => {
  it("names the users, memberships and apps the events change", () => {
    const plan = planDirectoryChanges([
      ev("user_update", { resource: { id: "u1", type: "user" } }),
      ev("user_suspended", { resource: { id: "u1", type: "user" } }),
      ev("user_create", { resource: { id: "u2", type: "user" } }),
      membership("add", "g1", "u3"),
      ev("association_change", { association: { op: "add", connection: { from: { type: "application", object_id: "a1" }, to: { type: "user_group", object_id: "g1" } } } }),
      ev("association_change", { association: { op: "add", connection: { from: { type: "system", object_id: "s1" }, to: { type: "user", object_id: "u4" } } } }),
      ev("user_lockout", { resource: { id: "u5", type: "user" } }),
    ]);
    expect(plan).toEqual({ kind: "incremental", users: new Set(["u1", "u2"]), userLinks: new Set(["u2", "u3"]), groups: false, applications: new Set(["a1"]), applicationRecords: false, events: 7 });
  });

  it("group and application record events re-list them", () => {
    const plan = planDirectoryChanges([ev("group_update", { resource: { id: "g1", type: "user_group" } }), ev("application_delete", { resource: { id: "a9", type: "application" } })]);
    expect(plan).toMatchObject({ kind: "incremental", groups: true, applicationRecords: true, applications: new Set(["a9"]) });
  });

  it("an admin account or role event asks for a full snapshot (the admin role shows on users it does not name)", () => {
    for (const type of ["admin_role_granted", "admin_update", "admin_delete"]) {
      expect(planDirectoryChanges([ev("user_update", { resource: { id: "u1" } }), ev(type, { resource: { id: "adm1", type: "admin" } })])).toMatchObject({
        kind: "full-snapshot",
        reason: expect.stringMatching(new RegExp(`^${type} .*admin account or role changed`, "u")) as string,
      });
    }
  });

  it("an event type it does not understand, or one that names nothing, asks for a full snapshot", () => {
    expect(planDirectoryChanges([ev("user_update", { resource: { id: "u1" } }), ev("user_mystery")])).toMatchObject({ kind: "full-snapshot", reason: expect.stringMatching(/^user_mystery .*does not understand/u) as string });
    expect(planDirectoryChanges([ev("user_delete", { resource: null })])).toMatchObject({ kind: "full-snapshot", reason: expect.stringMatching(/names no user/u) as string });
    expect(planDirectoryChanges([ev("association_change", { association: { connection: { from: { type: "policy", object_id: "p" }, to: { type: "user", object_id: "u" } } } })])).toMatchObject({ kind: "full-snapshot" });
  });
});

describe("patchDirectory", () => {
  const previous = state(
    [user("u1", ["g1"]), user("u2", ["g1"]), user("u3"), { ...user("u9"), removedAt: "2026-01-01T00:00:00.000Z" }],
    [group("g1"), group("g2")],
    [app("a1"), app("a2")],
    [assigned("a1", "u1", false, ["g1"]), assigned("a1", "u2", false, ["g1"]), assigned("a2", "u3", true)],
  );

  it("with nothing re-read it is the stored live directory", () => {
    const snap = patchDirectory(previous, none);
    expect(snap.users.map((u) => u.id)).toEqual(["u1", "u2", "u3"]);
    expect(snap.assignments).toHaveLength(3);
  });

  it("a re-read user keeps its memberships; a gone one takes its assignments along", () => {
    const { groupIds: _g, ...fresh } = { ...user("u1", []), status: "suspended" as const };
    const { removedAt: _r, ...record } = fresh;
    const snap = patchDirectory(previous, { ...none, users: new Map([["u1", record], ["u3", null]]) });
    expect(snap.users.find((u) => u.id === "u1")).toMatchObject({ status: "suspended", groupIds: ["g1"] });
    expect(snap.users.some((u) => u.id === "u3")).toBe(false);
    expect(snap.assignments.map((a) => `${a.applicationId}/${a.userId}`)).toEqual(["a1/u1", "a1/u2"]);
  });

  it("re-read links replace a user's groups and assignments; re-read associations recompute an app through the members known now", () => {
    const snap = patchDirectory(previous, {
      ...none,
      userLinks: new Map([
        ["u2", { groupIds: [], applications: [] }],
        ["u3", { groupIds: ["g2"], applications: [{ applicationId: "a2", direct: true, groupIds: [] }] }],
      ]),
      associations: new Map([["a2", { userIds: ["u3"], groupIds: ["g1", "g2"] }]]),
    });
    expect(snap.users.find((u) => u.id === "u3")?.groupIds).toEqual(["g2"]);
    const byKey = Object.fromEntries(snap.assignments.map((a) => [`${a.applicationId}/${a.userId}`, { direct: a.direct, groupIds: a.groupIds }]));
    expect(byKey).toEqual({
      "a1/u1": { direct: false, groupIds: ["g1"] },
      "a2/u1": { direct: false, groupIds: ["g1"] },
      "a2/u3": { direct: true, groupIds: ["g2"] },
    });
  });

  it("a group gone from the listing leaves its members' roles and the assignments through it", () => {
    const snap = patchDirectory(previous, { ...none, groups: [{ id: "g2", name: "g2", description: null }] });
    expect(snap.users.find((u) => u.id === "u1")?.groupIds).toEqual([]);
    expect(snap.assignments.map((a) => `${a.applicationId}/${a.userId}`)).toEqual(["a2/u3"]);
  });
});
