import { Inject, Injectable } from "@nestjs/common";
import { isJumpCloudApiError, type EventQuery, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import {
  DIRECTORY_STREAM,
  DIRECTORY_USAGE_EVENT_TYPES,
  planDirectoryChanges,
  reconcileIncremental,
  type Clock,
  type DirectoryChangeEvent,
  type DirectoryReread,
  type DirectoryUser,
  type SsoApplication,
  type UserGroup,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { isNotFound } from "../sync/failure.js";
import { mapLimit } from "../sync/limiter.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { DirectoryCursors, type DirectoryCursor } from "./directory-cursors.js";
import { toDirectoryUser, toSsoApplication, toUserGroup } from "./snapshot-mapper.js";
import { tally } from "./tally.js";

const PAGE_LIMIT = 10_000;
/** More change events than this in one window: a full snapshot is cheaper than re-reading each object. */
const MAX_CHANGE_EVENTS = 20_000;

/**
 * Every `directory` event but the logins (the usage stream reads those): an unknown type must
 * reach the planner, which asks for a full snapshot. The generated `TermConjunction` is
 * `Record<string, never>` (a spec gap), hence the cast.
 */
const CHANGE_SEARCH_TERM = { not: [{ event_type: [...DIRECTORY_USAGE_EVENT_TYPES] }] } as unknown as NonNullable<EventQuery["search_term"]>;

export type ChangesOutcome = StreamOutcome | { readonly kind: "full-snapshot"; readonly reason: string };

/**
 * The directory stream between full snapshots: reads the `directory` service's change events since
 * the checkpoint (minus the overlap, so a late event is not missed), re-reads only the users,
 * memberships, groups and app associations they name, patches the stored directory with them and
 * applies the difference with the cursor in one transaction. Whatever it cannot place, it hands
 * back as a full snapshot (with the reason), never a silent skip.
 */
@Injectable()
export class DirectoryChangesJob {
  constructor(
    @Inject(STORE) private readonly store: DirectoryAreaStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cursors: DirectoryCursors,
  ) {}

  /** Null when this run may be incremental; else why it is a full snapshot. */
  fullSnapshotReason(cursor: DirectoryCursor, now: Date): string | null {
    const cadence = this.config.sync.directoryFullSnapshotMs;
    if (cursor.forceNextSnapshot) return "forced";
    if (cadence === 0) return "incremental runs are off (JCS_DIRECTORY_FULL_SNAPSHOT_HOURS=0)";
    const last = cursor.lastFullSnapshotAt ?? null;
    const since = cursor.changesReadThrough ?? null;
    if (last === null || since === null) return "no change checkpoint yet";
    if (now.getTime() - Date.parse(last) >= cadence) return `the last full snapshot is older than ${cadence / 3_600_000} h`;
    if (now.getTime() - Date.parse(since) >= this.config.sync.insights.maxLookbackMs) return "the change checkpoint is older than the event retention";
    return null;
  }

  async run(client: JumpCloudClient, ctx: StreamJobContext, cursor: DirectoryCursor): Promise<ChangesOutcome> {
    const scopeId = ctx.scope.id;
    const now = this.clock.now();
    const { overlapMs, lagMs } = this.config.sync.insights;
    const end = new Date(now.getTime() - lagMs).toISOString();
    const start = new Date(Date.parse(cursor.changesReadThrough ?? end) - overlapMs).toISOString();
    if (!(start < end)) return { kind: "succeeded", summary: "directory: no new change events to read yet" };

    ctx.progress("change events");
    const events: DirectoryChangeEvent[] = [];
    try {
      for await (const page of client.events({ service: ["directory"], start_time: start, end_time: end, sort: "ASC", limit: PAGE_LIMIT, search_term: CHANGE_SEARCH_TERM })) {
        events.push(...(page.events as unknown as DirectoryChangeEvent[]));
        ctx.counters.events += page.events.length;
        if (events.length > MAX_CHANGE_EVENTS) return { kind: "full-snapshot", reason: `more than ${MAX_CHANGE_EVENTS} change events since the checkpoint` };
        checkpoint(ctx.signal);
      }
    } catch (error) {
      if (isJumpCloudApiError(error) && (error.kind === "insights-not-enabled" || (error.kind === "forbidden" && error.operation === "events"))) {
        return { kind: "full-snapshot", reason: "Directory Insights is not available: only a snapshot sees changes" };
      }
      throw error;
    }
    // A change made before the last full snapshot began reading is in that snapshot (even when its
    // event shows up late): an event it already accounts for, unknown types included, is not re-read.
    // The overlap returns the previous run's events again: those it handled (by id) are skipped,
    // only the ones that showed up late are new.
    const covered = Date.parse(cursor.snapshotReadFrom ?? "");
    const handled = new Set(cursor.handledEventIds ?? []);
    const fresh = events.filter((e) => !handled.has(e.id) && (Number.isNaN(covered) || !(Date.parse(e.timestamp ?? "") < covered)));
    const plan = planDirectoryChanges(fresh);
    if (plan.kind === "full-snapshot") return plan;

    // What the next window's overlap will return again: remembered so it is not re-read.
    const overlapFrom = Date.parse(end) - overlapMs;
    const handledEventIds = events.filter((e) => !(Date.parse(e.timestamp ?? "") < overlapFrom)).map((e) => e.id);
    const after = await this.cursors.afterSnapshot(scopeId, now, false, { full: false, readThrough: end, handledEventIds });
    const named = plan.users.size + plan.userLinks.size + plan.applications.size + (plan.groups ? 1 : 0) + (plan.applicationRecords ? 1 : 0);
    if (named === 0) {
      await this.store.cursors.saveCursor(scopeId, DIRECTORY_STREAM, after);
      return { kind: "succeeded", summary: `directory (incremental): ${plan.events} change event(s) from ${start} to ${end}; nothing to re-read` };
    }

    let reread = await this.reread(client, ctx, plan);
    // Deleting a manager clears the manager of each report (JumpCloud's cascade), with no event
    // for them: the stored reports of a deleted user are re-read too.
    const gone = [...reread.users].filter(([, u]) => u === null).map(([id]) => id);
    const reports = gone.length === 0 ? [] : (await this.store.directory.snapshotUnit(scopeId, (unit) => unit.liveReportsOf(gone))).map((u) => u.id).filter((id) => !reread.users.has(id));
    if (reports.length > 0) {
      const more = await this.reread(client, ctx, { ...plan, users: new Set(reports), userLinks: new Set(), groups: false, applications: new Set(), applicationRecords: false });
      reread = { ...reread, users: new Map([...reread.users, ...more.users]) };
    }
    checkpoint(ctx.signal);
    ctx.progress("reconciling");
    // Only the stored rows the re-read objects can change are read and compared (per application,
    // the affected users' assignments), and the changes written with the cursor in one transaction.
    const outcome = await this.store.directory.snapshotUnit(scopeId, async (unit) => {
      const result = await reconcileIncremental(unit, reread, { now, force: false });
      if (result.status === "refused") return result;
      checkpoint(ctx.signal);
      ctx.progress("applying");
      const counts = tally(result.users, result.groups, result.applications);
      await unit.write({ users: result.users, groups: result.groups, applications: result.applications });
      for await (const assignments of result.assignments()) {
        counts.add(assignments);
        await unit.write({ assignments });
      }
      await unit.saveCursor(after);
      return { status: "ok", counts } as const;
    });
    if (outcome.status === "refused") return { kind: "refused", attention: "mass-deletion-refused", message: outcome.reason };
    const { counts } = outcome;
    ctx.counters.created += counts.created;
    ctx.counters.updated += counts.updated;
    ctx.counters.removed += counts.removed;
    const what = `${plan.users.size} user record(s), ${plan.userLinks.size} user(s)' groups and apps, ${plan.applications.size} app(s)' associations${plan.groups ? ", the groups" : ""}${plan.applicationRecords ? ", the apps" : ""}`;
    return { kind: "succeeded", summary: `directory (incremental): ${plan.events} change event(s) from ${start} to ${end}; re-read ${what}; ${counts.created + counts.updated + counts.removed} changes` };
  }

  /** Re-reads what the plan names, the independent lists side by side within the key's concurrency. */
  private async reread(client: JumpCloudClient, ctx: StreamJobContext, plan: Extract<ReturnType<typeof planDirectoryChanges>, { kind: "incremental" }>): Promise<DirectoryReread> {
    const fanOut = this.config.jumpcloud.concurrency;
    const orNull = async <T>(read: () => Promise<T>): Promise<T | null> => {
      try {
        return await read();
      } catch (error) {
        // Gone since the event: a deletion.
        if (isNotFound(error)) return null;
        throw error;
      }
    };
    const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
      const out: T[] = [];
      for await (const item of items) out.push(item);
      return out;
    };
    ctx.progress("re-reading changed objects");
    const [users, userLinks, groups, applications, associations] = await Promise.all([
      mapLimit([...plan.users], fanOut, async (id) => {
        checkpoint(ctx.signal);
        const user = await orNull(() => client.getUser(id));
        if (user === null) return [id, null] as const;
        const { groupIds: _groups, ...record } = toDirectoryUser(user, []);
        return [id, record satisfies Omit<DirectoryUser, "groupIds">] as const;
      }),
      mapLimit([...plan.userLinks], fanOut, async (id) => {
        checkpoint(ctx.signal);
        const links = await orNull(async () => {
          const [memberOf, apps] = await Promise.all([collect(client.listUserMemberOf(id)), collect(client.listUserApplications(id))]);
          return {
            groupIds: memberOf.filter((g) => g.type === "user_group").map((g) => g.id),
            applications: apps
              .filter((a) => a.type === "application")
              .map((a) => ({
                applicationId: a.id,
                // A path of one edge is a direct binding; longer ones go through the groups they list.
                direct: (a.paths ?? []).some((p) => p.length === 1),
                groupIds: (a.paths ?? []).flatMap((p) => p.filter((e) => e.to?.type === "user_group").map((e) => e.to.id)),
              })),
          };
        });
        return [id, links] as const;
      }),
      plan.groups ? collect(client.listUserGroups()).then((list): UserGroup[] => list.map(toUserGroup)) : Promise.resolve(null),
      plan.applicationRecords ? collect(client.listApplications()).then((list): SsoApplication[] => list.map(toSsoApplication)) : Promise.resolve(null),
      mapLimit([...plan.applications], fanOut, async (id) => {
        checkpoint(ctx.signal);
        const edges = await orNull(() => collect(client.listApplicationAssociations(id, ["user", "user_group"])));
        if (edges === null) return [id, null] as const;
        return [id, { userIds: edges.filter((e) => e.to.type === "user").map((e) => e.to.id), groupIds: edges.filter((e) => e.to.type === "user_group").map((e) => e.to.id) }] as const;
      }),
    ]);
    return { users: new Map(users), userLinks: new Map(userLinks), groups, applications, associations: new Map(associations) };
  }
}
