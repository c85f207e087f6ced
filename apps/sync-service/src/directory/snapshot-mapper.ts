import type { Application, GraphConnection, SystemUser, UserGroup as ApiUserGroup } from "@jumpcloud-sync/jumpcloud-client";
import { assignmentsOfApplication, type AppAssignment, type DirectoryUser, type SsoApplication, type UserGroup, type UserStatus } from "@jumpcloud-sync/domain";

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
 * Assignments of one application from its direct associations (`targets=user,user_group`): a user
 * edge is a direct binding; a bound group assigns each of its members (known from the members
 * step), as an assignment via that group. JumpCloud user groups do not nest, so members are users.
 * Users or groups the listings did not return (created in between) are skipped: the next snapshot
 * sees them.
 */
export function assignmentsOf(
  applicationId: string,
  edges: readonly GraphConnection[],
  membersOfGroup: ReadonlyMap<string, readonly string[]>,
  knownUserIds: ReadonlySet<string>,
): AppAssignment[] {
  return assignmentsOfApplication(
    applicationId,
    edges.filter((e) => e.to.type === "user").map((e) => e.to.id),
    edges.filter((e) => e.to.type === "user_group").map((e) => e.to.id),
    (groupId) => membersOfGroup.get(groupId) ?? [],
    (userId) => knownUserIds.has(userId),
  );
}
