import { type DynamicModule, Module } from "@nestjs/common";
import { AccountsModule } from "../accounts/accounts.module.js";
import type { Logger } from "pino";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { LOGGER } from "../logging/index.js";
import { InProcessCoordinator } from "./coordination/in-process.coordinator.js";
import { PgBossCoordinator } from "./coordination/pg-boss.coordinator.js";
import { SYNC_COORDINATOR, type SyncCoordinator } from "./coordination/sync-coordinator.port.js";
import { StaleRunSweeper } from "./stale-run-sweeper.js";
import { SyncFacade } from "./sync-facade.service.js";
import { SCHEDULER_OPTIONS, SyncScheduler, type SchedulerOptions } from "./sync.scheduler.js";

/**
 * The scheduler and the facade over the core (SyncCoreModule): the one place that picks due
 * scope × stream work, whatever module registered the stream. The HTTP API and the CLI use the facade.
 */
@Module({})
export class SyncModule {
  static forRoot(options: SchedulerOptions): DynamicModule {
    return {
      module: SyncModule,
      imports: [AccountsModule],
      providers: [
        { provide: SCHEDULER_OPTIONS, useValue: options },
        SyncFacade,
        SyncScheduler,
        {
          // Chosen by the database driver: one process on SQLite, replicas through pg-boss on PostgreSQL.
          provide: SYNC_COORDINATOR,
          inject: [APP_CONFIG, LOGGER, SyncFacade, StaleRunSweeper],
          useFactory: (config: AppConfig, logger: Logger, sync: SyncFacade, sweeper: StaleRunSweeper): SyncCoordinator =>
            config.database.driver === "postgresql" ? new PgBossCoordinator(config, logger, sync, sweeper) : new InProcessCoordinator(logger, sync),
        },
      ],
      exports: [SyncFacade, SyncScheduler, SYNC_COORDINATOR],
    };
  }
}
