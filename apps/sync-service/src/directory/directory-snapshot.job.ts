import { Inject, Injectable } from "@nestjs/common";
import type { JumpCloudClient, GraphConnection } from "@jumpcloud-sync/jumpcloud-client";
import {
  assignmentKey,
  assignmentsOfApplication,
  ChunkedDiff,
  massDeletionRefusal,
  sameApplication,
  sameAssignment,
  sameGroup,
  sameUser,
  type AppAssignment,
  type AssignmentKey,
  type Clock,
  type DirectoryUser,
  type SsoApplication,
  type Tracked,
  type UserGroup,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { mapLimit } from "../sync/limiter.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { isNotFound } from "../sync/failure.js";
import { toDirectoryUser, toSsoApplication, toUserGroup, USER_FIELDS } from "./snapshot-mapper.js";
import { DirectoryCursors } from "./directory-cursors.js";
import { DirectoryChangesJob } from "./directory-changes.job.js";
import { tally } from "./tally.js";

/** Stored users compared per page. */
const USER_PAGE = 2_000;

/** A snapshot's listings, compact: the assignments are derived per application when applied. */
interface ListedDirectory {
  readonly users: readonly DirectoryUser[];
  readonly groups: readonly UserGroup[];
  readonly applications: readonly SsoApplication[];
  readonly userIds: ReadonlySet<string>;
  readonly membersOfGroup: ReadonlyMap<string, readonly string[]>;
  readonly edges: ReadonlyMap<string, { readonly userIds: readonly string[]; readonly groupIds: readonly string[] }>;
}

/**
 * One complete directory snapshot of a scope, read with the fewest requests the API allows (v1 pages
 * of 100 sorted by _id with only the needed fields; members per group rather than groups per user;
 * per SSO app only its direct edges to users and groups, whose members are already known — not the
 * users traversal, which lists every assigned user again and costs one page per 100 of them), then
 * reconciled with the store chunk by chunk (records in pages, assignments per application, never the
 * whole stored or observed directory at once) and applied atomically — or refused by the
 * mass-deletion guard.
 */
@Injectable()
export class DirectorySnapshotJob {
  constructor(
    @Inject(STORE) private readonly store: DirectoryAreaStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly cursors: DirectoryCursors,
    private readonly changes: DirectoryChangesJob,
  ) {}

  /**
   * The directory stream: incremental from Directory Insights change events between full
   * snapshots (see DirectoryChangesJob); a full snapshot on the cadence
   * (`JCS_DIRECTORY_FULL_SNAPSHOT_HOURS`), on demand (force), without Directory Insights, and
   * whenever the change events ask for one.
   */
  async run(client: JumpCloudClient, ctx: StreamJobContext): Promise<StreamOutcome> {
    const cursor = await this.cursors.get(ctx.scope.id);
    let why = this.changes.fullSnapshotReason(cursor, this.clock.now());
    if (why === null) {
      const outcome = await this.changes.run(client, ctx, cursor);
      if (outcome.kind !== "full-snapshot") return outcome;
      why = outcome.reason;
    }
    return this.full(client, ctx, why);
  }

  private async full(client: JumpCloudClient, ctx: StreamJobContext, why: string): Promise<StreamOutcome> {
    // Change events up to the start of the read are reflected by it (later ones are re-read by
    // the next incremental run, which starts an overlap earlier still).
    const readFrom = new Date(this.clock.now().getTime() - this.config.sync.insights.lagMs).toISOString();
    const snapshot = await this.read(client, ctx);
    checkpoint(ctx.signal);

    const force = await this.cursors.forceRequested(ctx.scope.id);
    const cursor = await this.cursors.afterSnapshot(ctx.scope.id, this.clock.now(), force, { full: true, readThrough: readFrom });
    ctx.progress("reconciling");
    const at = this.clock.now().toISOString();
    // One transaction (the stream's unit of work): the records are compared with the stored rows
    // page by page, the guard decides before anything is written, then each application's
    // assignments are derived, compared with its stored rows and written in turn, the cursor last.
    // A crash or a refusal anywhere leaves the store as it was.
    type Applied = { kind: "refused"; reason: string } | { kind: "applied"; counts: ReturnType<typeof tally>; assignments: number };
    const outcome = await this.store.directory.snapshotUnit(ctx.scope.id, async (unit): Promise<Applied> => {
      const users = new ChunkedDiff(snapshot.users, (u) => u.id, sameUser, at);
      for (let after: string | null = null; ; ) {
        const page: readonly Tracked<DirectoryUser>[] = await unit.usersPage(after, USER_PAGE);
        if (page.length === 0) break;
        users.compare(page);
        after = page[page.length - 1]!.id;
      }
      const groups = new ChunkedDiff(snapshot.groups, (g) => g.id, sameGroup, at);
      groups.compare(await unit.groups());
      const applications = new ChunkedDiff(snapshot.applications, (a) => a.id, sameApplication, at);
      applications.compare(await unit.applications());
      const records = { users: users.finish(), groups: groups.finish(), applications: applications.finish() };
      if (!force) {
        const refusal = massDeletionRefusal(await unit.liveCounts(), { users: records.users.removed.length, applications: records.applications.removed.length });
        if (refusal !== null) return { kind: "refused", reason: refusal };
      }
      checkpoint(ctx.signal);
      ctx.progress("applying");
      const counts = tally(records.users, records.groups, records.applications);
      await unit.write(records);
      // Each application's assignments are one chunk; then those of stored applications the
      // listing no longer has (removed).
      const listed = [...new Set(snapshot.applications.map((a) => a.id))];
      const known = new Set(listed);
      const chunks = [...listed, ...(await unit.assignedApplicationIds()).filter((id) => !known.has(id))];
      let assignments = 0;
      let done = 0;
      for (const appId of chunks) {
        const edges = snapshot.edges.get(appId);
        const observed =
          edges === undefined ? [] : assignmentsOfApplication(appId, edges.userIds, edges.groupIds, (g) => snapshot.membersOfGroup.get(g) ?? [], (u) => snapshot.userIds.has(u));
        assignments += observed.length;
        const diff = new ChunkedDiff<AppAssignment, AssignmentKey>(observed, assignmentKey, sameAssignment, at);
        diff.compare(await unit.assignmentsOfApplication(appId));
        const changes = diff.finish();
        counts.add(changes);
        await unit.write({ assignments: changes });
        ctx.progress("applying", ++done, chunks.length);
      }
      // Data and cursor (last applied, the force used up) in one transaction.
      await unit.saveCursor(cursor);
      return { kind: "applied", counts, assignments };
    });
    if (outcome.kind === "refused") return { kind: "refused", attention: "mass-deletion-refused", message: outcome.reason };
    const { counts } = outcome;
    ctx.counters.created += counts.created;
    ctx.counters.updated += counts.updated;
    ctx.counters.removed += counts.removed;
    const what = `${snapshot.users.length} users, ${snapshot.groups.length} groups, ${snapshot.applications.length} apps, ${outcome.assignments} assignments`;
    return { kind: "succeeded", summary: `directory snapshot applied${force ? " (forced)" : ""} (full: ${why}): ${what}; ${counts.created + counts.updated + counts.removed} changes` };
  }

  /**
   * The users listing, the groups with their members and the applications with their associations
   * are independent: read side by side (the client's limiter bounds the key's concurrency and rate;
   * the per-group and per-app traversals are bounded by it too). Users are mapped as they arrive, so
   * the raw records are not kept.
   */
  private async read(client: JumpCloudClient, ctx: StreamJobContext): Promise<ListedDirectory> {
    const fanOut = this.config.jumpcloud.concurrency;

    const readUsers = async (): Promise<DirectoryUser[]> => {
      ctx.progress("users");
      const users: DirectoryUser[] = [];
      for await (const user of client.listUsers({ fields: USER_FIELDS })) {
        users.push(toDirectoryUser(user, []));
        if (users.length % 100 === 0) ctx.progress("users", users.length);
      }
      ctx.progress("users", users.length, users.length);
      checkpoint(ctx.signal);
      return users;
    };

    const readGroups = async (): Promise<{ groups: UserGroup[]; members: Map<string, string[]> }> => {
      const groups: UserGroup[] = [];
      for await (const group of client.listUserGroups()) groups.push(toUserGroup(group));
      checkpoint(ctx.signal);
      const members = new Map<string, string[]>();
      let done = 0;
      ctx.progress("group members", 0, groups.length);
      await mapLimit(groups, fanOut, async (group) => {
        checkpoint(ctx.signal);
        const ids: string[] = [];
        try {
          for await (const edge of client.listUserGroupMembers(group.id)) if (edge.to.type === "user") ids.push(edge.to.id);
        } catch (error) {
          // Deleted between the group listing and now: no members; the next snapshot drops the group.
          if (!isNotFound(error)) throw error;
        }
        members.set(group.id, ids);
        ctx.progress("group members", ++done, groups.length);
      });
      return { groups, members };
    };

    const readApplications = async (): Promise<{ applications: SsoApplication[]; edges: Map<string, GraphConnection[]> }> => {
      const applications: SsoApplication[] = [];
      for await (const app of client.listApplications()) applications.push(toSsoApplication(app));
      checkpoint(ctx.signal);
      const edges = new Map<string, GraphConnection[]>();
      let done = 0;
      ctx.progress("assignments", 0, applications.length);
      await mapLimit(applications, fanOut, async (app) => {
        checkpoint(ctx.signal);
        const list: GraphConnection[] = [];
        try {
          for await (const edge of client.listApplicationAssociations(app.id, ["user", "user_group"])) list.push(edge);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
        edges.set(app.id, list);
        ctx.progress("assignments", ++done, applications.length);
      });
      return { applications, edges };
    };

    const [listed, { groups, members }, { applications, edges }] = await Promise.all([readUsers(), readGroups(), readApplications()]);
    checkpoint(ctx.signal);

    // Members and assignees the users listing did not return (created in between) are skipped:
    // the next snapshot sees them.
    const userIds = new Set(listed.map((u) => u.id));
    const groupsOfUser = new Map<string, string[]>();
    const membersOfGroup = new Map<string, string[]>();
    for (const [groupId, ids] of members) {
      const known = [...new Set(ids.filter((id) => userIds.has(id)))];
      membersOfGroup.set(groupId, known);
      for (const id of known) {
        const list = groupsOfUser.get(id);
        if (list === undefined) groupsOfUser.set(id, [groupId]);
        else list.push(groupId);
      }
    }
    members.clear();
    const users = listed.map((u) => ({ ...u, groupIds: [...new Set(groupsOfUser.get(u.id) ?? [])].sort() }));
    listed.length = 0;
    // Per application only its direct users and bound groups: the assignments (one per assigned
    // user, 10⁵–10⁶ of them) are derived one application at a time while applying.
    const appEdges = new Map<string, { userIds: string[]; groupIds: string[] }>();
    for (const [appId, list] of edges) {
      appEdges.set(appId, { userIds: list.filter((e) => e.to.type === "user").map((e) => e.to.id), groupIds: list.filter((e) => e.to.type === "user_group").map((e) => e.to.id) });
    }
    return { users, groups, applications, userIds, membersOfGroup, edges: appEdges };
  }
}
