import { Module } from "@nestjs/common";
import { DirectoryCursors } from "./directory-cursors.js";
import { DirectoryChangesJob } from "./directory-changes.job.js";
import { DirectorySnapshotJob } from "./directory-snapshot.job.js";
import { DirectoryStreams } from "./directory-streams.provider.js";
import { UsageEventsJob } from "./usage-events.job.js";

/**
 * The directory sync area: its streams (snapshot, usage) registered with the core's stream
 * registry, and their jobs. Scheduling, leases and run records are the core's (src/sync/).
 */
@Module({
  providers: [DirectoryStreams, DirectorySnapshotJob, DirectoryChangesJob, UsageEventsJob, DirectoryCursors],
  exports: [DirectoryCursors],
})
export class DirectoryModule {}
