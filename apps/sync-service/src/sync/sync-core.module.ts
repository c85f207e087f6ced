import { type DynamicModule, Global, Module } from "@nestjs/common";
import type { Clock } from "@jumpcloud-sync/domain";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { CLOCK } from "./clock.js";
import { ScopeRuns } from "./scope-runs.js";
import { StaleRunSweeper } from "./stale-run-sweeper.js";
import { StreamRegistry } from "./stream-registry.service.js";
import { StreamRunner } from "./stream-runner.service.js";
import { SyncEvents } from "./sync-events.js";

/**
 * What every sync area shares: the clock, clients per account key, the stream registry modules
 * register their streams with, the run state machine, the stale-run sweeper, progress events.
 */
@Global()
@Module({})
export class SyncCoreModule {
  static forRoot(clock: Clock): DynamicModule {
    const providers = [{ provide: CLOCK, useValue: clock }, JumpCloudClients, ScopeRuns, StreamRegistry, StreamRunner, StaleRunSweeper, SyncEvents];
    return { module: SyncCoreModule, providers, exports: providers.map((p) => ("provide" in p ? p.provide : p)) };
  }
}
