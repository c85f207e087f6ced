// Ground truth, derived from the world's own state and event log (never from HTTP responses).
import type { GroundTruth, RequestPlan, TruthPortalUsage, TruthSsoUsage } from "./api.types.js";
import { computeMdmTruth } from "./mdm-truth.js";
import { type EventRecord, type Org, iso, stateToStatus } from "./model.js";
import type { World } from "./world.js";

export const V1_MAX_LIMIT = 100;
export const V2_MAX_LIMIT = 100;
export const DI_MAX_LIMIT = 10_000;
const DAY = 86_400_000;

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sorted = (ids: Iterable<string>) => [...ids].sort();
const pages = (n: number, limit: number) => Math.max(1, Math.ceil(n / limit));

/** Is this event readable through DI right now? */
export function isVisible(r: EventRecord, now: number, retentionDays: number): boolean {
  return r.vis <= now && r.ms >= now - retentionDays * DAY && r.ms <= now;
}

export function computeTruth(world: World, org: Org): GroundTruth {
  const now = world.now();
  const retentionDays = world.settings.retentionDays;
  const groupsOf = new Map<string, string[]>();
  for (const g of org.groups) for (const uid of g.members) {
    const list = groupsOf.get(uid);
    if (list === undefined) groupsOf.set(uid, [g.id]);
    else list.push(g.id);
  }
  const users = org.users
    .map((u) => ({
      id: u.id,
      username: u.username,
      email: u.email,
      displayName: u.displayname,
      status: stateToStatus(u.state),
      adminRole: u.admin?.roleName ?? null,
      groupIds: sorted(groupsOf.get(u.id) ?? []),
      employeeIdentifier: u.employeeIdentifier,
      employeeType: u.employeeType,
      department: u.department,
      jobTitle: u.jobTitle,
      company: u.company,
      costCenter: u.costCenter,
      location: u.location,
      managerId: u.managerId,
    }))
    .sort(byId);
  const groups = org.groups.map((g) => ({ id: g.id, name: g.name, memberUserIds: sorted(g.members) })).sort(byId);
  const applications = org.apps
    .map((a) => {
      const assigned = new Set(a.directUsers);
      for (const gid of a.groups) for (const uid of org.groupById.get(gid)?.members ?? []) assigned.add(uid);
      return {
        id: a.id,
        name: a.name,
        displayLabel: a.displayLabel,
        ssoUrl: a.ssoUrl,
        directUserIds: sorted(a.directUsers),
        groupIds: sorted(a.groups),
        assignedUserIds: sorted(assigned),
      };
    })
    .sort(byId);

  // Usage: scan the visible log once, keeping the latest success per key. The log is in
  // (timestamp, id) order, so a later record always wins a tie on time. Records are kept, not
  // copied: truth() over 500,000 events must not allocate per event.
  const portal = new Map<string, EventRecord>();
  const sso = new Map<string, Map<string, EventRecord>>();
  let earliest: EventRecord | null = null;
  let successfulLogins = 0;
  if (org.diEnabled) {
    const userByEmail = new Map(org.users.map((u) => [u.email.toLowerCase(), u.id]));
    const appByUrl = new Map(org.apps.map((a) => [a.ssoUrl, a.id]));
    const oldest = now - retentionDays * DAY;
    const records = org.events.records;
    for (let i = org.events.lowerBound(oldest); i < records.length; i++) {
      const r = records[i] as EventRecord;
      if (r.ms > now) break;
      if (r.vis > now) continue;
      earliest ??= r;
      if (!r.ok) continue;
      if (r.type === "user_login_attempt") {
        successfulLogins++;
        if (org.userById.has(r.actorId)) portal.set(r.actorId, r);
      } else if (r.type === "admin_login_attempt") {
        successfulLogins++;
        const uid = userByEmail.get(r.actorName.toLowerCase());
        if (uid !== undefined) portal.set(uid, r);
      } else if (r.type === "sso_auth") {
        successfulLogins++;
        if (r.app === null || !org.userById.has(r.actorId)) continue;
        // A blank application id is matched on sso_url, as API-NOTES §9 advises.
        const appId = r.app.id !== "" ? r.app.id : appByUrl.get(r.app.sso_url);
        if (appId === undefined || !org.appById.has(appId)) continue;
        let perUser = sso.get(r.actorId);
        if (perUser === undefined) sso.set(r.actorId, (perUser = new Map<string, EventRecord>()));
        perUser.set(appId, r);
      }
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const portalUsage: TruthPortalUsage[] = [...portal.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([userId, r]) => ({ userId, lastLoginAt: iso(r.ms), source: r.type === "admin_login_attempt" ? "admin_portal" : "user_portal", eventId: r.id }));
  const ssoUsage: TruthSsoUsage[] = [];
  for (const userId of [...sso.keys()].sort(cmp)) {
    const perUser = sso.get(userId) as Map<string, EventRecord>;
    for (const applicationId of [...perUser.keys()].sort(cmp)) {
      const r = perUser.get(applicationId) as EventRecord;
      ssoUsage.push({ userId, applicationId, lastLoginAt: iso(r.ms), eventId: r.id });
    }
  }
  const mdm = computeMdmTruth(world, org, now);
  return {
    orgId: org.id,
    asOf: iso(now),
    users,
    groups,
    applications,
    portalUsage,
    ssoUsage,
    directoryInsights: { enabled: org.diEnabled, retentionDays, earliestVisibleEventAt: earliest === null ? null : iso(earliest.ms) },
    minimumRequests: { ...minimumRequests(org, successfulLogins), mdm: mdm.plan },
    ...mdm.truth,
  };
}

export const MINIMUM_PLAN = [
  "Page size is always the maximum: limit=100 on v1 and v2, limit=10000 on Directory Insights.",
  "A v1/v2 family costs max(1, ceil(total / 100)) requests: the client stops on totalCount / x-total-count, so an exact multiple of 100 needs no extra empty page.",
  "GET /api/systemusers — every user.",
  "GET /api/v2/usergroups — every user group.",
  "GET /api/v2/usergroups/{group_id}/members — per group, its direct members (one request even for an empty group).",
  "GET /api/applications — every SSO application.",
  "GET /api/v2/applications/{application_id}/associations?targets=user,user_group — per application, its direct users and groups in one listing (targets is a comma-joined array); assigned users = direct users ∪ members of those groups, already known from the members step.",
  "POST /insights/directory/v1/events — one query over the whole retention window: service [\"directory\",\"sso\"], search_term keeping only successful user_login_attempt / admin_login_attempt (success true) and sso_auth (sso_token_success true); DI has no total, so floor(matches / 10000) + 1 pages (the last one short, possibly empty). Omitted when DI is disabled for the org (a client learns that from a 402, which is 1 more request not counted here).",
  "Not counted: GET /api/organizations (the org is known), /events/count, and per-user traversals (/users/{id}/memberof, /users/{id}/applications), which only repeat what the steps above already give.",
];

function minimumRequests(org: Org, successfulLogins: number): RequestPlan {
  const byRoute: Record<string, number> = {
    "GET /api/systemusers": pages(org.users.length, V1_MAX_LIMIT),
    "GET /api/v2/usergroups": pages(org.groups.length, V2_MAX_LIMIT),
    "GET /api/v2/usergroups/{group_id}/members": org.groups.reduce((n, g) => n + pages(g.members.size, V2_MAX_LIMIT), 0),
    "GET /api/applications": pages(org.apps.length, V1_MAX_LIMIT),
    "GET /api/v2/applications/{application_id}/associations": org.apps.reduce((n, a) => n + pages(a.directUsers.size + a.groups.size, V2_MAX_LIMIT), 0),
  };
  if (org.diEnabled) byRoute["POST /insights/directory/v1/events"] = Math.floor(successfulLogins / DI_MAX_LIMIT) + 1;
  const total = Object.values(byRoute).reduce((a, b) => a + b, 0);
  return { total, byRoute, plan: MINIMUM_PLAN };
}
