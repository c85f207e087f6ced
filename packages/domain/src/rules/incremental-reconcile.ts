import { assignmentKey, type AppAssignment, type AssignmentKey, type DirectoryUser, type EntityChanges, type SsoApplication, type UserGroup } from "../model/directory.js";
import type { DirectorySnapshotUnit } from "../ports/directory-store.port.js";
import { assignmentsOfApplication, ChunkedDiff } from "./chunked-reconcile.js";
import type { DirectoryReread } from "./directory-events.js";
import { massDeletionRefusal, sameApplication, sameAssignment, sameGroup, sameUser, type ReconcileOptions } from "./reconcile.js";

/** What the incremental reconciliation reads of the stored directory (inside the unit of work). */
export type IncrementalSource = Pick<DirectorySnapshotUnit, "usersById" | "liveMemberships" | "groups" | "applications" | "assignmentsOfApplication" | "assignedApplicationIds" | "liveCounts">;

export type IncrementalResult =
  | { readonly status: "refused"; readonly reason: string }
  | {
      readonly status: "ok";
      readonly users: EntityChanges<DirectoryUser>;
      readonly groups: EntityChanges<UserGroup>;
      readonly applications: EntityChanges<SsoApplication>;
      /** The assignments' changes, one application at a time (each read from the source when asked for). */
      readonly assignments: () => AsyncIterable<EntityChanges<AppAssignment, AssignmentKey>>;
    };

/**
 * `reconcileDirectory(previous, patchDirectory(previous, reread))` without the whole directory in
 * memory: only the rows the re-read objects can change are read and compared — the re-read users
 * (and the members of groups that are gone), the groups and applications (a few hundred), each
 * live user's groups (membership alone), and per application the assignments of the affected users
 * (all of its assignments when its associations were re-read or it is gone). Every other stored row is what the patch would leave it: the same change set (see
 * incremental-reconcile.test.ts), the same mass-deletion guard.
 */
export async function reconcileIncremental(source: IncrementalSource, reread: DirectoryReread, options: ReconcileOptions): Promise<IncrementalResult> {
  const at = options.now.toISOString();
  const storedGroups = await source.groups();
  const storedApplications = await source.applications();
  const groups = reread.groups ?? storedGroups.filter(isLive).map(withoutTombstone);
  const applications = reread.applications ?? storedApplications.filter(isLive).map(withoutTombstone);
  const groupIds = new Set(groups.map((g) => g.id));
  const applicationIds = new Set(applications.map((a) => a.id));

  // The users the patch can change: those re-read, and those in a group that no longer exists.
  const membership = await source.liveMemberships();
  const affected = new Set<string>([...reread.users.keys(), ...reread.userLinks.keys()]);
  for (const [id, ids] of membership) if (ids.some((g) => !groupIds.has(g))) affected.add(id);
  const storedUsers = await source.usersById([...affected]);
  const patched = new Map<string, DirectoryUser>();
  for (const u of storedUsers) if (isLive(u)) patched.set(u.id, withoutTombstone(u));
  for (const [id, fresh] of reread.users) {
    if (fresh === null) patched.delete(id);
    else patched.set(id, { ...fresh, groupIds: patched.get(id)?.groupIds ?? [] });
  }
  for (const [id, links] of reread.userLinks) {
    const u = patched.get(id);
    if (links === null || u === undefined) continue;
    patched.set(id, { ...u, groupIds: [...new Set(links.groupIds)].sort() });
  }
  for (const [id, u] of patched) if (u.groupIds.some((g) => !groupIds.has(g))) patched.set(id, { ...u, groupIds: u.groupIds.filter((g) => groupIds.has(g)) });

  const users = new ChunkedDiff(patched.values(), (u) => u.id, sameUser, at);
  users.compare(storedUsers);
  const groupDiff = new ChunkedDiff(groups, (g) => g.id, sameGroup, at);
  groupDiff.compare(storedGroups);
  const applicationDiff = new ChunkedDiff(applications, (a) => a.id, sameApplication, at);
  applicationDiff.compare(storedApplications);
  const changes = { users: users.finish(), groups: groupDiff.finish(), applications: applicationDiff.finish() };
  if (options.force !== true) {
    const refusal = massDeletionRefusal(await source.liveCounts(), { users: changes.users.removed.length, applications: changes.applications.removed.length }, options.guard);
    if (refusal !== null) return { status: "refused", reason: refusal };
  }

  // A user's groups after the patch (undefined: not a live user).
  const groupsOf = (userId: string): readonly string[] | undefined => (affected.has(userId) ? patched.get(userId)?.groupIds : membership.get(userId));
  let membersOf: Map<string, string[]> | null = null;
  const members = (groupId: string): readonly string[] => {
    if (membersOf === null) {
      membersOf = new Map();
      const add = (userId: string, ids: readonly string[]): void => {
        for (const g of ids) {
          const list = membersOf!.get(g);
          if (list === undefined) membersOf!.set(g, [userId]);
          else list.push(userId);
        }
      };
      for (const [id, ids] of membership) if (!affected.has(id)) add(id, ids);
      for (const [id, u] of patched) add(id, u.groupIds);
    }
    return membersOf.get(groupId) ?? [];
  };

  // Every row of an application whose associations were re-read or that is gone; else only the
  // affected users' rows of the applications they had or now have (a gone group's rows are its
  // members', who are affected).
  const wholeApps = new Set<string>([...reread.associations.keys(), ...storedApplications.filter((a) => isLive(a) && !applicationIds.has(a.id)).map((a) => a.id)]);
  const partialApps = new Set<string>(await source.assignedApplicationIds([...affected]));
  for (const links of reread.userLinks.values()) for (const a of links?.applications ?? []) partialApps.add(a.applicationId);
  for (const id of wholeApps) partialApps.delete(id);

  async function* assignments(): AsyncIterable<EntityChanges<AppAssignment, AssignmentKey>> {
    for (const [appId, all] of [...[...wholeApps].map((id) => [id, true] as const), ...[...partialApps].map((id) => [id, false] as const)]) {
      const stored = await source.assignmentsOfApplication(appId, all ? undefined : [...affected]);
      const rows = new Map<string, AppAssignment>();
      for (const a of stored) if (isLive(a)) rows.set(a.userId, withoutTombstone(a));
      // A user's re-read applications are the user's whole set of assignments.
      for (const [userId, links] of reread.userLinks) {
        rows.delete(userId);
        for (const a of links?.applications ?? []) {
          if (a.applicationId === appId) rows.set(userId, { applicationId: appId, userId, direct: a.direct, groupIds: [...new Set(a.groupIds)].sort() });
        }
      }
      // An application's re-read associations are its whole set, through the members known now.
      if (reread.associations.has(appId)) {
        rows.clear();
        const edges = reread.associations.get(appId) ?? null;
        if (edges !== null) for (const a of assignmentsOfApplication(appId, edges.userIds, edges.groupIds, members, (u) => groupsOf(u) !== undefined)) rows.set(a.userId, a);
      }
      // Assignments of users, applications and groups that are gone go with them.
      const kept: AppAssignment[] = [];
      for (const a of rows.values()) {
        const ids = groupsOf(a.userId);
        if (ids === undefined || !applicationIds.has(appId)) continue;
        const via = a.groupIds.filter((g) => groupIds.has(g) && ids.includes(g));
        if (!a.direct && via.length === 0) continue;
        kept.push(via.length === a.groupIds.length ? a : { ...a, groupIds: via });
      }
      const diff = new ChunkedDiff<AppAssignment, AssignmentKey>(kept, assignmentKey, sameAssignment, at);
      diff.compare(stored);
      yield diff.finish();
    }
  }
  return { status: "ok", ...changes, assignments };
}

function isLive(r: { readonly removedAt: string | null }): boolean {
  return r.removedAt === null;
}

function withoutTombstone<T extends { readonly removedAt: string | null }>(tracked: T): Omit<T, "removedAt"> {
  const { removedAt: _removed, ...rest } = tracked;
  return rest;
}
