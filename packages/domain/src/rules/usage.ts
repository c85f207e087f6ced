import type { DirectoryState } from "../model/directory.js";
import {
  usageKey,
  type InsightsCursor,
  type InsightsEvent,
  type LastUsed,
  type UsageCoverage,
  type UsageKey,
  type UsageRecord,
  type UsageSource,
} from "../model/usage.js";

/** Lookups that tie Directory Insights events to directory users and SSO applications. */
export interface UsageMatchIndex {
  readonly userIds: ReadonlySet<string>;
  readonly userIdByUsername: ReadonlyMap<string, string>;
  readonly userIdByEmail: ReadonlyMap<string, string>;
  readonly applicationIds: ReadonlySet<string>;
  readonly applicationIdBySsoUrl: ReadonlyMap<string, string>;
}

/** Builds the index from the stored directory, tombstones included (their past use still counts). */
export function buildUsageMatchIndex(directory: Pick<DirectoryState, "users" | "applications">): UsageMatchIndex {
  const userIds = new Set<string>();
  const userIdByUsername = new Map<string, string>();
  const userIdByEmail = new Map<string, string>();
  // Live records win over tombstones that share a username, email or URL.
  const users = [...directory.users.values()].sort((a, b) => Number(a.removedAt === null) - Number(b.removedAt === null));
  for (const u of users) {
    userIds.add(u.id);
    userIdByUsername.set(u.username.toLowerCase(), u.id);
    if (u.email !== "") userIdByEmail.set(u.email.toLowerCase(), u.id);
  }
  const applicationIds = new Set<string>();
  const applicationIdBySsoUrl = new Map<string, string>();
  const apps = [...directory.applications.values()].sort((a, b) => Number(a.removedAt === null) - Number(b.removedAt === null));
  for (const a of apps) {
    applicationIds.add(a.id);
    if (a.ssoUrl !== null && a.ssoUrl !== "") applicationIdBySsoUrl.set(normalizeUrl(a.ssoUrl), a.id);
  }
  return { userIds, userIdByUsername, userIdByEmail, applicationIds, applicationIdBySsoUrl };
}

export interface UsageFoldStats {
  events: number;
  /** Successful logins that were tied to a user (and app, for SSO). */
  matched: number;
  /** Failed logins and events that carry no usage. */
  ignored: number;
  /** Successful logins whose user or application is not in the directory. */
  unmatched: number;
}

export interface UsageFold {
  /** Records that moved forward, one per key: what the store must write. */
  readonly changes: UsageRecord[];
  readonly stats: UsageFoldStats;
}

/**
 * Folds Directory Insights events into last-use records: per user the last successful portal login
 * (user portal `user_login_attempt`, admin console `admin_login_attempt` matched by email), per user
 * per SSO application the last successful `sso_auth` (`sso_token_success: true`; app by id, else by
 * `sso_url`). The result is a max over (timestamp, event id): independent of event order and of
 * duplicates, never moving backwards, so re-reading an overlapping window changes nothing.
 */
export function foldUsage(current: ReadonlyMap<UsageKey, UsageRecord>, events: Iterable<InsightsEvent>, index: UsageMatchIndex): UsageFold {
  const stats: UsageFoldStats = { events: 0, matched: 0, ignored: 0, unmatched: 0 };
  const best = new Map<UsageKey, UsageRecord>();
  for (const event of events) {
    stats.events += 1;
    const candidate = usageFromEvent(event, index);
    if (candidate === "ignored") {
      stats.ignored += 1;
      continue;
    }
    if (candidate === "unmatched") {
      stats.unmatched += 1;
      continue;
    }
    stats.matched += 1;
    const key = usageKey(candidate);
    const incumbent = best.get(key) ?? current.get(key);
    if (incumbent === undefined || isLater(candidate, incumbent)) best.set(key, candidate);
  }
  return { changes: [...best.values()], stats };
}

/** Total order on usage records: timestamp, then event id. */
export function isLater(a: Pick<UsageRecord, "lastUsedAt" | "eventId">, b: Pick<UsageRecord, "lastUsedAt" | "eventId">): boolean {
  if (a.lastUsedAt !== b.lastUsedAt) return a.lastUsedAt > b.lastUsedAt;
  return a.eventId > b.eventId;
}

function usageFromEvent(event: InsightsEvent, index: UsageMatchIndex): UsageRecord | "ignored" | "unmatched" {
  switch (event.event_type) {
    case "user_login_attempt": {
      if (event.success !== true) return "ignored";
      const userId = matchUser(index, event.initiated_by) ?? matchUser(index, event.resource);
      return userId === null ? "unmatched" : record(event, userId, null, "user_portal");
    }
    case "admin_login_attempt": {
      if (event.success !== true) return "ignored";
      // Real samples carry the admin in initiated_by; the spec's example in resource. Admins are
      // separate accounts: the directory user is the one with the admin's email.
      const email = adminEmail(event.initiated_by) ?? adminEmail(event.resource);
      const userId = email === null ? undefined : index.userIdByEmail.get(email.toLowerCase());
      return userId === undefined ? "unmatched" : record(event, userId, null, "admin_portal");
    }
    case "sso_auth": {
      if (event.sso_token_success !== true) return "ignored";
      const userId = matchUser(index, event.initiated_by);
      const appId = matchApplication(index, event.application);
      return userId === null || appId === null ? "unmatched" : record(event, userId, appId, "sso");
    }
    default:
      return "ignored";
  }
}

function record(event: InsightsEvent, userId: string, applicationId: string | null, source: UsageSource): UsageRecord | "ignored" {
  const lastUsedAt = normalizeTimestamp(event.timestamp);
  if (lastUsedAt === null || typeof event.id !== "string" || event.id === "") return "ignored";
  return { userId, applicationId, lastUsedAt, source, eventId: event.id };
}

function matchUser(index: UsageMatchIndex, who: InsightsEvent["initiated_by"]): string | null {
  if (who === null || who === undefined) return null;
  if (who.type !== undefined && who.type !== "user") return null;
  if (who.id !== undefined && index.userIds.has(who.id)) return who.id;
  if (who.username !== undefined && who.username !== "") {
    const id = index.userIdByUsername.get(who.username.toLowerCase());
    if (id !== undefined) return id;
  }
  if (who.email !== undefined && who.email !== "") {
    const id = index.userIdByEmail.get(who.email.toLowerCase());
    if (id !== undefined) return id;
  }
  return null;
}

function adminEmail(who: InsightsEvent["initiated_by"]): string | null {
  if (who === null || who === undefined || who.type !== "admin") return null;
  return typeof who.email === "string" && who.email !== "" ? who.email : null;
}

function matchApplication(index: UsageMatchIndex, app: InsightsEvent["application"]): string | null {
  if (app === null || app === undefined) return null;
  if (app.id !== undefined && app.id !== "" && index.applicationIds.has(app.id)) return app.id;
  if (app.sso_url !== undefined && app.sso_url !== "") return index.applicationIdBySsoUrl.get(normalizeUrl(app.sso_url)) ?? null;
  return null;
}

function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/u, "").toLowerCase();
}

/**
 * Directory Insights timestamps come with millisecond to nanosecond precision; the store keeps
 * ISO 8601 in UTC with milliseconds, which sorts as text. Returns null for an unparseable value.
 */
export function normalizeTimestamp(ts: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/u.exec(ts);
  if (m === null) return null;
  const ms = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  const d = new Date(`${m[1]}.${ms}${m[3]}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The tri-state last use of a user (or of a user in an app) given the scope's usage coverage. */
export function lastUsedOf(record: Pick<UsageRecord, "lastUsedAt" | "source"> | undefined | null, coverage: UsageCoverage): LastUsed {
  if (record !== undefined && record !== null) return { kind: "date", at: record.lastUsedAt, source: record.source };
  switch (coverage.kind) {
    case "available":
      return { kind: "not-seen-since", since: coverage.since };
    case "unavailable":
      return { kind: "unknown", reason: coverage.detail };
    case "not-synced":
      return { kind: "unknown", reason: "usage has not been synced yet" };
  }
}

export interface InsightsWindowOptions {
  /** Re-read this much before the last position, so events that became visible late are caught. */
  readonly overlapMs: number;
  /** How far back a first sync reads (Directory Insights keeps 90 days). */
  readonly maxLookbackMs: number;
  /** Stay this far behind now, so a query never starts or ends in the future. */
  readonly lagMs: number;
}

export const DEFAULT_INSIGHTS_WINDOW: InsightsWindowOptions = {
  overlapMs: 15 * 60_000,
  maxLookbackMs: 90 * 86_400_000,
  lagMs: 1_000,
};

export interface InsightsWindow {
  readonly start: string;
  readonly end: string;
  readonly searchAfter: readonly [number, string] | null;
  readonly resumed: boolean;
}

/**
 * The next Directory Insights window of a scope: the pending one after a crash, else from the
 * cursor minus the overlap (never before the lookback), to now minus the lag. Null when there is
 * nothing to read yet — a query whose start is not before its end is never planned.
 */
export function planInsightsWindow(cursor: InsightsCursor | null, now: Date, options: InsightsWindowOptions = DEFAULT_INSIGHTS_WINDOW): InsightsWindow | null {
  if (cursor?.pending !== undefined) {
    const { start, end, searchAfter } = cursor.pending;
    if (start < end) return { start, end, searchAfter, resumed: true };
  }
  const end = now.getTime() - options.lagMs;
  const floor = now.getTime() - options.maxLookbackMs;
  const start = cursor === null ? floor : Math.max(floor, Date.parse(cursor.readThrough) - options.overlapMs);
  if (!(start < end)) return null;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), searchAfter: null, resumed: false };
}

/** The cursor after a page of a window was folded and stored (resumable from there). */
export function cursorAfterPage(
  cursor: InsightsCursor | null,
  window: Pick<InsightsWindow, "start" | "end">,
  page: { readonly searchAfter: readonly [number, string] | null; readonly earliestEventAt: string | null },
): InsightsCursor {
  const sameWindow = cursor?.pending !== undefined && cursor.pending.start === window.start && cursor.pending.end === window.end;
  return {
    readThrough: cursor?.readThrough ?? window.start,
    coverageSince: cursor?.coverageSince ?? null,
    pending: {
      start: window.start,
      end: window.end,
      searchAfter: page.searchAfter,
      earliestEventAt: earliest(sameWindow ? (cursor.pending?.earliestEventAt ?? null) : null, page.earliestEventAt),
    },
  };
}

/** The cursor once a whole window was read: everything up to its end is folded. */
export function cursorAfterWindow(cursor: InsightsCursor | null, window: Pick<InsightsWindow, "end">, earliestEventAt: string | null): InsightsCursor {
  const seen = earliest(cursor?.coverageSince ?? null, earliest(cursor?.pending?.earliestEventAt ?? null, earliestEventAt));
  // With no event at all, nothing about retention is measured: coverage starts where we began
  // looking in real time, the end of the first window.
  return { readThrough: window.end, coverageSince: seen ?? window.end, pending: undefined };
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** The usage coverage a stored cursor establishes: none before a first window completed. */
export function coverageFromCursor(cursor: InsightsCursor | null): UsageCoverage {
  if (cursor === null || cursor.coverageSince === null) return { kind: "not-synced" };
  return { kind: "available", since: cursor.coverageSince };
}
