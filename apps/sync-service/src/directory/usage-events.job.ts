import { Inject, Injectable } from "@nestjs/common";
import { isJumpCloudApiError, type EventQuery, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import {
  buildUsageMatchIndexFrom,
  coverageFromCursor,
  cursorAfterPage,
  cursorAfterWindow,
  foldUsage,
  nextInsightsWindow,
  usageAdvances,
  usageKey,
  type Clock,
  type InsightsCursor,
  type InsightsEvent,
  type InsightsWindow,
  type UsageMatchIndex,
  type UsageKey,
  type UsageRecord,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { DirectoryCursors } from "./directory-cursors.js";

/** The Directory Insights events that carry usage (portal and admin console logins, SSO logins). */
export const USAGE_EVENT_TYPES = ["user_login_attempt", "admin_login_attempt", "sso_auth"] as const;
const PAGE_LIMIT = 10_000;
/** A batch is written early once it holds this many distinct last-use records (bounded memory). */
const MAX_BUFFERED_RECORDS = 200_000;

/**
 * `{and: [{event_type: [...]}]}` is the documented form (DI spec, "Search"); the generated
 * `TermConjunction` is `Record<string, never>` (a spec gap the client does not patch yet), hence the cast.
 */
const USAGE_SEARCH_TERM = { and: [{ event_type: [...USAGE_EVENT_TYPES] }] } as unknown as NonNullable<EventQuery["search_term"]>;

/**
 * Last use from Directory Insights: a window planned by the domain (resuming a pending one after a
 * crash, then a fresh one up to now), read oldest first in pages of 10 000 and folded in memory;
 * a batch of pages (`JCS_USAGE_FLUSH_PAGES`, by default a whole window; fewer records than
 * MAX_BUFFERED_RECORDS) is written once, with the cursor after its last page, in one transaction.
 * A user's last use is so written once per batch, not once per page; a SIGKILL loses nothing and
 * re-reads at most one batch; a stop (SIGTERM, lost lease) or a failed read writes what was read first.
 */
@Injectable()
export class UsageEventsJob {
  constructor(
    @Inject(STORE) private readonly store: DirectoryAreaStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly directoryCursors: DirectoryCursors,
  ) {}

  async run(client: JumpCloudClient, ctx: StreamJobContext): Promise<StreamOutcome> {
    const scopeId = ctx.scope.id;
    // Events are tied to users and apps through the stored directory: folded before the first
    // snapshot, every event would be unmatched and its window would be passed for good.
    if ((await this.directoryCursors.get(scopeId)).lastAppliedAt === null) {
      return { kind: "interrupted", message: "usage waits for the scope's first directory snapshot (events are matched against it)" };
    }
    let cursor = await this.store.cursors.getCursor<InsightsCursor>(scopeId, "usage");
    let window = nextInsightsWindow(cursor, null, this.clock.now(), this.config.sync.insights);
    if (window === null) return { kind: "succeeded", summary: "usage: nothing new to read yet" };

    // Tombstones included: a removed user's past logins still count. Only ids, names and SSO URLs
    // are read: never the whole directory (its roles and assignments) nor every usage record.
    const entries = await this.store.directory.loadUsageMatchEntries(scopeId);
    const index = buildUsageMatchIndexFrom(entries.users, entries.applications);
    const read: string[] = [];
    let pages = 0;
    try {
      // A resumed window ends where the crashed run planned it: a fresh one up to now follows, so
      // a run that reports success has read everything up to its start (at most two windows).
      for (; window !== null; window = nextInsightsWindow(cursor, window, this.clock.now(), this.config.sync.insights)) {
        const done = await this.readWindow(client, ctx, scopeId, window, cursor, index);
        cursor = done.cursor;
        pages += done.pages;
        read.push(`${window.start} to ${window.end}${window.resumed ? " (resumed)" : ""}`);
      }
    } catch (error) {
      if (isJumpCloudApiError(error) && (error.kind === "insights-not-enabled" || (error.kind === "forbidden" && error.operation === "events"))) {
        return this.unavailable(scopeId, error.kind === "insights-not-enabled" ? "insights-not-enabled" : "insights-forbidden", error.message);
      }
      throw error;
    }

    await this.store.directory.setUsageCoverage(scopeId, coverageFromCursor(cursor));
    return {
      kind: "succeeded",
      summary: `usage: ${ctx.counters.events} events in ${pages} page(s) from ${read.join(", then ")}; ${ctx.counters.usageChanged} last-use records moved`,
    };
  }

  /** Reads one window to its end, in batches of pages each stored with its cursor; returns the cursor after the window. */
  private async readWindow(
    client: JumpCloudClient,
    ctx: StreamJobContext,
    scopeId: string,
    window: InsightsWindow,
    start: InsightsCursor | null,
    index: UsageMatchIndex,
  ): Promise<{ cursor: InsightsCursor; pages: number }> {
    let cursor = start;
    const query: EventQuery = {
      service: ["directory", "sso"],
      start_time: window.start,
      end_time: window.end,
      sort: "ASC",
      limit: PAGE_LIMIT,
      search_term: USAGE_SEARCH_TERM,
      ...(window.searchAfter === null ? {} : { search_after: [window.searchAfter[0], window.searchAfter[1]] }),
    };
    // The batch's best record per key; compared with the stored rows only when it is written.
    let batch = new Map<UsageKey, UsageRecord>();
    let batchPages = 0;
    const flush = async (next: InsightsCursor): Promise<void> => {
      const stored = batch.size === 0 ? new Map<UsageKey, UsageRecord>() : await this.store.directory.loadUsageFor(scopeId, [...batch.keys()]);
      const changes = usageAdvances(batch.values(), stored);
      const written = await this.store.directory.applyUsageChanges(scopeId, changes, next);
      ctx.counters.usageChanged += changes.length;
      ctx.counters.created += written.inserted;
      ctx.counters.updated += written.updated;
      batch = new Map();
      batchPages = 0;
    };

    ctx.progress(window.resumed ? "events (resuming)" : "events", ctx.counters.events);
    let pages = 0;
    try {
      for await (const page of client.events(query)) {
        pages += 1;
        const events = page.events as unknown as InsightsEvent[];
        ctx.counters.events += events.length;
        if (events.length > 0) {
          const fold = foldUsage(batch, events, index);
          for (const change of fold.changes) batch.set(usageKey(change), change);
          cursor = cursorAfterPage(cursor, window, { searchAfter: page.searchAfter, earliestEventAt: fold.earliestEventAt });
          batchPages += 1;
        }
        ctx.progress("events", ctx.counters.events);
        // A page boundary is where a batch may end: stopping here resumes from its search_after.
        if (cursor !== null && batchPages > 0 && (batchPages >= this.config.sync.usageFlushPages || batch.size >= MAX_BUFFERED_RECORDS || ctx.signal.aborted)) {
          await flush(cursor);
        }
        checkpoint(ctx.signal);
      }
    } catch (error) {
      // What was read is valid: keep it (with the cursor after its last page) before giving up,
      // so a stop or a failed request re-reads nothing. A failing store leaves the old cursor.
      if (cursor !== null && batchPages > 0) await flush(cursor).catch(() => undefined);
      throw error;
    }
    const after = cursorAfterWindow(cursor, window, null);
    await flush(after);
    return { cursor: after, pages };
  }

  private async unavailable(scopeId: string, reason: "insights-not-enabled" | "insights-forbidden", detail: string): Promise<StreamOutcome> {
    const message =
      reason === "insights-not-enabled"
        ? "Directory Insights not enabled for this organization (402): last use is unknown; users and apps still sync."
        : "Directory Insights not permitted for the key's administrator (403; e.g. a Command Runner): last use is unknown; users and apps still sync.";
    await this.store.directory.setUsageCoverage(scopeId, { kind: "unavailable", reason, detail: `${message} (${detail})` });
    return { kind: "unavailable", reason, message };
  }
}
