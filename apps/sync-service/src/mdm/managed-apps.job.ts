import { Inject, Injectable } from "@nestjs/common";
import { isJumpCloudApiError, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import { managedAppChangeCount, reconcileManagedApps, type Clock, type ManagedApp, type ManagedAppLink, type ManagedAppStatus } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type MdmAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { mapLimit } from "../sync/limiter.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { toManagedApp, toManagedAppLink, toManagedAppStatus } from "./mdm-mapper.js";
import { mdmSourceOf, type MdmSource } from "./mdm-source.js";

/**
 * The software JumpCloud manages: every software app, and per app its statuses on devices (every
 * state: `INSTALLED` becomes a `managed` installation, `FAILED` / `PENDING` / others stay statuses)
 * and the devices it targets (directly or through device groups). A complete listing each run
 * (apps are few; statuses and links have no change feed), reconciled and applied in one transaction.
 */
@Injectable()
export class ManagedAppsJob {
  constructor(
    @Inject(STORE) private readonly store: MdmAreaStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(client: JumpCloudClient, ctx: StreamJobContext, source: MdmSource = mdmSourceOf(client)): Promise<StreamOutcome> {
    const scopeId = ctx.scope.id;
    ctx.progress("software apps");
    const apps: ManagedApp[] = [];
    for await (const app of source.listSoftwareApps()) apps.push(toManagedApp(app));
    checkpoint(ctx.signal);

    let done = 0;
    ctx.progress("statuses and devices", 0, apps.length);
    const perApp = await mapLimit(apps, this.config.jumpcloud.concurrency, async (app) => {
      checkpoint(ctx.signal);
      const statuses: ManagedAppStatus[] = [];
      const links: ManagedAppLink[] = [];
      try {
        for await (const row of source.listSoftwareAppStatuses(app.id)) {
          const status = toManagedAppStatus(app.id, row);
          if (status !== null) statuses.push(status);
        }
        for await (const row of source.listSoftwareAppSystems(app.id)) {
          const link = toManagedAppLink(app.id, row);
          if (link !== null) links.push(link);
        }
      } catch (error) {
        // Deleted between the listing and now: nothing of it is reported; the next run drops the app.
        if (!(isJumpCloudApiError(error) && error.kind === "not-found")) throw error;
      }
      ctx.progress("statuses and devices", ++done, apps.length);
      return { statuses, links };
    });
    checkpoint(ctx.signal);

    ctx.progress("reconciling");
    const previous = await this.store.mdm.loadManagedApps(scopeId);
    const snapshot = { apps, statuses: perApp.flatMap((p) => p.statuses), links: perApp.flatMap((p) => p.links) };
    const result = reconcileManagedApps(previous, snapshot, { now: this.clock.now() });
    if (result.status === "refused") return { kind: "refused", attention: "mass-deletion-refused", message: result.reason };
    checkpoint(ctx.signal);
    ctx.progress("applying");
    await this.store.mdm.applyManagedAppChanges(scopeId, result.changes);
    // What the change set created, updated and removed (tombstoned), as the directory snapshot counts it.
    ctx.counters.created += result.changes.apps.created.length + result.changes.statuses.created.length + result.changes.links.created.length + result.changes.installations.created.length;
    ctx.counters.updated += result.changes.apps.updated.length + result.changes.statuses.updated.length + result.changes.links.updated.length + result.changes.installations.updated.length;
    ctx.counters.removed += result.changes.apps.removed.length + result.changes.statuses.removed.length + result.changes.links.removed.length + result.changes.installations.removed.length;
    const installed = result.changes.installations;
    return {
      kind: "succeeded",
      summary: `managed apps: ${apps.length} apps, ${snapshot.statuses.length} statuses, ${snapshot.links.length} linked devices; ${managedAppChangeCount(result.changes)} changes (${installed.created.length + installed.updated.length} installations set, ${installed.removed.length} removed)`,
    };
  }
}
