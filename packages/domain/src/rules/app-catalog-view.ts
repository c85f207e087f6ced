import { applyAppOverrides, type CompiledAppOverrides } from "../identity/app-overrides.js";
import { identifyApp } from "../identity/app-identity.js";
import type { AppObservation } from "../identity/app-observation.js";
import type { AppAssignment, SsoApplication } from "../model/directory.js";
import type { InstallationSource, ManagedApp, StoredInstallation } from "../model/mdm.js";
import type { LastOpened } from "../model/inventory.js";
import { NEVER_OPENED } from "../model/inventory.js";
import type { LastUsed, UsageCoverage, UsageRecord } from "../model/usage.js";
import type { PresentApp } from "./inventory.js";

/** Where a canonical app was seen: installed (by source), or as an SSO application. */
export type CanonicalAppSource = InstallationSource | "sso";

/** One product, under all its names: every installation, managed app and SSO application identified as it. */
export interface CanonicalApp {
  readonly appId: string;
  readonly displayName: string;
  readonly listed: boolean;
  /** Distinct raw names seen, sorted. */
  readonly aliases: readonly string[];
  readonly sources: readonly CanonicalAppSource[];
  readonly versions: readonly string[];
  readonly deviceIds: readonly string[];
  /** Users bound to a device holding it, assigned to or using one of its SSO applications. */
  readonly userIds: readonly string[];
  readonly ssoApplicationIds: readonly string[];
  readonly managedAppIds: readonly string[];
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  /** Latest desktop last opened over its devices (`never` when every report says never; null when none reports). */
  readonly lastOpened: LastOpened;
}

/** How a user has an app. */
export type UserAppVia = "sso-assignment" | "sso-usage" | "installed" | "managed";

/** Where a last use came from. */
export type AppUseSource = "sso" | "user_portal" | "desktop";

export type AppLastUsed =
  | { readonly kind: "date"; readonly at: string; readonly source: AppUseSource }
  | { readonly kind: "not-seen-since"; readonly since: string }
  | { readonly kind: "unknown"; readonly reason: string };

/** One canonical app of one user, every source together, with the evidence of the last use. */
export interface UserApp {
  readonly userId: string;
  readonly appId: string;
  readonly displayName: string;
  readonly via: readonly UserAppVia[];
  readonly deviceIds: readonly string[];
  readonly ssoApplicationIds: readonly string[];
  readonly lastUsed: AppLastUsed;
}

export interface AppCatalogInput {
  /** Per device, the merged present apps (`presentApps`). */
  readonly present: readonly PresentApp[];
  /** Observations of inventory rows by installation key; other rows are read from their name. */
  readonly observationOf?: (row: StoredInstallation) => AppObservation | null;
  readonly lastOpenedOf?: (row: StoredInstallation) => LastOpened;
  readonly bindings: readonly { readonly deviceId: string; readonly userId: string }[];
  readonly ssoApplications: readonly SsoApplication[];
  readonly assignments: readonly Pick<AppAssignment, "applicationId" | "userId">[];
  /** SSO usage per user × application and portal logins (`applicationId: null`). */
  readonly usage: readonly UsageRecord[];
  readonly usageCoverage: UsageCoverage;
  readonly managedApps: readonly ManagedApp[];
  readonly overrides?: CompiledAppOverrides;
}

export interface AppCatalogView {
  readonly apps: readonly CanonicalApp[];
  readonly userApps: readonly UserApp[];
}

function observationOfRow(row: StoredInstallation, managed: ReadonlyMap<string, ManagedApp>): AppObservation {
  if (row.source === "managed") {
    const app = managed.get(row.sourceRef);
    const s = app?.settings[0];
    return { source: "managed-app", displayName: app?.displayName ?? row.name, packageId: s?.packageId ?? null, bundleId: s?.bundleId ?? null, packageManager: s?.packageManager ?? null };
  }
  return { source: "software-event", name: row.name, version: row.version, packageManager: row.packageManager };
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}
function minIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

interface Acc {
  appId: string;
  displayName: string;
  listed: boolean;
  aliases: Set<string>;
  sources: Set<CanonicalAppSource>;
  versions: Set<string>;
  devices: Set<string>;
  users: Set<string>;
  sso: Set<string>;
  managed: Set<string>;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  lastOpened: LastOpened;
  /** userId → via, devices, sso apps, best desktop opened. */
  perUser: Map<string, { via: Set<UserAppVia>; devices: Set<string>; sso: Set<string>; opened: LastOpened }>;
}

const sorted = <T extends string>(s: Iterable<T>): T[] => [...s].sort();

function laterOpened(a: LastOpened, b: LastOpened): LastOpened {
  if (a === null) return b;
  if (b === null) return a;
  if (a === NEVER_OPENED) return b;
  if (b === NEVER_OPENED) return a;
  return a > b ? a : b;
}

/**
 * The canonical apps of a scope and each user's apps with last use: every installation (inventory,
 * events, managed), managed app and SSO application identified (`identifyApp`, then the operator's
 * overrides) and grouped by canonical id, so Slack.app on a Mac, Slack on Windows, slack-desktop
 * on Linux, the managed "Slack" and the SSO application "Slack" are one app with one user list.
 * A user's last use of an app is the latest of: an SSO login to one of its SSO applications, and a
 * desktop last opened on one of the user's devices; without either it is "not seen since" the
 * usage coverage (or the app's inventory) or "unknown" with the reason. Pure and deterministic.
 */
export function buildAppCatalogView(input: AppCatalogInput): AppCatalogView {
  const managed = new Map(input.managedApps.map((a) => [a.id, a]));
  const users = new Map<string, string[]>();
  for (const b of input.bindings) {
    const list = users.get(b.deviceId);
    if (list === undefined) users.set(b.deviceId, [b.userId]);
    else list.push(b.userId);
  }
  const apps = new Map<string, Acc>();
  const identify = (o: AppObservation) => {
    const id = identifyApp(o);
    return input.overrides === undefined ? id : applyAppOverrides(id, input.overrides);
  };
  const accOf = (appId: string, displayName: string, listed: boolean): Acc => {
    let a = apps.get(appId);
    if (a === undefined) {
      a = { appId, displayName, listed, aliases: new Set(), sources: new Set(), versions: new Set(), devices: new Set(), users: new Set(), sso: new Set(), managed: new Set(), firstSeenAt: null, lastSeenAt: null, lastOpened: null, perUser: new Map() };
      apps.set(appId, a);
    } else if (listed && !a.listed) {
      a.displayName = displayName;
      a.listed = true;
    }
    return a;
  };
  const userOf = (a: Acc, userId: string) => {
    let u = a.perUser.get(userId);
    if (u === undefined) {
      u = { via: new Set(), devices: new Set(), sso: new Set(), opened: null };
      a.perUser.set(userId, u);
    }
    a.users.add(userId);
    return u;
  };

  for (const p of input.present) {
    for (const row of p.rows) {
      const identity = identify(input.observationOf?.(row) ?? observationOfRow(row, managed));
      const a = accOf(identity.appId, identity.displayName, identity.listed);
      a.aliases.add(row.name);
      a.sources.add(row.source);
      if (row.version !== null) a.versions.add(row.version);
      a.devices.add(p.deviceId);
      if (row.source === "managed") a.managed.add(row.sourceRef);
      a.firstSeenAt = minIso(a.firstSeenAt, row.firstSeenAt);
      a.lastSeenAt = maxIso(a.lastSeenAt, row.lastSeenAt);
      const opened = input.lastOpenedOf?.(row) ?? null;
      a.lastOpened = laterOpened(a.lastOpened, opened);
      for (const userId of users.get(p.deviceId) ?? []) {
        const u = userOf(a, userId);
        u.via.add(row.source === "managed" ? "managed" : "installed");
        u.devices.add(p.deviceId);
        u.opened = laterOpened(u.opened, opened);
      }
    }
  }

  const ssoById = new Map<string, { appId: string }>();
  for (const s of input.ssoApplications) {
    const identity = identify({ source: "sso-application", name: s.name, displayName: s.displayName, displayLabel: s.displayLabel });
    const a = accOf(identity.appId, identity.displayName, identity.listed);
    a.aliases.add(s.displayLabel ?? s.displayName ?? s.name);
    a.sources.add("sso");
    a.sso.add(s.id);
    ssoById.set(s.id, { appId: identity.appId });
  }
  for (const as of input.assignments) {
    const s = ssoById.get(as.applicationId);
    if (s === undefined) continue;
    const u = userOf(apps.get(s.appId)!, as.userId);
    u.via.add("sso-assignment");
    u.sso.add(as.applicationId);
  }
  // Latest SSO login per user × canonical app.
  const ssoUse = new Map<string, string>();
  for (const r of input.usage) {
    if (r.applicationId === null) continue;
    const s = ssoById.get(r.applicationId);
    if (s === undefined) continue;
    const u = userOf(apps.get(s.appId)!, r.userId);
    u.via.add("sso-usage");
    u.sso.add(r.applicationId);
    const k = `${s.appId}\u001f${r.userId}`;
    const prior = ssoUse.get(k);
    if (prior === undefined || r.lastUsedAt > prior) ssoUse.set(k, r.lastUsedAt);
  }

  const view: CanonicalApp[] = [];
  const userApps: UserApp[] = [];
  for (const a of [...apps.values()].sort((x, y) => (x.appId < y.appId ? -1 : x.appId > y.appId ? 1 : 0))) {
    view.push({
      appId: a.appId,
      displayName: a.displayName,
      listed: a.listed,
      aliases: sorted(a.aliases),
      sources: sorted(a.sources),
      versions: sorted(a.versions),
      deviceIds: sorted(a.devices),
      userIds: sorted(a.users),
      ssoApplicationIds: sorted(a.sso),
      managedAppIds: sorted(a.managed),
      firstSeenAt: a.firstSeenAt,
      lastSeenAt: a.lastSeenAt,
      lastOpened: a.lastOpened,
    });
    for (const [userId, u] of [...a.perUser].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
      userApps.push({
        userId,
        appId: a.appId,
        displayName: a.displayName,
        via: sorted(u.via),
        deviceIds: sorted(u.devices),
        ssoApplicationIds: sorted(u.sso),
        lastUsed: lastUseOf(ssoUse.get(`${a.appId}\u001f${userId}`) ?? null, u.opened, u.sso.size > 0, u.devices.size > 0, input.usageCoverage),
      });
    }
  }
  return { apps: view, userApps };
}

/** The latest evidence wins; silence is "not seen since" only where a source looked, else "unknown" with why. */
function lastUseOf(sso: string | null, opened: LastOpened, hasSso: boolean, installed: boolean, coverage: UsageCoverage): AppLastUsed {
  const desktop = opened !== null && opened !== NEVER_OPENED ? opened : null;
  if (sso !== null && (desktop === null || sso >= desktop)) return { kind: "date", at: sso, source: "sso" };
  if (desktop !== null) return { kind: "date", at: desktop, source: "desktop" };
  if (hasSso && coverage.kind === "available") return { kind: "not-seen-since", since: coverage.since };
  if (opened === NEVER_OPENED) return { kind: "unknown", reason: "never opened on the user's devices (System Insights last_opened_time -1)" };
  if (hasSso) return { kind: "unknown", reason: coverage.kind === "unavailable" ? `Directory Insights ${coverage.reason === "insights-forbidden" ? "not permitted" : "not enabled"}` : "usage not synced yet" };
  return { kind: "unknown", reason: installed ? "the device does not report when the app was last opened" : "no usage source for this app" };
}

/** A user's app that has not been used for `days` days (a license to reclaim), with the evidence. */
export interface ReclaimCandidate extends UserApp {
  readonly idleSince: string | null;
}

/**
 * License reclaim: every user × app where the user has the app (assigned or installed) and no use
 * in the last `days` days before `now`: a last use older than the cut-off, "not seen since" a point
 * before it, or never opened. Unknown last use (no source looked) is not a reclaim candidate:
 * nothing says the license is idle.
 */
export function reclaimCandidates(userApps: readonly UserApp[], days: number, now: Date): ReclaimCandidate[] {
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`days must be a positive integer (got ${days})`);
  const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
  const out: ReclaimCandidate[] = [];
  for (const u of userApps) {
    if (!u.via.some((v) => v === "sso-assignment" || v === "installed" || v === "managed")) continue;
    const l: LastUsed | AppLastUsed = u.lastUsed;
    if (l.kind === "date" && l.at < cutoff) out.push({ ...u, idleSince: l.at });
    else if (l.kind === "not-seen-since" && l.since <= cutoff) out.push({ ...u, idleSince: null });
    else if (l.kind === "unknown" && l.reason.startsWith("never opened")) out.push({ ...u, idleSince: null });
  }
  return out;
}
