import { Injectable, type OnModuleInit } from "@nestjs/common";
import { DIRECTORY_STREAM } from "@jumpcloud-sync/domain";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { DevicesJob } from "./devices.job.js";
import { ManagedAppsJob } from "./managed-apps.job.js";
import { DEVICES_STREAM, MANAGED_APPS_STREAM, SOFTWARE_EVENTS_STREAM } from "./mdm-streams.js";
import { SoftwareEventsJob } from "./software-events.job.js";

/** Devices and managed apps change slowly and cost a request per device or app: hourly by default. */
const DEVICES_FRESHNESS_MINUTES = 60;
const MANAGED_APPS_FRESHNESS_MINUTES = 60;
/** Software events are a cheap incremental read (a page or two since the checkpoint). */
const SOFTWARE_EVENTS_FRESHNESS_MINUTES = 15;

/** The MDM module's streams, registered with the core (JCS_STREAM_FRESHNESS_MINUTES overrides the defaults). */
@Injectable()
export class MdmStreams implements OnModuleInit {
  constructor(
    private readonly registry: StreamRegistry,
    private readonly devicesJob: DevicesJob,
    private readonly managedAppsJob: ManagedAppsJob,
    private readonly softwareEventsJob: SoftwareEventsJob,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: DEVICES_STREAM,
      module: "mdm",
      // The per-user traversal visits the stored directory's users, and a device's users are
      // shown by username: both need the scope's first snapshot.
      after: [DIRECTORY_STREAM],
      freshness: { defaultMinutes: DEVICES_FRESHNESS_MINUTES },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "mass-deletion-refused", "failing"],
      credentialFailureBlocksScope: false,
      run: (ctx) => this.devicesJob.run(ctx.client, ctx),
    });
    this.registry.register({
      name: MANAGED_APPS_STREAM,
      module: "mdm",
      // After the snapshot in a pass: a revoked key or a vanished organization shows once, on the
      // directory stream, instead of failing every MDM stream too.
      after: [DIRECTORY_STREAM],
      freshness: { defaultMinutes: MANAGED_APPS_FRESHNESS_MINUTES },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "mass-deletion-refused", "failing"],
      credentialFailureBlocksScope: false,
      run: (ctx) => this.managedAppsJob.run(ctx.client, ctx),
    });
    this.registry.register({
      name: SOFTWARE_EVENTS_STREAM,
      module: "mdm",
      after: [DIRECTORY_STREAM],
      freshness: { defaultMinutes: SOFTWARE_EVENTS_FRESHNESS_MINUTES },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "insights-not-enabled", "insights-forbidden", "failing"],
      credentialFailureBlocksScope: false,
      run: (ctx) => this.softwareEventsJob.run(ctx.client, ctx),
    });
  }
}
