import {
  assignmentKey,
  type AppAssignment,
  type AssignmentKey,
  type DirectoryChangeSet,
  type DirectorySnapshot,
  type DirectoryState,
  type DirectoryUser,
  type EntityChanges,
  type SsoApplication,
  type UserGroup,
} from "../model/directory.js";
import { applyEntityChanges, countLive, diffEntities, sameArray } from "./entity-changes.js";

export interface MassDeletionGuard {
  /**
   * Largest share (0..1) of the live users, or of the live applications, that one snapshot may
   * remove. An empty or truncated listing upstream must not wipe the store.
   */
  readonly maxRemovedShare: number;
  /** Below this many live records the guard does not apply (removing 2 of 3 users is normal). */
  readonly minPopulation: number;
}

export const DEFAULT_MASS_DELETION_GUARD: MassDeletionGuard = { maxRemovedShare: 0.3, minPopulation: 10 };

export interface ReconcileOptions {
  readonly now: Date;
  readonly guard?: MassDeletionGuard;
  /** Apply even when the guard would refuse (an operator confirmed the removals). */
  readonly force?: boolean;
}

export type ReconcileResult =
  | { readonly status: "ok"; readonly changes: DirectoryChangeSet }
  | {
      readonly status: "refused";
      readonly reason: string;
      readonly removed: { readonly users: number; readonly applications: number };
      readonly live: { readonly users: number; readonly applications: number };
      /** What would have been applied had the snapshot been accepted. */
      readonly changes: DirectoryChangeSet;
    };

/**
 * Compares a scope's stored directory with a complete fresh listing. The result is O(changes),
 * empty when nothing changed, and idempotent: applying it to a state that already has it changes
 * nothing. Records missing from the listing become tombstones (their row, roles and usage stay).
 */
export function reconcileDirectory(previous: DirectoryState, observed: DirectorySnapshot, options: ReconcileOptions): ReconcileResult {
  const at = options.now.toISOString();
  const changes: DirectoryChangeSet = {
    users: diffEntities(previous.users, observed.users, (u) => u.id, sameUser, at),
    groups: diffEntities(previous.groups, observed.groups, (g) => g.id, sameGroup, at),
    applications: diffEntities(previous.applications, observed.applications, (a) => a.id, sameApplication, at),
    assignments: diffEntities<AppAssignment, AssignmentKey>(previous.assignments, mergeAssignments(observed.assignments), assignmentKey, sameAssignment, at),
  };
  if (options.force === true) return { status: "ok", changes };

  const live = { users: countLive(previous.users), applications: countLive(previous.applications) };
  const removed = { users: changes.users.removed.length, applications: changes.applications.removed.length };
  const reason = massDeletionRefusal(live, removed, options.guard);
  if (reason === null) return { status: "ok", changes };
  return {
    status: "refused",
    reason,
    removed,
    live,
    changes,
  };
}

/** The guard of `reconcileDirectory` on counts alone: null when the removals may be applied. */
export function massDeletionRefusal(
  live: { readonly users: number; readonly applications: number },
  removed: { readonly users: number; readonly applications: number },
  guard: MassDeletionGuard = DEFAULT_MASS_DELETION_GUARD,
): string | null {
  const reasons: string[] = [];
  for (const kind of ["users", "applications"] as const) {
    if (live[kind] >= guard.minPopulation && removed[kind] > live[kind] * guard.maxRemovedShare) {
      reasons.push(
        `the snapshot would remove ${removed[kind]} of ${live[kind]} ${kind} (${Math.round((removed[kind] / live[kind]) * 100)}%, more than the ${Math.round(guard.maxRemovedShare * 100)}% allowed)`,
      );
    }
  }
  if (reasons.length === 0) return null;
  return `Refused as suspicious: ${reasons.join("; ")}. An empty or truncated listing upstream looks like this; force the snapshot if the removals are real.`;
}

/** Applies a change set to a state (what the store does, in memory): used to prove idempotence. */
export function applyDirectoryChanges(state: DirectoryState, changes: DirectoryChangeSet): DirectoryState {
  return {
    users: applyEntityChanges(state.users, changes.users, (u) => u.id),
    groups: applyEntityChanges(state.groups, changes.groups, (g) => g.id),
    applications: applyEntityChanges(state.applications, changes.applications, (a) => a.id),
    assignments: applyEntityChanges<AppAssignment, AssignmentKey>(state.assignments, changes.assignments, assignmentKey),
  };
}

export function isEmptyChangeSet(changes: DirectoryChangeSet): boolean {
  return changeCount(changes) === 0;
}

export function changeCount(changes: DirectoryChangeSet): number {
  let n = 0;
  for (const e of [changes.users, changes.groups, changes.applications, changes.assignments] as EntityChanges<unknown>[]) {
    n += e.created.length + e.updated.length + e.removed.length;
  }
  return n;
}

/**
 * Several rows for one app × user (a direct edge and a group path listed separately) are one
 * assignment: direct if any row is, through the union of their groups. Taking the first row alone
 * would drop a path and flip-flop between syncs.
 */
export function mergeAssignments(assignments: readonly AppAssignment[]): readonly AppAssignment[] {
  const seen = new Set<AssignmentKey>();
  let duplicated = false;
  for (const a of assignments) {
    const key = assignmentKey(a);
    if (seen.has(key)) {
      duplicated = true;
      break;
    }
    seen.add(key);
  }
  if (!duplicated) return assignments;
  const merged = new Map<AssignmentKey, AppAssignment>();
  for (const a of assignments) {
    const key = assignmentKey(a);
    const prior = merged.get(key);
    if (prior === undefined) {
      merged.set(key, a);
      continue;
    }
    merged.set(key, {
      ...prior,
      direct: prior.direct || a.direct,
      groupIds: [...new Set([...prior.groupIds, ...a.groupIds])].sort(),
    });
  }
  return [...merged.values()];
}

export function sameUser(a: DirectoryUser, b: DirectoryUser): boolean {
  return (
    a.id === b.id &&
    a.username === b.username &&
    a.email === b.email &&
    a.displayName === b.displayName &&
    a.firstName === b.firstName &&
    a.lastName === b.lastName &&
    a.status === b.status &&
    a.adminRole === b.adminRole &&
    a.createdAt === b.createdAt &&
    a.hr.employeeIdentifier === b.hr.employeeIdentifier &&
    a.hr.employeeType === b.hr.employeeType &&
    a.hr.department === b.hr.department &&
    a.hr.jobTitle === b.hr.jobTitle &&
    a.hr.company === b.hr.company &&
    a.hr.costCenter === b.hr.costCenter &&
    a.hr.location === b.hr.location &&
    a.hr.managerId === b.hr.managerId &&
    sameArray(a.groupIds, b.groupIds)
  );
}

export function sameGroup(a: UserGroup, b: UserGroup): boolean {
  return a.id === b.id && a.name === b.name && a.description === b.description;
}

export function sameApplication(a: SsoApplication, b: SsoApplication): boolean {
  return (
    a.id === b.id &&
    a.name === b.name &&
    a.displayName === b.displayName &&
    a.displayLabel === b.displayLabel &&
    a.ssoUrl === b.ssoUrl &&
    a.ssoType === b.ssoType &&
    a.active === b.active
  );
}

export function sameAssignment(a: AppAssignment, b: AppAssignment): boolean {
  return a.applicationId === b.applicationId && a.userId === b.userId && a.direct === b.direct && sameArray(a.groupIds, b.groupIds);
}
