import { type DynamicModule, Module } from "@nestjs/common";
import { AccountsModule } from "../accounts/accounts.module.js";
import { DirectoryCursors } from "./directory-cursors.js";
import { DirectorySnapshotJob } from "./directory-snapshot.job.js";
import { DirectorySyncService } from "./directory-sync.service.js";
import { DirectoryScheduler, SCHEDULER_OPTIONS, type SchedulerOptions } from "./directory.scheduler.js";
import { UsageEventsJob } from "./usage-events.job.js";

/** The directory sync area: scheduler trigger → sync service (picks, launches) → jobs (snapshot, usage). */
@Module({})
export class DirectoryModule {
  static forRoot(options: SchedulerOptions): DynamicModule {
    return {
      module: DirectoryModule,
      imports: [AccountsModule],
      providers: [{ provide: SCHEDULER_OPTIONS, useValue: options }, DirectoryScheduler, DirectorySyncService, DirectorySnapshotJob, UsageEventsJob, DirectoryCursors],
      exports: [DirectorySyncService, DirectoryScheduler, DirectoryCursors],
    };
  }
}
