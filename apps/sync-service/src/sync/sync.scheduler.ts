import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from "@nestjs/common";
import { SchedulerRegistry } from "@nestjs/schedule";
import type { Logger } from "pino";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { ScopeRuns } from "./scope-runs.js";
import { StaleRunSweeper } from "./stale-run-sweeper.js";
import { SYNC_COORDINATOR, type SyncCoordinator } from "./coordination/sync-coordinator.port.js";

export const SCHEDULER_OPTIONS = Symbol("SCHEDULER_OPTIONS");
export interface SchedulerOptions {
  /** `serve` and `sync` (without --once) schedule; the demo, one-shot CLI commands and most tests do not. */
  readonly enabled: boolean;
}

const TICK = "sync-tick";
const SWEEP = "stale-run-sweep";

/**
 * The thin trigger (STYLE practice 11), one for every registered stream: on each tick it asks the
 * coordinator (in-process on SQLite, pg-boss on PostgreSQL) to launch or queue the due
 * scope × stream work and returns; it never awaits a run. It also
 * owns the cross-area duties: the stale-run sweeper (at boot and periodically) and shutdown. Timers live in @nestjs/schedule's registry; the work itself
 * is `tick()`, so tests drive it without Nest timing.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private ticking = false;

  constructor(
    @Inject(SCHEDULER_OPTIONS) private readonly options: SchedulerOptions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: SchedulerRegistry,
    @Inject(SYNC_COORDINATOR) private readonly coordinator: SyncCoordinator,
    private readonly sweeper: StaleRunSweeper,
    private readonly runs: ScopeRuns,
    private readonly clients: JumpCloudClients,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweepSafely();
    if (!this.options.enabled) return;
    await this.coordinator.start();
    this.registry.addInterval(TICK, setInterval(() => void this.tick(), this.config.sync.tickMs));
    this.registry.addInterval(SWEEP, setInterval(() => void this.sweepSafely(), this.config.sync.staleRunSweepMs));
    this.logger.info({ tickMs: this.config.sync.tickMs, maxConcurrentScopes: this.config.sync.maxConcurrentScopes, coordinator: this.coordinator.kind }, "sync scheduler started");
    void this.tick();
  }

  /** Launches (SQLite) or queues (PostgreSQL, pg-boss) the due work; returns once it is launched, not finished. */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    try {
      const launched = await this.coordinator.tick();
      // Cheap (the running records only): a dead replica's runs are closed within about a job heartbeat, not at the next periodic sweep.
      await this.sweepSafely();
      return launched;
    } catch (error) {
      this.logger.error({ err: error }, "scheduler tick failed");
      return 0;
    } finally {
      this.ticking = false;
    }
  }

  /**
   * SIGTERM: stop scheduling, let running jobs reach their next checkpoint (a page stored, a
   * snapshot applied or abandoned) and release their leases; after the grace, abort in-flight
   * requests. The store closes after this (onApplicationShutdown).
   */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    for (const name of [TICK, SWEEP]) {
      if (this.registry.doesExist("interval", name)) this.registry.deleteInterval(name);
    }
    const running = this.runs.size;
    if (running > 0) this.logger.info({ signal, running }, "stopping: letting running syncs reach their checkpoint");
    const grace = new Promise<"grace">((resolve) => setTimeout(() => resolve("grace"), this.config.sync.shutdownGraceMs).unref());
    const stopped = this.runs.stopAll(`shutdown${signal === undefined ? "" : ` (${signal})`}`);
    if ((await Promise.race([stopped.then(() => "stopped" as const), grace])) === "grace") {
      this.logger.warn("shutdown grace elapsed: aborting in-flight requests");
      this.clients.abortAll();
      await stopped;
    }
    // pg-boss: interrupted jobs were handed back; stop taking new ones before the store closes.
    await this.coordinator.stop();
  }

  private async sweepSafely(): Promise<void> {
    try {
      await this.sweeper.sweep();
    } catch (error) {
      this.logger.error({ err: error }, "stale-run sweep failed");
    }
  }
}
