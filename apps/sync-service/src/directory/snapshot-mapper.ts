import type { Application, GraphObjectWithPaths, SystemUser, UserGroup as ApiUserGroup } from "@jumpcloud-sync/jumpcloud-client";
import type { AppAssignment, DirectoryUser, SsoApplication, UserGroup, UserStatus } from "@jumpcloud-sync/domain";

/** The v1 user fields the directory needs (v1 `fields`, so pages stay small). */
export const USER_FIELDS = [
  "username",
  "email",
  "firstname",
  "lastname",
  "displayname",
  "state",
  "suspended",
  "activated",
  "admin",
  "employeeIdentifier",
  "employeeType",
  "department",
  "jobTitle",
  "company",
  "costCenter",
  "location",
  "manager",
  "created",
];

/** JumpCloud's `state` is authoritative; the older booleans only fill in when it is absent. */
export function userStatusOf(user: Pick<SystemUser, "state" | "suspended" | "activated">): UserStatus {
  switch (user.state) {
    case "ACTIVATED":
      return "active";
    case "SUSPENDED":
      return "suspended";
    case "STAGED":
      return "staged";
    case undefined:
      if (user.suspended === true) return "suspended";
      return user.activated === false ? "staged" : "active";
  }
}

/** JumpCloud sends "" for an unset text field; the store keeps null for "no value". */
function text(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return value === "" ? null : value;
}

export function toDirectoryUser(user: SystemUser, groupIds: readonly string[]): DirectoryUser {
  return {
    id: user.id,
    username: user.username ?? "",
    email: user.email ?? "",
    displayName: text(user.displayname),
    firstName: text(user.firstname),
    lastName: text(user.lastname),
    status: userStatusOf(user),
    hr: {
      employeeIdentifier: text(user.employeeIdentifier),
      employeeType: text(user.employeeType),
      department: text(user.department),
      jobTitle: text(user.jobTitle),
      company: text(user.company),
      costCenter: text(user.costCenter),
      location: text(user.location),
      managerId: text(user.manager),
    },
    adminRole: text(user.admin?.roleName ?? null),
    groupIds: [...new Set(groupIds)].sort(),
    createdAt: text(user.created),
  };
}

export function toUserGroup(group: ApiUserGroup): UserGroup {
  return { id: group.id, name: group.name ?? "", description: text(group.description) };
}

export function toSsoApplication(app: Application): SsoApplication {
  return {
    id: app.id,
    name: app.name,
    displayName: text(app.displayName),
    displayLabel: text(app.displayLabel),
    ssoUrl: text(app.ssoUrl),
    ssoType: text(app.sso?.type ?? null),
    active: app.active !== false,
  };
}

/**
 * Assignments of one application from the users traversal. Each of a user's `paths` is a chain from
 * the app to the user: one hop is a direct binding; a chain through a `user_group` is an assignment
 * via that group (the group bound to the app is the chain's first hop).
 */
export function toAssignments(applicationId: string, users: readonly GraphObjectWithPaths[], knownUserIds: ReadonlySet<string>): AppAssignment[] {
  const byUser = new Map<string, { direct: boolean; groupIds: Set<string> }>();
  for (const node of users) {
    if (node.type !== "user") continue;
    // A traversal can name a user the listing did not return (created in between): skipped, the
    // next snapshot sees both.
    if (!knownUserIds.has(node.id)) continue;
    const entry = byUser.get(node.id) ?? { direct: false, groupIds: new Set<string>() };
    const paths = node.paths.length === 0 ? [[]] : node.paths;
    for (const path of paths) {
      const firstGroup = path.find((hop) => hop.to.type === "user_group");
      if (firstGroup === undefined) entry.direct = true;
      else entry.groupIds.add(firstGroup.to.id);
    }
    byUser.set(node.id, entry);
  }
  return [...byUser.entries()]
    .map(([userId, e]) => ({ applicationId, userId, direct: e.direct, groupIds: [...e.groupIds].sort() }))
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}
