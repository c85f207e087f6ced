import { type DynamicModule, Global, Module } from "@nestjs/common";
import type { Clock } from "@jumpcloud-sync/domain";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { CLOCK } from "./clock.js";
import { ScopeRuns } from "./scope-runs.js";
import { StaleRunSweeper } from "./stale-run-sweeper.js";
import { StreamRunner } from "./stream-runner.service.js";
import { SyncEvents } from "./sync-events.js";

/** What every sync area shares: the clock, clients per account key, the run state machine, progress events. */
@Global()
@Module({})
export class SyncCoreModule {
  static forRoot(clock: Clock): DynamicModule {
    const providers = [{ provide: CLOCK, useValue: clock }, JumpCloudClients, ScopeRuns, StreamRunner, StaleRunSweeper, SyncEvents];
    return { module: SyncCoreModule, providers, exports: providers.map((p) => ("provide" in p ? p.provide : p)) };
  }
}
