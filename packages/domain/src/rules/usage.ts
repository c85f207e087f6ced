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
    // Directory Insights lowercases field values on insert: match case-insensitively.
    if (u.username !== "") userIdByUsername.set(u.username.toLowerCase(), u.id);
    if (u.email !== "") userIdByEmail.set(u.email.trim().toLowerCase(), u.id);
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
  /**
   * The earliest timestamp among all events read (failures and unmatched ones included: they
   * measure how far back the retention reaches), normalised; null when no event had a valid one.
   * Feed it to {@link cursorAfterPage} / {@link cursorAfterWindow}.
   */
  readonly earliestEventAt: string | null;
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
  let earliestEventAt: string | null = null;
  for (const event of events) {
    stats.events += 1;
    const at = typeof event.timestamp === "string" ? normalizeTimestamp(event.timestamp) : null;
    if (at !== null && (earliestEventAt === null || at < earliestEventAt)) earliestEventAt = at;
    const candidate = at === null ? "ignored" : usageFromEvent(event, index, at);
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
  const changes = [...best.values()];
  return { changes, stats, earliestEventAt };
}

/**
 * Total order on usage records: instant, then event id (then source, so that even a corrupt feed
 * reusing an event id folds the same way in any order). Stored values written by other code may
 * not be in the canonical form (`…:00Z` vs `…:00.500Z` sort wrongly as text), so non-canonical
 * timestamps are compared as instants.
 */
export function isLater(
  a: Pick<UsageRecord, "lastUsedAt" | "eventId"> & { readonly source?: UsageSource },
  b: Pick<UsageRecord, "lastUsedAt" | "eventId"> & { readonly source?: UsageSource },
): boolean {
  if (a.lastUsedAt !== b.lastUsedAt) {
    const ta = canonical(a.lastUsedAt);
    const tb = canonical(b.lastUsedAt);
    if (ta !== tb) {
      // An unparseable stored value never beats a real timestamp.
      if (ta === null || tb === null) return tb === null && ta !== null;
      return ta > tb;
    }
  }
  if (a.eventId !== b.eventId) return a.eventId > b.eventId;
  return (a.source ?? "") > (b.source ?? "");
}

function canonical(ts: string): string | null {
  return isCanonical(ts) ? ts : normalizeTimestamp(ts);
}

/**
 * Shaped like `YYYY-MM-DDTHH:MM:SS.mmmZ`, what {@link normalizeTimestamp} returns: such values
 * compare correctly as text. Only the shape is checked, as this runs on every comparison.
 */
function isCanonical(ts: string): boolean {
  return ts.length === 24 && ts.charCodeAt(23) === 90 /* Z */ && ts.charCodeAt(19) === 46 /* . */ && ts.charCodeAt(10) === 84 /* T */;
}

function usageFromEvent(event: InsightsEvent, index: UsageMatchIndex, at: string): UsageRecord | "ignored" | "unmatched" {
  switch (event.event_type) {
    case "user_login_attempt": {
      if (event.success !== true) return "ignored";
      const userId = matchUser(index, event.initiated_by) ?? matchUser(index, event.resource);
      return userId === null ? "unmatched" : record(event, at, userId, null, "user_portal");
    }
    case "admin_login_attempt": {
      if (event.success !== true) return "ignored";
      // Real samples carry the admin in initiated_by; the spec's example in resource. Admins are
      // separate accounts: the directory user is the one with the admin's email.
      const userId = matchAdmin(index, event.initiated_by) ?? matchAdmin(index, event.resource);
      return userId === null ? "unmatched" : record(event, at, userId, null, "admin_portal");
    }
    case "sso_auth": {
      if (event.sso_token_success !== true) return "ignored";
      const userId = matchUser(index, event.initiated_by);
      const appId = matchApplication(index, event.application);
      return userId === null || appId === null ? "unmatched" : record(event, at, userId, appId, "sso");
    }
    default:
      return "ignored";
  }
}

function record(event: InsightsEvent, lastUsedAt: string, userId: string, applicationId: string | null, source: UsageSource): UsageRecord | "ignored" {
  // Without an id an event cannot be deduplicated across overlapping windows.
  if (typeof event.id !== "string" || event.id === "") return "ignored";
  return { userId, applicationId, lastUsedAt, source, eventId: event.id };
}

function matchUser(index: UsageMatchIndex, who: InsightsEvent["initiated_by"]): string | null {
  if (who === null || who === undefined) return null;
  if (who.type !== undefined && who.type !== "user") return null;
  // An id names the person, known or not: a user created upstream since the last directory
  // snapshot keeps the use read now (usage runs more often than snapshots, and a window is read
  // once), and the read models join it once the snapshot brings the user. Never a username or
  // email match when an id is there: that could be someone else (a deleted user's name reused).
  if (typeof who.id === "string" && who.id !== "") return who.id;
  if (who.username !== undefined && who.username !== "") {
    const id = index.userIdByUsername.get(who.username.toLowerCase());
    if (id !== undefined) return id;
  }
  if (typeof who.email === "string" && who.email !== "") {
    const id = index.userIdByEmail.get(who.email.trim().toLowerCase());
    if (id !== undefined) return id;
  }
  return null;
}

function matchAdmin(index: UsageMatchIndex, who: InsightsEvent["initiated_by"]): string | null {
  if (who === null || who === undefined || (who.type !== undefined && who.type !== "admin")) return null;
  if (typeof who.email !== "string" || who.email === "") return null;
  return index.userIdByEmail.get(who.email.trim().toLowerCase()) ?? null;
}

function matchApplication(index: UsageMatchIndex, app: InsightsEvent["application"]): string | null {
  if (app === null || app === undefined) return null;
  // Failed SSO events carry an empty id (and name); only then is the URL the identity.
  // An id is the application's, known or not (one created since the last snapshot), as for users.
  if (typeof app.id === "string" && app.id !== "") return app.id;
  if (typeof app.sso_url === "string" && app.sso_url.trim() !== "") return index.applicationIdBySsoUrl.get(normalizeUrl(app.sso_url)) ?? null;
  return null;
}

function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/u, "").toLowerCase();
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/u;

/**
 * Directory Insights timestamps come with millisecond to nanosecond precision and possibly an
 * offset; the store keeps ISO 8601 in UTC with milliseconds, which sorts as text. Sub-millisecond
 * digits are truncated (never rounded: rounding could carry an event into the next second, past a
 * cursor). Returns null for an unparseable value or an impossible date (`Date` would silently
 * roll 2023-02-30 over to March).
 */
export function normalizeTimestamp(ts: string): string | null {
  const fast = utcFast(ts);
  if (fast !== undefined) return fast;
  const m = RFC3339.exec(ts);
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as [string, string, string, string, string, string, string, string | undefined, string];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const offset = zone === "Z" || zone === "z" ? "Z" : zone;
  if (offset !== "Z" && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return null;
  const ms = (frac ?? "").padEnd(3, "0").slice(0, 3);
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The common case, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, by text: already UTC, so truncating the
 * fraction is the whole normalisation (folding a million events spends most of its time here).
 * Undefined when the input is not of that shape (the general path decides), null when invalid.
 */
function utcFast(ts: string): string | null | undefined {
  const n = ts.length;
  if (n < 20 || ts.charCodeAt(n - 1) !== 90 /* Z */ || ts.charCodeAt(10) !== 84 /* T */) return undefined;
  if (ts.charCodeAt(4) !== 45 || ts.charCodeAt(7) !== 45 || ts.charCodeAt(13) !== 58 || ts.charCodeAt(16) !== 58) return undefined;
  for (const i of DIGITS_AT) if (!isDigit(ts.charCodeAt(i))) return undefined;
  if (n > 20) {
    if (ts.charCodeAt(19) !== 46 /* . */ || n === 21) return undefined;
    for (let i = 20; i < n - 1; i += 1) if (!isDigit(ts.charCodeAt(i))) return undefined;
  }
  const month = num2(ts, 5);
  const day = num2(ts, 8);
  const year = num2(ts, 0) * 100 + num2(ts, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (num2(ts, 11) > 23 || num2(ts, 14) > 59 || num2(ts, 17) > 59) return null;
  if (n === 24) return ts;
  if (n === 20) return `${ts.slice(0, 19)}.000Z`;
  if (n > 24) return `${ts.slice(0, 23)}Z`;
  return `${ts.slice(0, n - 1)}${"000".slice(n - 21)}Z`;
}

const DIGITS_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function num2(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
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
 * The next Directory Insights window of a scope: the pending one after a crash (the identical query,
 * so its `search_after` stays valid), else from the cursor minus the overlap (never before the
 * lookback), to now minus the lag. Null when there is nothing to read yet: a window whose start is
 * not before its end, or whose start is in the future, is never planned.
 */
export function planInsightsWindow(cursor: InsightsCursor | null, now: Date, options: InsightsWindowOptions = DEFAULT_INSIGHTS_WINDOW): InsightsWindow | null {
  const nowMs = now.getTime();
  if (cursor?.pending !== undefined && cursor.pending !== null) {
    const { start, end, searchAfter } = cursor.pending;
    const s = Date.parse(start);
    const e = Date.parse(end);
    // A pending window that is corrupt, or starts in the future because the clock went back, is
    // dropped: re-planning re-reads from the cursor, which folding makes harmless.
    if (s < e && s < nowMs) return { start, end, searchAfter, resumed: true };
  }
  const end = nowMs - Math.max(0, options.lagMs);
  const floor = nowMs - Math.max(0, options.maxLookbackMs);
  const readThrough = cursor === null ? Number.NaN : Date.parse(cursor.readThrough);
  // An unreadable cursor must not stall the stream forever: read the whole lookback again.
  const start = Number.isNaN(readThrough) ? floor : Math.max(floor, readThrough - Math.max(0, options.overlapMs));
  if (!(start < end)) return null;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), searchAfter: null, resumed: false };
}

/**
 * The next window of the same run, after `previous` was read to its end (`cursor` is then the
 * cursor {@link cursorAfterWindow} returned); for the run's first window pass `previous = null`.
 * A resumed window ends where the crashed run planned it, before this run began: reporting success
 * there would leave everything since unread until the next scheduled run, so a fresh window from
 * its end to now follows in the same run. A fresh window already ends at now minus the lag: the
 * run is done (null), which bounds a run to two windows.
 */
export function nextInsightsWindow(
  cursor: InsightsCursor | null,
  previous: Pick<InsightsWindow, "resumed"> | null,
  now: Date,
  options: InsightsWindowOptions = DEFAULT_INSIGHTS_WINDOW,
): InsightsWindow | null {
  if (previous === null) return planInsightsWindow(cursor, now, options);
  if (!previous.resumed) return null;
  // Never resume again within the run: the follow-up is planned from readThrough.
  const settled = cursor === null ? null : { ...cursor, pending: undefined };
  return planInsightsWindow(settled, now, options);
}

/** The cursor after a page of a window was folded and stored (resumable from there). */
export function cursorAfterPage(
  cursor: InsightsCursor | null,
  window: Pick<InsightsWindow, "start" | "end">,
  page: { readonly searchAfter: readonly [number, string] | null; readonly earliestEventAt: string | null },
): InsightsCursor {
  const pending = cursor?.pending ?? undefined;
  return {
    readThrough: cursor?.readThrough ?? window.start,
    coverageSince: cursor?.coverageSince ?? null,
    pending: {
      start: window.start,
      end: window.end,
      searchAfter: page.searchAfter,
      // Events seen in an abandoned pending window were still returned by the retention: they count.
      earliestEventAt: earliest(pending?.earliestEventAt ?? null, page.earliestEventAt),
    },
  };
}

/**
 * The cursor once a whole window was read: everything up to its end is folded. `readThrough` never
 * moves backwards. `coverageSince` is the earliest event Directory Insights ever returned; before any
 * event was returned nothing about retention is measured, so coverage starts at the end of the
 * first window: from there on every event is read as it arrives.
 */
export function cursorAfterWindow(cursor: InsightsCursor | null, window: Pick<InsightsWindow, "end">, earliestEventAt: string | null): InsightsCursor {
  const seen = earliest(cursor?.coverageSince ?? null, earliest(cursor?.pending?.earliestEventAt ?? null, earliestEventAt));
  const end = normalizeTimestamp(window.end) ?? window.end;
  const before = cursor === null ? null : normalizeTimestamp(cursor.readThrough);
  const readThrough = before !== null && before > end ? before : end;
  return { readThrough, coverageSince: seen ?? end, pending: undefined };
}

/** The earlier of two timestamps, compared as instants; an unparseable one is ignored. */
function earliest(a: string | null, b: string | null): string | null {
  const na = a === null ? null : normalizeTimestamp(a);
  const nb = b === null ? null : normalizeTimestamp(b);
  if (na === null) return nb;
  if (nb === null) return na;
  return na < nb ? na : nb;
}

/** The usage coverage a stored cursor establishes: none before a first window completed. */
export function coverageFromCursor(cursor: InsightsCursor | null): UsageCoverage {
  if (cursor === null || cursor.coverageSince === null) return { kind: "not-synced" };
  return { kind: "available", since: cursor.coverageSince };
}
