import { type DynamicModule, Module } from "@nestjs/common";
import { AccountsModule } from "../accounts/accounts.module.js";
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
      providers: [{ provide: SCHEDULER_OPTIONS, useValue: options }, SyncFacade, SyncScheduler],
      exports: [SyncFacade, SyncScheduler],
    };
  }
}
