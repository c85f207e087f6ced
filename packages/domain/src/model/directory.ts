/** A directory user's lifecycle state as JumpCloud reports it (`state` on the v1 user record). */
export type UserStatus = "active" | "suspended" | "staged";

export interface HrFields {
  readonly employeeIdentifier: string | null;
  readonly employeeType: string | null;
  readonly department: string | null;
  readonly jobTitle: string | null;
  readonly company: string | null;
  readonly costCenter: string | null;
  readonly location: string | null;
  /** The manager's JumpCloud user id. */
  readonly managerId: string | null;
}

/** A JumpCloud directory user ("systemuser") as observed in a snapshot. */
export interface DirectoryUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly status: UserStatus;
  readonly hr: HrFields;
  /** The role of the admin account linked to this user (`admin.roleName`), or null. */
  readonly adminRole: string | null;
  /** User-group memberships (the user's roles besides the admin role), sorted. */
  readonly groupIds: readonly string[];
  /** When JumpCloud created the user (ISO 8601), if known. */
  readonly createdAt: string | null;
}

export interface UserGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
}

/** A JumpCloud SSO (SAML/OIDC) application. */
export interface SsoApplication {
  readonly id: string;
  /** Catalog key, e.g. `aws-sso`. */
  readonly name: string;
  readonly displayName: string | null;
  readonly displayLabel: string | null;
  readonly ssoUrl: string | null;
  readonly ssoType: string | null;
  readonly active: boolean;
}

/** Who is assigned to an SSO application: directly, through groups, or both. */
export interface AppAssignment {
  readonly applicationId: string;
  readonly userId: string;
  readonly direct: boolean;
  /** Groups through which the user is assigned, sorted. */
  readonly groupIds: readonly string[];
}

/** A complete fresh listing of one scope's directory. */
export interface DirectorySnapshot {
  readonly users: readonly DirectoryUser[];
  readonly groups: readonly UserGroup[];
  readonly applications: readonly SsoApplication[];
  readonly assignments: readonly AppAssignment[];
}

/** A stored record: the last observed value, and when it disappeared upstream (a tombstone). */
export type Tracked<T> = T & { readonly removedAt: string | null };

export type AssignmentKey = `${string}/${string}`;
export function assignmentKey(a: Pick<AppAssignment, "applicationId" | "userId">): AssignmentKey {
  return `${a.applicationId}/${a.userId}`;
}

/** What the store holds for one scope, tombstones included. */
export interface DirectoryState {
  readonly users: ReadonlyMap<string, Tracked<DirectoryUser>>;
  readonly groups: ReadonlyMap<string, Tracked<UserGroup>>;
  readonly applications: ReadonlyMap<string, Tracked<SsoApplication>>;
  readonly assignments: ReadonlyMap<AssignmentKey, Tracked<AppAssignment>>;
}

export function emptyDirectoryState(): DirectoryState {
  return { users: new Map(), groups: new Map(), applications: new Map(), assignments: new Map() };
}

/** A removal: the row stays as a tombstone (with its last roles and last use) from `removedAt` on. */
export interface Removal<K extends string = string> {
  readonly key: K;
  readonly removedAt: string;
}

export interface EntityChanges<T, K extends string = string> {
  /** Records never seen before, or seen again after a removal. */
  readonly created: readonly T[];
  readonly updated: readonly T[];
  readonly removed: readonly Removal<K>[];
}

/** The difference between a scope's stored directory and a fresh snapshot; O(changes) in size. */
export interface DirectoryChangeSet {
  readonly users: EntityChanges<DirectoryUser>;
  readonly groups: EntityChanges<UserGroup>;
  readonly applications: EntityChanges<SsoApplication>;
  readonly assignments: EntityChanges<AppAssignment, AssignmentKey>;
}
