import type { HrFields, UserStatus } from "./directory.js";
import type { LastUsed } from "./usage.js";

/** A page of a list read model, with an opaque, stable cursor to the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface UserAppView {
  readonly applicationId: string;
  readonly name: string;
  readonly displayLabel: string | null;
  readonly direct: boolean;
  readonly groupIds: readonly string[];
  readonly lastUsed: LastUsed;
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

export interface ApplicationUserView {
  readonly userId: string;
  readonly username: string;
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
  readonly assignedUsers: number;
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
