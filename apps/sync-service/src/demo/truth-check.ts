import type { DirectoryState, UsageKey, UsageRecord } from "@jumpcloud-sync/domain";
import type { GroundTruth } from "@jumpcloud-sync/jumpcloud-sim";

export interface TruthDifference {
  readonly area: "users" | "groups" | "applications" | "assignments" | "portal-usage" | "sso-usage";
  readonly id: string;
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** The stand-in sends "" for unset text; the store keeps null. */
function t(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === "" ? null : value;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
}

/**
 * Compares a scope's synced directory and usage with the stand-in's ground truth, record by record
 * and field by field. Tombstones are history, not part of the live directory; usage of users or
 * apps no longer upstream is kept by design and not compared.
 */
export function compareWithTruth(state: DirectoryState, usage: ReadonlyMap<UsageKey, UsageRecord>, truth: GroundTruth): TruthDifference[] {
  const diffs: TruthDifference[] = [];
  const push = (area: TruthDifference["area"], id: string, field: string, expected: unknown, actual: unknown): void => {
    diffs.push({ area, id, field, expected, actual });
  };

  const liveUsers = new Map([...state.users].filter(([, u]) => u.removedAt === null));
  for (const tu of truth.users) {
    const u = liveUsers.get(tu.id);
    if (u === undefined) {
      push("users", tu.id, "(record)", "present", "missing");
      continue;
    }
    liveUsers.delete(tu.id);
    const fields: [string, unknown, unknown][] = [
      ["username", tu.username, u.username],
      ["email", tu.email, u.email],
      ["displayName", t(tu.displayName), u.displayName],
      ["status", tu.status, u.status],
      ["adminRole", t(tu.adminRole), u.adminRole],
      ["employeeIdentifier", t(tu.employeeIdentifier), u.hr.employeeIdentifier],
      ["employeeType", t(tu.employeeType), u.hr.employeeType],
      ["department", t(tu.department), u.hr.department],
      ["jobTitle", t(tu.jobTitle), u.hr.jobTitle],
      ["company", t(tu.company), u.hr.company],
      ["costCenter", t(tu.costCenter), u.hr.costCenter],
      ["location", t(tu.location), u.hr.location],
      ["managerId", t(tu.managerId), u.hr.managerId],
    ];
    for (const [field, expected, actual] of fields) if (expected !== actual) push("users", tu.id, field, expected, actual);
    if (!sameList(tu.groupIds, u.groupIds)) push("users", tu.id, "groupIds", tu.groupIds, u.groupIds);
  }
  for (const id of liveUsers.keys()) push("users", id, "(record)", "absent", "present");

  const liveGroups = new Map([...state.groups].filter(([, g]) => g.removedAt === null));
  for (const tg of truth.groups) {
    const g = liveGroups.get(tg.id);
    if (g === undefined) {
      push("groups", tg.id, "(record)", "present", "missing");
      continue;
    }
    liveGroups.delete(tg.id);
    if (g.name !== tg.name) push("groups", tg.id, "name", tg.name, g.name);
  }
  for (const id of liveGroups.keys()) push("groups", id, "(record)", "absent", "present");

  const liveApps = new Map([...state.applications].filter(([, a]) => a.removedAt === null));
  const truthUsers = new Map(truth.users.map((u) => [u.id, u]));
  const expectedAssignments = new Map<string, { direct: boolean; groupIds: string[] }>();
  for (const ta of truth.applications) {
    const a = liveApps.get(ta.id);
    if (a === undefined) push("applications", ta.id, "(record)", "present", "missing");
    else {
      liveApps.delete(ta.id);
      if (a.name !== ta.name) push("applications", ta.id, "name", ta.name, a.name);
      if (a.displayLabel !== t(ta.displayLabel)) push("applications", ta.id, "displayLabel", t(ta.displayLabel), a.displayLabel);
      if (a.ssoUrl !== t(ta.ssoUrl)) push("applications", ta.id, "ssoUrl", t(ta.ssoUrl), a.ssoUrl);
    }
    for (const userId of ta.assignedUserIds) {
      const memberOf = new Set(truthUsers.get(userId)?.groupIds ?? []);
      expectedAssignments.set(`${ta.id}/${userId}`, { direct: ta.directUserIds.includes(userId), groupIds: ta.groupIds.filter((g) => memberOf.has(g)).sort() });
    }
  }
  for (const id of liveApps.keys()) push("applications", id, "(record)", "absent", "present");

  for (const [key, a] of state.assignments) {
    if (a.removedAt !== null) continue;
    const expected = expectedAssignments.get(key);
    if (expected === undefined) {
      push("assignments", key, "(record)", "absent", "present");
      continue;
    }
    expectedAssignments.delete(key);
    if (expected.direct !== a.direct) push("assignments", key, "direct", expected.direct, a.direct);
    if (!sameList(expected.groupIds, a.groupIds)) push("assignments", key, "groupIds", expected.groupIds, a.groupIds);
  }
  for (const key of expectedAssignments.keys()) push("assignments", key, "(record)", "present", "missing");

  const liveUserIds = new Set(truth.users.map((u) => u.id));
  const liveAppIds = new Set(truth.applications.map((a) => a.id));
  const portal = new Map<string, UsageRecord>();
  const sso = new Map<string, UsageRecord>();
  for (const r of usage.values()) {
    if (!liveUserIds.has(r.userId)) continue;
    if (r.applicationId === null) portal.set(r.userId, r);
    else if (liveAppIds.has(r.applicationId)) sso.set(`${r.userId}/${r.applicationId}`, r);
  }
  for (const p of truth.portalUsage) {
    const r = portal.get(p.userId);
    portal.delete(p.userId);
    if (r === undefined) push("portal-usage", p.userId, "(record)", "present", "missing");
    else if (r.lastUsedAt !== p.lastLoginAt || r.source !== p.source || r.eventId !== p.eventId) {
      push("portal-usage", p.userId, "lastUsed", `${p.lastLoginAt} ${p.source} ${p.eventId}`, `${r.lastUsedAt} ${r.source} ${r.eventId}`);
    }
  }
  for (const id of portal.keys()) push("portal-usage", id, "(record)", "absent", "present");
  for (const s of truth.ssoUsage) {
    const key = `${s.userId}/${s.applicationId}`;
    const r = sso.get(key);
    sso.delete(key);
    if (r === undefined) push("sso-usage", key, "(record)", "present", "missing");
    else if (r.lastUsedAt !== s.lastLoginAt || r.eventId !== s.eventId) push("sso-usage", key, "lastUsed", `${s.lastLoginAt} ${s.eventId}`, `${r.lastUsedAt} ${r.eventId}`);
  }
  for (const key of sso.keys()) push("sso-usage", key, "(record)", "absent", "present");
  return diffs;
}
