import { Inject, Injectable } from "@nestjs/common";
import type { JumpCloudClient, GraphConnection, SystemUser } from "@jumpcloud-sync/jumpcloud-client";
import { changeCount, reconcileDirectory, type Clock, type DirectorySnapshot, type SsoApplication, type UserGroup } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { mapLimit } from "../sync/limiter.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { isNotFound } from "../sync/failure.js";
import { assignmentsOf, toDirectoryUser, toSsoApplication, toUserGroup, USER_FIELDS } from "./snapshot-mapper.js";
import { DirectoryCursors } from "./directory-cursors.js";

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
  ) {}

  async run(client: JumpCloudClient, ctx: StreamJobContext): Promise<StreamOutcome> {
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
    await this.store.directory.applySnapshot(ctx.scope.id, c, await this.cursors.afterSnapshot(ctx.scope.id, this.clock.now(), force));
    ctx.counters.created += c.users.created.length + c.groups.created.length + c.applications.created.length + c.assignments.created.length;
    ctx.counters.updated += c.users.updated.length + c.groups.updated.length + c.applications.updated.length + c.assignments.updated.length;
    ctx.counters.removed += c.users.removed.length + c.groups.removed.length + c.applications.removed.length + c.assignments.removed.length;
    const counts = `${snapshot.users.length} users, ${snapshot.groups.length} groups, ${snapshot.applications.length} apps, ${snapshot.assignments.length} assignments`;
    return { kind: "succeeded", summary: `directory snapshot applied${force ? " (forced)" : ""}: ${counts}; ${changeCount(c)} changes` };
  }

  private async read(client: JumpCloudClient, ctx: StreamJobContext): Promise<DirectorySnapshot> {
    const fanOut = this.config.jumpcloud.concurrency;

    ctx.progress("users");
    const apiUsers: SystemUser[] = [];
    for await (const user of client.listUsers({ fields: USER_FIELDS })) {
      apiUsers.push(user);
      if (apiUsers.length % 100 === 0) ctx.progress("users", apiUsers.length);
    }
    ctx.progress("users", apiUsers.length, apiUsers.length);
    checkpoint(ctx.signal);

    ctx.progress("groups");
    const groups: UserGroup[] = [];
    for await (const group of client.listUserGroups()) groups.push(toUserGroup(group));
    checkpoint(ctx.signal);

    const userIds = new Set(apiUsers.map((u) => u.id));
    const groupsOfUser = new Map<string, string[]>();
    const membersOfGroup = new Map<string, string[]>();
    let membersDone = 0;
    ctx.progress("group members", 0, groups.length);
    await mapLimit(groups, fanOut, async (group) => {
      checkpoint(ctx.signal);
      try {
        for await (const edge of client.listUserGroupMembers(group.id)) {
          if (edge.to.type !== "user" || !userIds.has(edge.to.id)) continue;
          const members = membersOfGroup.get(group.id) ?? [];
          members.push(edge.to.id);
          membersOfGroup.set(group.id, members);
          const list = groupsOfUser.get(edge.to.id) ?? [];
          list.push(group.id);
          groupsOfUser.set(edge.to.id, list);
        }
      } catch (error) {
        // Deleted between the group listing and now: no members; the next snapshot drops the group.
        if (!isNotFound(error)) throw error;
      }
      ctx.progress("group members", ++membersDone, groups.length);
    });

    ctx.progress("applications");
    const applications: SsoApplication[] = [];
    for await (const app of client.listApplications()) applications.push(toSsoApplication(app));
    checkpoint(ctx.signal);

    let appsDone = 0;
    ctx.progress("assignments", 0, applications.length);
    const perApp = await mapLimit(applications, fanOut, async (app) => {
      checkpoint(ctx.signal);
      const edges: GraphConnection[] = [];
      try {
        for await (const edge of client.listApplicationAssociations(app.id, ["user", "user_group"])) edges.push(edge);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      ctx.progress("assignments", ++appsDone, applications.length);
      return assignmentsOf(app.id, edges, membersOfGroup, userIds);
    });

    return {
      users: apiUsers.map((u) => toDirectoryUser(u, groupsOfUser.get(u.id) ?? [])),
      groups,
      applications,
      assignments: perApp.flat(),
    };
  }
}
