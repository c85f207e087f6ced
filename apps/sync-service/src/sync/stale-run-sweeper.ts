import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import type { Clock, StreamName } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncCoreStore } from "../store/store.types.js";
import { CLOCK } from "./clock.js";
import { ScopeRuns } from "./scope-runs.js";
import { StreamRunner } from "./stream-runner.service.js";

const PAGE = 200;
const INTERRUPTED = "interrupted: the process running it stopped (found by the stale-run sweeper); the next run resumes from the last checkpoint";
const MAX_PAGES = 20;
/** Whatever the leases say, a run this old is dead (a process that keeps a lease for a day is stuck). */
const HARD_STALE_MS = 24 * 3_600_000;

/**
 * Runs left `running` by a process that died (SIGKILL, OOM, power loss). A run is dead when its
 * scope+stream lease is free: a live runner renews it every third of its TTL. Run at boot and
 * periodically; the runs' data is safe either way (snapshots apply atomically, usage checkpoints
 * per page) — this only makes the run history tell the truth.
 */
@Injectable()
export class StaleRunSweeper {
  constructor(
    @Inject(STORE) private readonly store: SyncCoreStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly runs: ScopeRuns,
    private readonly runner: StreamRunner,
  ) {}

  private holder: ((scopeId: string, stream: StreamName) => Promise<boolean>) | null = null;

  /**
   * On PostgreSQL the coordinator (pg-boss) holds scope × stream, not a lease row: a run is dead
   * when no replica holds its job.
   */
  useHolder(holder: (scopeId: string, stream: StreamName) => Promise<boolean>): void {
    this.holder = holder;
  }

  async sweep(): Promise<number> {
    const now = this.clock.now();
    const youngest = now.getTime() - this.config.sync.leaseTtlMs;
    let swept = 0;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const { items, nextCursor } = await this.store.runs.listRuns({ limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
      for (const run of items) {
        if (run.state !== "running" || run.startedAt.getTime() > youngest || this.runs.isRunning(run.scopeId, run.stream)) continue;
        if (this.holder !== null) {
          if (await this.holder(run.scopeId, run.stream)) continue; // a live replica works it
          await this.store.runs.finishRun(run.id, { state: "failed", finishedAt: now, error: INTERRUPTED, counters: run.counters });
          swept += 1;
          continue;
        }
        const lease = await this.store.leases.acquire(run.scopeId, run.stream, this.runner.owner, this.config.sync.leaseTtlMs, now);
        if (lease === null) continue; // a live runner elsewhere holds it
        try {
          await this.store.runs.finishRun(run.id, {
            state: "failed",
            finishedAt: now,
            error: INTERRUPTED,
            counters: run.counters,
          });
          swept += 1;
        } finally {
          await this.store.leases.release(lease);
        }
      }
      if (nextCursor === null) break;
      cursor = nextCursor;
    }
    swept += await this.store.runs.sweepStaleRuns(new Date(now.getTime() - HARD_STALE_MS), now);
    if (swept > 0) this.logger.warn({ swept }, "marked runs of dead processes as failed");
    return swept;
  }
}
