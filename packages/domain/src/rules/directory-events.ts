import {
  assignmentKey,
  type AppAssignment,
  type AssignmentKey,
  type DirectorySnapshot,
  type DirectoryState,
  type DirectoryUser,
  type SsoApplication,
  type UserGroup,
} from "../model/directory.js";

/**
 * Incremental directory from Directory Insights: the `directory` service's change events name the
 * users, groups, memberships and app associations that changed since a checkpoint; only those are
 * re-read. Anything this module does not understand asks for a full snapshot: never a silent skip.
 */

/** The subset of a Directory Insights change event read here (structural: no client types). */
export interface DirectoryChangeEvent {
  readonly id: string;
  readonly event_type: string;
  readonly timestamp?: string;
  readonly resource?: { readonly id?: string; readonly type?: string } | null;
  readonly association?: {
    readonly op?: string;
    readonly connection?: {
      readonly from?: { readonly type?: string; readonly object_id?: string } | null;
      readonly to?: { readonly type?: string; readonly object_id?: string } | null;
    } | null;
  } | null;
}

/** Usage events: the usage stream reads them; the change query leaves them out server-side. */
export const DIRECTORY_USAGE_EVENT_TYPES = ["user_login_attempt", "admin_login_attempt"] as const;

/** User events whose resource is the changed user (re-read the user record). */
const USER_RECORD_EVENTS = new Set([
  "user_create",
  "user_update",
  "user_delete",
  "user_activated",
  "user_suspended",
  "user_unsuspended",
  "user_deactivated",
  "user_create_provision",
  "user_update_provision",
  "user_delete_provision",
]);
const GROUP_EVENTS = new Set(["group_create", "group_update", "group_delete"]);
const APPLICATION_EVENTS = new Set(["application_create", "application_update", "application_delete"]);
/**
 * Admin account events: a user's admin role (`admin.roleName` on the user record) can change
 * through them, and they do not name the user it shows on, so only a full listing sees it.
 */
const ADMIN_ACCOUNT_EVENTS = new Set(["admin_create", "admin_update", "admin_delete", "admin_suspended", "admin_unsuspend", "admin_role_granted", "admin_role_revoked", "admin_access_granted", "admin_access_revoked"]);
/**
 * Known events that change nothing the directory stream keeps (credentials, lockouts, logins,
 * devices: the MDM streams read those). Listed one by one: a new type is not assumed harmless.
 */
const IRRELEVANT_EVENTS = new Set([
  ...DIRECTORY_USAGE_EVENT_TYPES,
  "user_lockout",
  "user_unlocked",
  "user_password_change",
  "user_password_expired",
  "user_password_reset",
  "user_password_reset_request",
  "user_mfa_enroll",
  "user_mfa_reset",
  "admin_lockout",
  "admin_logout",
  "system_create",
  "system_update",
  "system_delete",
]);

/** What the events of a window ask to re-read, or why only a full snapshot will do. */
export type DirectoryChangePlan =
  | {
      readonly kind: "incremental";
      /** Users whose record changed (re-read the record; a 404 is a deletion). */
      readonly users: ReadonlySet<string>;
      /** Users whose memberships or assignments may have changed (re-read their groups and apps). */
      readonly userLinks: ReadonlySet<string>;
      /** Group records changed (re-list the groups). */
      readonly groups: boolean;
      /** SSO applications whose record or associations changed (re-read their associations). */
      readonly applications: ReadonlySet<string>;
      /** Application records changed (re-list the applications). */
      readonly applicationRecords: boolean;
      readonly events: number;
    }
  | { readonly kind: "full-snapshot"; readonly reason: string };

function named(value: { readonly id?: string } | null | undefined): string | null {
  return typeof value?.id === "string" && value.id !== "" ? value.id : null;
}

/** Reads a window's change events into what to re-read; the first event it cannot place asks for a full snapshot. */
export function planDirectoryChanges(events: Iterable<DirectoryChangeEvent>): DirectoryChangePlan {
  const users = new Set<string>();
  const userLinks = new Set<string>();
  const applications = new Set<string>();
  let groups = false;
  let applicationRecords = false;
  let count = 0;
  const full = (event: DirectoryChangeEvent, why: string): DirectoryChangePlan => ({ kind: "full-snapshot", reason: `${event.event_type} (event ${event.id}): ${why}` });
  for (const event of events) {
    count += 1;
    const type = event.event_type;
    if (IRRELEVANT_EVENTS.has(type)) continue;
    if (ADMIN_ACCOUNT_EVENTS.has(type)) return full(event, "an admin account or role changed: the users' admin roles are re-read by a full snapshot");
    if (USER_RECORD_EVENTS.has(type)) {
      const id = named(event.resource);
      if (id === null) return full(event, "names no user");
      users.add(id);
      // A created, deleted or provisioned user may come with memberships no other event names.
      if (type !== "user_update" && type !== "user_suspended" && type !== "user_unsuspended" && type !== "user_activated" && type !== "user_deactivated") userLinks.add(id);
      continue;
    }
    if (GROUP_EVENTS.has(type)) {
      if (named(event.resource) === null) return full(event, "names no group");
      groups = true;
      continue;
    }
    if (APPLICATION_EVENTS.has(type)) {
      const id = named(event.resource);
      if (id === null) return full(event, "names no application");
      applications.add(id);
      applicationRecords = true;
      continue;
    }
    if (type === "association_change") {
      const from = event.association?.connection?.from;
      const to = event.association?.connection?.to;
      const ends = [from, to];
      const id = (t: string): string | null => {
        const end = ends.find((e) => e?.type === t);
        return typeof end?.object_id === "string" && end.object_id !== "" ? end.object_id : null;
      };
      const types = new Set(ends.map((e) => e?.type));
      // Device bindings belong to the MDM streams.
      if (types.has("system") || types.has("system_group")) continue;
      if (types.has("user_group") && types.has("user")) {
        const userId = id("user");
        if (userId === null) return full(event, "a membership change that names no user");
        userLinks.add(userId);
        continue;
      }
      if (types.has("application") && (types.has("user") || types.has("user_group"))) {
        const appId = id("application");
        if (appId === null) return full(event, "an application association that names no application");
        applications.add(appId);
        continue;
      }
      return full(event, `an association between ${[...types].map(String).join(" and ")} is not understood`);
    }
    return full(event, "an event type the incremental sync does not understand");
  }
  return { kind: "incremental", users, userLinks, groups, applications, applicationRecords, events: count };
}

/** What was re-read for a plan. `null` marks an object that no longer exists (404). */
export interface DirectoryReread {
  readonly users: ReadonlyMap<string, Omit<DirectoryUser, "groupIds"> | null>;
  /** Per user whose links were re-read: its groups and its applications (direct, via groups). */
  readonly userLinks: ReadonlyMap<string, { readonly groupIds: readonly string[]; readonly applications: readonly { readonly applicationId: string; readonly direct: boolean; readonly groupIds: readonly string[] }[] } | null>;
  /** The whole group listing, when group records were re-read. */
  readonly groups: readonly UserGroup[] | null;
  /** The whole application listing, when application records were re-read. */
  readonly applications: readonly SsoApplication[] | null;
  /** Per application whose associations were re-read: its direct users and bound groups (null: gone). */
  readonly associations: ReadonlyMap<string, { readonly userIds: readonly string[]; readonly groupIds: readonly string[] } | null>;
}

/**
 * The complete directory after the re-read objects replace their stored values: the stored live
 * directory with the re-read users, memberships, groups, applications and assignments put in. It is
 * a snapshot, so `reconcileDirectory` turns it into the (small) change set and keeps its guard.
 * It holds the whole directory: the incremental job uses `reconcileIncremental`, which gives the
 * same change set from the affected rows alone (this is its reference in the tests).
 */
export function patchDirectory(previous: DirectoryState, reread: DirectoryReread): DirectorySnapshot {
  const users = new Map<string, DirectoryUser>();
  for (const u of previous.users.values()) if (u.removedAt === null) users.set(u.id, withoutTombstone(u));
  for (const [id, fresh] of reread.users) {
    if (fresh === null) users.delete(id);
    else users.set(id, { ...fresh, groupIds: users.get(id)?.groupIds ?? [] });
  }
  for (const [id, links] of reread.userLinks) {
    const u = users.get(id);
    if (links === null || u === undefined) continue;
    users.set(id, { ...u, groupIds: [...new Set(links.groupIds)].sort() });
  }

  const groups = new Map<string, UserGroup>();
  if (reread.groups === null) {
    for (const g of previous.groups.values()) if (g.removedAt === null) groups.set(g.id, { id: g.id, name: g.name, description: g.description });
  } else for (const g of reread.groups) groups.set(g.id, g);
  // Memberships of a group that is gone went with it.
  for (const [id, u] of users) if (u.groupIds.some((g) => !groups.has(g))) users.set(id, { ...u, groupIds: u.groupIds.filter((g) => groups.has(g)) });

  const applications = new Map<string, SsoApplication>();
  if (reread.applications === null) {
    for (const a of previous.applications.values()) if (a.removedAt === null) applications.set(a.id, withoutTombstone(a));
  } else for (const a of reread.applications) applications.set(a.id, a);

  const assignments = new Map<AssignmentKey, AppAssignment>();
  for (const a of previous.assignments.values()) if (a.removedAt === null) assignments.set(assignmentKey(a), withoutTombstone(a));
  // A user's re-read applications are the user's whole set of assignments.
  for (const [userId, links] of reread.userLinks) {
    for (const [key, a] of assignments) if (a.userId === userId) assignments.delete(key);
    if (links === null) continue;
    for (const app of links.applications) {
      assignments.set(assignmentKey({ applicationId: app.applicationId, userId }), { applicationId: app.applicationId, userId, direct: app.direct, groupIds: [...new Set(app.groupIds)].sort() });
    }
  }
  // An application's re-read associations are its whole set of assignments, through the members known now.
  if (reread.associations.size > 0) {
    const membersOf = new Map<string, string[]>();
    for (const u of users.values()) for (const g of u.groupIds) membersOf.set(g, [...(membersOf.get(g) ?? []), u.id]);
    for (const [appId, edges] of reread.associations) {
      for (const [key, a] of assignments) if (a.applicationId === appId) assignments.delete(key);
      if (edges === null) continue;
      const byUser = new Map<string, { direct: boolean; groupIds: Set<string> }>();
      const entry = (userId: string) => {
        let e = byUser.get(userId);
        if (e === undefined) byUser.set(userId, (e = { direct: false, groupIds: new Set<string>() }));
        return e;
      };
      for (const userId of edges.userIds) if (users.has(userId)) entry(userId).direct = true;
      for (const groupId of edges.groupIds) for (const userId of membersOf.get(groupId) ?? []) entry(userId).groupIds.add(groupId);
      for (const [userId, e] of byUser) assignments.set(assignmentKey({ applicationId: appId, userId }), { applicationId: appId, userId, direct: e.direct, groupIds: [...e.groupIds].sort() });
    }
  }
  // Assignments of users, apps and groups that are gone go with them.
  const kept: AppAssignment[] = [];
  for (const a of assignments.values()) {
    if (!users.has(a.userId) || !applications.has(a.applicationId)) continue;
    const groupIds = a.groupIds.filter((g) => groups.has(g) && (users.get(a.userId)?.groupIds.includes(g) ?? false));
    if (!a.direct && groupIds.length === 0) continue;
    kept.push(groupIds.length === a.groupIds.length ? a : { ...a, groupIds });
  }
  return { users: [...users.values()], groups: [...groups.values()], applications: [...applications.values()], assignments: kept };
}

function withoutTombstone<T extends { readonly removedAt: string | null }>(tracked: T): Omit<T, "removedAt"> {
  const { removedAt: _removed, ...rest } = tracked;
  return rest;
}
