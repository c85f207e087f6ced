import { Inject, Injectable } from "@nestjs/common";
import type { JumpCloudClient, GraphConnection } from "@jumpcloud-sync/jumpcloud-client";
import { changeCount, reconcileDirectory, type Clock, type DirectorySnapshot, type DirectoryUser, type SsoApplication, type UserGroup } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { mapLimit } from "../sync/limiter.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { isNotFound } from "../sync/failure.js";
import { assignmentsOf, toDirectoryUser, toSsoApplication, toUserGroup, USER_FIELDS } from "./snapshot-mapper.js";
import { DirectoryCursors } from "./directory-cursors.js";
import { DirectoryChangesJob } from "./directory-changes.job.js";

/**
 * One complete directory snapshot of a scope, read with the fewest requests the API allows (v1 pages
 * of 100 sorted by _id with only the needed fields; members per group rather than groups per user;
 * per SSO app only its direct edges to users and groups, whose members are already known — not the
 * users traversal, which lists every assigned user again and costs one page per 100 of them), then
 * reconciled with the store and applied atomically — or refused by the mass-deletion guard.
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
    ctx.progress("reconciling");
    const previous = await this.store.directory.loadDirectory(ctx.scope.id);
    const result = reconcileDirectory(previous, snapshot, { now: this.clock.now(), force });
    if (result.status === "refused") return { kind: "refused", attention: "mass-deletion-refused", message: result.reason };

    // The last checkpoint: past it the snapshot is applied whole, in one transaction.
    checkpoint(ctx.signal);
    ctx.progress("applying");
    const c = result.changes;
    // Data and cursor (last applied, the force used up) in one transaction: the stream's unit of work.
    await this.store.directory.applySnapshot(ctx.scope.id, c, await this.cursors.afterSnapshot(ctx.scope.id, this.clock.now(), force, { full: true, readThrough: readFrom }));
    ctx.counters.created += c.users.created.length + c.groups.created.length + c.applications.created.length + c.assignments.created.length;
    ctx.counters.updated += c.users.updated.length + c.groups.updated.length + c.applications.updated.length + c.assignments.updated.length;
    ctx.counters.removed += c.users.removed.length + c.groups.removed.length + c.applications.removed.length + c.assignments.removed.length;
    const counts = `${snapshot.users.length} users, ${snapshot.groups.length} groups, ${snapshot.applications.length} apps, ${snapshot.assignments.length} assignments`;
    return { kind: "succeeded", summary: `directory snapshot applied${force ? " (forced)" : ""} (full: ${why}): ${counts}; ${changeCount(c)} changes` };
  }

  /**
   * The users listing, the groups with their members and the applications with their associations
   * are independent: read side by side (the client's limiter bounds the key's concurrency and rate;
   * the per-group and per-app traversals are bounded by it too). Users are mapped as they arrive, so
   * the raw records are not kept.
   */
  private async read(client: JumpCloudClient, ctx: StreamJobContext): Promise<DirectorySnapshot> {
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

    const [users, { groups, members }, { applications, edges }] = await Promise.all([readUsers(), readGroups(), readApplications()]);
    checkpoint(ctx.signal);

    // Members and assignees the users listing did not return (created in between) are skipped:
    // the next snapshot sees them.
    const userIds = new Set(users.map((u) => u.id));
    const groupsOfUser = new Map<string, string[]>();
    const membersOfGroup = new Map<string, string[]>();
    for (const [groupId, ids] of members) {
      const known = ids.filter((id) => userIds.has(id));
      membersOfGroup.set(groupId, known);
      for (const id of known) {
        const list = groupsOfUser.get(id);
        if (list === undefined) groupsOfUser.set(id, [groupId]);
        else list.push(groupId);
      }
    }
    return {
      users: users.map((u) => ({ ...u, groupIds: [...new Set(groupsOfUser.get(u.id) ?? [])].sort() })),
      groups,
      applications,
      assignments: applications.flatMap((app) => assignmentsOf(app.id, edges.get(app.id) ?? [], membersOfGroup, userIds)),
    };
  }
}
