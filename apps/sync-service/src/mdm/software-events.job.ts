import { Inject, Injectable } from "@nestjs/common";
import { isJumpCloudApiError, softwareEventQuery, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import {
  coverageFromCursor,
  cursorAfterPage,
  cursorAfterWindow,
  foldSoftwareEvents,
  installationKeysOfEvents,
  nextInsightsWindow,
  type Clock,
  type InsightsCursor,
  type InsightsWindow,
  type SoftwareEvent,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type MdmAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";

const PAGE_LIMIT = 10_000;

/**
 * Unmanaged software from Directory Insights (service `software`: `software_add`, `software_change`,
 * `software_remove`): the usage stream's machinery — 90 days back on the first sync, then from the
 * durable checkpoint minus the overlap; oldest first in pages of 10 000; each page folded against
 * only the installation rows it touches and stored together with the cursor in one transaction, so
 * a kill at any point loses nothing and a restart resumes mid-window. A resumed window is followed
 * by a fresh one up to now in the same run. 402 / 403: unavailable, with the reason.
 */
@Injectable()
export class SoftwareEventsJob {
  constructor(
    @Inject(STORE) private readonly store: MdmAreaStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(client: JumpCloudClient, ctx: StreamJobContext): Promise<StreamOutcome> {
    const scopeId = ctx.scope.id;
    let cursor = await this.store.mdm.getSoftwareEventsCursor(scopeId);
    let window = nextInsightsWindow(cursor, null, this.clock.now(), this.config.sync.insights);
    if (window === null) return { kind: "succeeded", summary: "software events: nothing new to read yet" };

    const read: string[] = [];
    let pages = 0;
    let installations = 0;
    try {
      // A resumed window ends where the crashed run planned it: a fresh one up to now follows, so
      // a run that reports success has read everything up to its start (at most two windows).
      for (; window !== null; window = nextInsightsWindow(cursor, window, this.clock.now(), this.config.sync.insights)) {
        const done = await this.readWindow(client, ctx, scopeId, window, cursor);
        cursor = done.cursor;
        pages += done.pages;
        installations += done.installations;
        read.push(`${window.start} to ${window.end}${window.resumed ? " (resumed)" : ""}`);
      }
    } catch (error) {
      if (isJumpCloudApiError(error) && (error.kind === "insights-not-enabled" || (error.kind === "forbidden" && error.operation === "events"))) {
        return this.unavailable(scopeId, error.kind === "insights-not-enabled" ? "insights-not-enabled" : "insights-forbidden", error.message);
      }
      throw error;
    }

    await this.store.mdm.setSoftwareEventsCoverage(scopeId, coverageFromCursor(cursor));
    return {
      kind: "succeeded",
      summary: `software events: ${ctx.counters.events} events in ${pages} page(s) from ${read.join(", then ")}; ${installations} installation rows moved`,
    };
  }

  /** Reads one window to its end, page by page, each page stored with its cursor; returns the cursor after the window. */
  private async readWindow(
    client: JumpCloudClient,
    ctx: StreamJobContext,
    scopeId: string,
    window: InsightsWindow,
    start: InsightsCursor | null,
  ): Promise<{ cursor: InsightsCursor; pages: number; installations: number }> {
    let cursor = start;
    // Service `software`, the three event types, oldest first (the identical query on a resume).
    const query = softwareEventQuery({
      start_time: window.start,
      end_time: window.end,
      limit: PAGE_LIMIT,
      ...(window.searchAfter === null ? {} : { search_after: [window.searchAfter[0], window.searchAfter[1]] }),
    });
    ctx.progress(window.resumed ? "software events (resuming)" : "software events", ctx.counters.events);
    let pages = 0;
    let installations = 0;
    for await (const page of client.events(query)) {
      pages += 1;
      const events = page.events as unknown as SoftwareEvent[];
      ctx.counters.events += events.length;
      if (events.length > 0) {
        // Only the rows this page touches: the scope's installations are never all in memory.
        const current = await this.store.mdm.loadInstallations(scopeId, installationKeysOfEvents(events));
        const fold = foldSoftwareEvents(current, events);
        cursor = cursorAfterPage(cursor, window, { searchAfter: page.searchAfter, earliestEventAt: fold.earliestEventAt });
        const written = await this.store.mdm.applySoftwareEvents(scopeId, fold.changes, cursor);
        installations += fold.changes.length;
        ctx.counters.created += written.inserted;
        ctx.counters.updated += written.updated;
        ctx.counters.removed += written.deleted;
      }
      ctx.progress("software events", ctx.counters.events);
      // A page is the checkpoint: stopping here resumes from its search_after.
      checkpoint(ctx.signal);
    }
    const after = cursorAfterWindow(cursor, window, null);
    await this.store.mdm.applySoftwareEvents(scopeId, [], after);
    return { cursor: after, pages, installations };
  }

  private async unavailable(scopeId: string, reason: "insights-not-enabled" | "insights-forbidden", detail: string): Promise<StreamOutcome> {
    const message =
      reason === "insights-not-enabled"
        ? "Directory Insights not enabled for this organization (402): software installed outside JumpCloud's management is unknown; devices and managed apps still sync."
        : "Directory Insights not permitted for the key's administrator (403; e.g. a Command Runner): software installed outside JumpCloud's management is unknown; devices and managed apps still sync.";
    await this.store.mdm.setSoftwareEventsCoverage(scopeId, { kind: "unavailable", reason, detail: `${message} (${detail})` });
    return { kind: "unavailable", reason, message };
  }
}
