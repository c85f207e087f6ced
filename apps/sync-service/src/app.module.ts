import { type DynamicModule, Module } from "@nestjs/common";
import { ScheduleModule } from "@nestjs/schedule";
import { systemClock, type Clock } from "@jumpcloud-sync/domain";
import type { Logger } from "pino";
import { AccountsModule } from "./accounts/accounts.module.js";
import { ActionsModule } from "./actions/actions.module.js";
import { ApiModule } from "./api/api.module.js";
import { ConfigModule, type AppConfig } from "./config/index.js";
import { DirectoryModule } from "./directory/directory.module.js";
import { HealthModule } from "./health/health.module.js";
import { LoggingModule } from "./logging/index.js";
import { MdmModule } from "./mdm/mdm.module.js";
import { MetricsModule } from "./metrics/metrics.module.js";
import { StoreModule } from "./store/store.module.js";
import { SyncCoreModule } from "./sync/sync-core.module.js";
import { SyncModule } from "./sync/sync.module.js";

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Run the sync scheduler (serve, `sync` without --once). */
  readonly schedule: boolean;
  /** Default: the system clock. Tests pass the stand-in's clock. */
  readonly clock?: Clock;
}

/**
 * The service's composition root. The sync core (SyncCoreModule: registry, runner; SyncModule:
 * scheduler, facade) runs whatever streams the area modules register; MDM and actions join as
 * siblings of DirectoryModule and register their streams the same way.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const sync = SyncModule.forRoot({ enabled: options.schedule });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggingModule.forRoot(options.logger),
        StoreModule.forRoot(options.config),
        ScheduleModule.forRoot(),
        SyncCoreModule.forRoot(options.clock ?? systemClock),
        AccountsModule,
        DirectoryModule,
        // After the directory module: its streams register first, and the MDM streams run after its snapshot.
        MdmModule,
        sync,
        HealthModule,
        MetricsModule,
        ApiModule.forRoot({ sync }),
        ActionsModule.forRoot({ worker: options.schedule }),
      ],
    };
  }
}
