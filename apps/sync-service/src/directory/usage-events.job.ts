import { Inject, Injectable } from "@nestjs/common";
import { isJumpCloudApiError, type EventQuery, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import {
  buildUsageMatchIndex,
  coverageFromCursor,
  cursorAfterPage,
  cursorAfterWindow,
  foldUsage,
  nextInsightsWindow,
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

/**
 * `{and: [{event_type: [...]}]}` is the documented form (DI spec, "Search"); the generated
 * `TermConjunction` is `Record<string, never>` (a spec gap the client does not patch yet), hence the cast.
 */
const USAGE_SEARCH_TERM = { and: [{ event_type: [...USAGE_EVENT_TYPES] }] } as unknown as NonNullable<EventQuery["search_term"]>;

/**
 * Last use from Directory Insights: a window planned by the domain (resuming a pending one after a
 * crash, then a fresh one up to now), read oldest first in pages of 10 000, each page folded and stored together with the cursor
 * in one transaction, so a kill at any point loses nothing and re-reads at most one page.
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

    // Tombstones included: a removed user's past logins still count.
    const index = buildUsageMatchIndex(await this.store.directory.loadDirectory(scopeId));
    const usage = new Map<UsageKey, UsageRecord>(await this.store.directory.loadUsage(scopeId));
    const read: string[] = [];
    let pages = 0;
    try {
      // A resumed window ends where the crashed run planned it: a fresh one up to now follows, so
      // a run that reports success has read everything up to its start (at most two windows).
      for (; window !== null; window = nextInsightsWindow(cursor, window, this.clock.now(), this.config.sync.insights)) {
        const done = await this.readWindow(client, ctx, scopeId, window, cursor, index, usage);
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

  /** Reads one window to its end, page by page, each page stored with its cursor; returns the cursor after the window. */
  private async readWindow(
    client: JumpCloudClient,
    ctx: StreamJobContext,
    scopeId: string,
    window: InsightsWindow,
    start: InsightsCursor | null,
    index: UsageMatchIndex,
    usage: Map<UsageKey, UsageRecord>,
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
    ctx.progress(window.resumed ? "events (resuming)" : "events", ctx.counters.events);
    let pages = 0;
    for await (const page of client.events(query)) {
      pages += 1;
      const events = page.events as unknown as InsightsEvent[];
      ctx.counters.events += events.length;
      if (events.length > 0) {
        const fold = foldUsage(usage, events, index);
        for (const change of fold.changes) usage.set(usageKey(change), change);
        cursor = cursorAfterPage(cursor, window, { searchAfter: page.searchAfter, earliestEventAt: fold.earliestEventAt });
        const written = await this.store.directory.applyUsageChanges(scopeId, fold.changes, cursor);
        ctx.counters.usageChanged += fold.changes.length;
        ctx.counters.created += written.inserted;
        ctx.counters.updated += written.updated;
      }
      ctx.progress("events", ctx.counters.events);
      // A page is the checkpoint: stopping here resumes from its search_after.
      checkpoint(ctx.signal);
    }
    const after = cursorAfterWindow(cursor, window, null);
    await this.store.directory.applyUsageChanges(scopeId, [], after);
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
