import { Injectable, type OnModuleInit } from "@nestjs/common";
import { DIRECTORY_STREAM, USAGE_STREAM } from "@jumpcloud-sync/domain";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { DirectoryCursors } from "./directory-cursors.js";
import { DirectorySnapshotJob } from "./directory-snapshot.job.js";
import { UsageEventsJob } from "./usage-events.job.js";

/** Usage folded into last use by default every 5 minutes (Directory Insights is near real time). */
const USAGE_FRESHNESS_MINUTES = 5;
/** The snapshot's default when an account has no schedule of its own (accounts always do today). */
const DIRECTORY_FRESHNESS_MINUTES = 60;

/** The directory module's streams, registered with the core: the snapshot, then usage after it. */
@Injectable()
export class DirectoryStreams implements OnModuleInit {
  constructor(
    private readonly registry: StreamRegistry,
    private readonly snapshotJob: DirectorySnapshotJob,
    private readonly usageJob: UsageEventsJob,
    private readonly cursors: DirectoryCursors,
  ) {}

  onModuleInit(): void {
    this.registry.register({
      name: DIRECTORY_STREAM,
      module: "directory",
      // Each account's schedule (`--schedule-minutes`; JCS_DIRECTORY_SCHEDULE_MINUTES for new accounts).
      freshness: { defaultMinutes: DIRECTORY_FRESHNESS_MINUTES, fromAccount: (account) => account.scheduleMinutes },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "mass-deletion-refused", "failing"],
      // Its requests are the scope's first: a revoked key or a vanished org shows here and holds the rest back.
      credentialFailureBlocksScope: true,
      run: (ctx) => this.snapshotJob.run(ctx.client, ctx),
      force: { auditAction: "scope.force-snapshot", arm: (scopeId, at) => this.cursors.requestForce(scopeId, at) },
    });
    this.registry.register({
      name: USAGE_STREAM,
      module: "directory",
      // Events are matched against the stored directory: before the first snapshot they would all be unmatched.
      after: [DIRECTORY_STREAM],
      freshness: { defaultMinutes: USAGE_FRESHNESS_MINUTES },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "insights-not-enabled", "insights-forbidden", "failing"],
      credentialFailureBlocksScope: false,
      run: (ctx) => this.usageJob.run(ctx.client, ctx),
    });
  }
}
