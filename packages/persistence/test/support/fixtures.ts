import type { AppAssignment, DirectoryChangeSet, DirectoryUser, EntityChanges, SsoApplication, UsageRecord, UserGroup } from "@jumpcloud-sync/domain";

export function user(i: number, patch: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: `u${String(i).padStart(6, "0")}`,
    username: `user${i}`,
    email: `user${i}@example.com`,
    displayName: `User ${i}`,
    firstName: "User",
    lastName: String(i),
    status: "active",
    hr: { employeeIdentifier: `E${i}`, employeeType: null, department: i % 2 === 0 ? "Engineering" : "Sales", jobTitle: null, company: "Acme", costCenter: null, location: null, managerId: null },
    adminRole: null,
    groupIds: [],
    createdAt: "2024-01-01T00:00:00Z",
    ...patch,
  };
}

export function group(i: number, patch: Partial<UserGroup> = {}): UserGroup {
  return { id: `g${i}`, name: `Group ${i}`, description: null, ...patch };
}

export function application(i: number, patch: Partial<SsoApplication> = {}): SsoApplication {
  return { id: `a${i}`, name: `app-${i}`, displayName: `App ${i}`, displayLabel: `App ${i}`, ssoUrl: `https://sso.example.com/${i}`, ssoType: "saml", active: true, ...patch };
}

export function assignment(applicationId: string, userId: string, patch: Partial<AppAssignment> = {}): AppAssignment {
  return { applicationId, userId, direct: true, groupIds: [], ...patch };
}

export function usage(userId: string, applicationId: string | null, lastUsedAt: string, eventId: string, source: UsageRecord["source"] = applicationId === null ? "user_portal" : "sso"): UsageRecord {
  return { userId, applicationId, lastUsedAt, source, eventId };
}

function none<T, K extends string = string>(): EntityChanges<T, K> {
  return { created: [], updated: [], removed: [] };
}

export function changes(patch: Partial<{ [K in keyof DirectoryChangeSet]: Partial<DirectoryChangeSet[K]> }> = {}): DirectoryChangeSet {
  return {
    users: { ...none<DirectoryUser>(), ...patch.users },
    groups: { ...none<UserGroup>(), ...patch.groups },
    applications: { ...none<SsoApplication>(), ...patch.applications },
    assignments: { ...none(), ...patch.assignments },
  };
}

export const CURSOR = { readThrough: "2026-01-01T00:00:00.000Z", coverageSince: "2025-10-01T00:00:00.000Z" };
