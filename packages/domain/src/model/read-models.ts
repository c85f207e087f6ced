import type { HrFields, UserStatus } from "./directory.js";
import type { LastUsed } from "./usage.js";

/** A page of a list read model, with an opaque, stable cursor to the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * An SSO application of a user: every app the user is or was assigned to, and every app the user
 * signed in to whether assigned or not (access kept after an unassignment, an assignment through a
 * group since removed: what an audit looks for).
 */
export interface UserAppView {
  readonly applicationId: string;
  readonly name: string;
  readonly displayLabel: string | null;
  /** Assigned now, directly or through a group. */
  readonly assigned: boolean;
  /** How the user is (or, for a removed assignment, was) assigned; false and [] without any assignment. */
  readonly direct: boolean;
  readonly groupIds: readonly string[];
  readonly lastUsed: LastUsed;
  /** When the assignment (or, without one, the app) was removed; null while either is live. */
  readonly removedAt: string | null;
}

/** What the HTTP API serves for a user. */
export interface UserView {
  readonly scopeId: string;
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string | null;
  /** `deleted` for a tombstone (gone upstream; history kept). */
  readonly status: UserStatus | "deleted";
  readonly hr: HrFields;
  readonly adminRole: string | null;
  readonly groups: readonly { readonly id: string; readonly name: string }[];
  readonly applications: readonly UserAppView[];
  /** Overall last use (portal logins). */
  readonly lastUsed: LastUsed;
  readonly removedAt: string | null;
  readonly updatedAt: string;
}

/** A user of an SSO application: assigned now, or seen signing in to it (then `assigned: false`). */
export interface ApplicationUserView {
  readonly userId: string;
  readonly username: string;
  /** Assigned now, directly or through a group; false for someone who used the app without a current assignment. */
  readonly assigned: boolean;
  /** false and [] when not assigned. */
  readonly direct: boolean;
  readonly groupIds: readonly string[];
  readonly lastUsed: LastUsed;
}

export interface ApplicationView {
  readonly scopeId: string;
  readonly id: string;
  readonly name: string;
  readonly displayLabel: string | null;
  readonly ssoUrl: string | null;
  readonly active: boolean;
  /** Users assigned now (directly or through a group). */
  readonly assignedUsers: number;
  /** Users with a recorded SSO login into the app, assigned or not. */
  readonly usedBy: number;
  /** Users assigned now or with a recorded use: the entries of the app's users list. */
  readonly users: number;
  /** The latest SSO login of anyone into the app. */
  readonly lastUsed: LastUsed;
  readonly removedAt: string | null;
  readonly updatedAt: string;
}

export interface UserQuery {
  readonly scopeId?: string;
  readonly status?: UserStatus | "deleted";
  readonly groupId?: string;
  /** Case-insensitive match on username, email or display name. */
  readonly search?: string;
  readonly updatedSince?: Date;
  readonly cursor?: string;
  readonly limit: number;
}

export interface ApplicationQuery {
  readonly scopeId?: string;
  readonly search?: string;
  readonly updatedSince?: Date;
  readonly cursor?: string;
  readonly limit: number;
}
