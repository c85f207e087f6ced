import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import type { Clock, SyncRun } from "@jumpcloud-sync/domain";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncCoreStore } from "../store/store.types.js";
import { CLOCK } from "./clock.js";
import { ScopeRuns } from "./scope-runs.js";
import { ABANDONED } from "./stream-runner.service.js";

const PAGE = 200;
const MAX_PAGES = 20;
/** Whatever the leases say, a run this old is dead (a process that keeps a lease for a day is stuck). */
const HARD_STALE_MS = 24 * 3_600_000;

/**
 * Whether the owner of a lease is still working (pg-boss: the job attempt named by the owner is
 * still active, i.e. its replica heartbeats it); null when the owner is not the checker's kind.
 */
export type OwnerCheck = (owner: string) => Promise<boolean | null>;

/**
 * Runs left `running` by a runner that died (SIGKILL, OOM, power loss). Every run holds its
 * scope × stream lease from before its record is created until after it is finished, renewing it
 * every third of its TTL, so a record still `running` is dead when its lease is free or expired —
 * or, on PostgreSQL, when the lease's owner is a pg-boss job attempt that is no longer active
 * (pg-boss failed it once its replica stopped heartbeating: JCS_JOB_HEARTBEAT_SECONDS). The
 * scheduler sweeps at boot and on every tick, so a dead replica's records are closed within about a
 * heartbeat whether or not its scope × stream runs again soon (the next holder of the lease closes
 * them too, before its own run). The runs' data is safe either way (snapshots apply atomically,
 * usage checkpoints per page) — this only makes the run history tell the truth.
 */
@Injectable()
export class StaleRunSweeper {
  constructor(
    @Inject(STORE) private readonly store: SyncCoreStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly runs: ScopeRuns,
  ) {}

  private ownerCheck: OwnerCheck | null = null;

  /** On PostgreSQL the pg-boss coordinator tells whether a job owner still holds its job. */
  useOwnerCheck(check: OwnerCheck): void {
    this.ownerCheck = check;
  }

  async sweep(): Promise<number> {
    const now = this.clock.now();
    let swept = 0;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const { items, nextCursor } = await this.store.runs.listRuns({ state: "running", limit: PAGE, ...(cursor === undefined ? {} : { cursor }) });
      for (const run of items) {
        if (this.runs.isRunning(run.scopeId, run.stream) || (await this.alive(run, now))) continue;
        // Conditional: a run that finished since it was listed keeps its own verdict.
        await this.store.runs.finishRun(run.id, { state: "failed", finishedAt: now, error: ABANDONED, counters: run.counters });
        swept += 1;
      }
      if (nextCursor === null) break;
      cursor = nextCursor;
    }
    swept += await this.store.runs.sweepStaleRuns(new Date(now.getTime() - HARD_STALE_MS), now);
    if (swept > 0) this.logger.warn({ swept }, "marked runs of dead processes as failed");
    return swept;
  }

  private async alive(run: SyncRun, now: Date): Promise<boolean> {
    const lease = await this.store.leases.holder(run.scopeId, run.stream);
    if (lease === null || lease.expiresAt.getTime() <= now.getTime()) return false;
    if (this.ownerCheck === null) return true;
    try {
      return (await this.ownerCheck(lease.owner)) ?? true;
    } catch (error) {
      this.logger.warn({ err: error, scopeId: run.scopeId, stream: run.stream }, "could not tell whether a run's owner is alive; leaving it");
      return true;
    }
  }
}
