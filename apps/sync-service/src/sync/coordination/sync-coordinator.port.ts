/**
 * Who decides which process runs a due scope × stream. Chosen by the database driver
 * (`SyncCoordinatorModule`): on SQLite (one process) the in-process scheduler launches scope
 * passes itself and a lease row keeps a second CLI process apart; on PostgreSQL every due
 * scope × stream is a pg-boss job that any replica may work, at most one at a time per
 * scope × stream (a `stately` queue keyed by scope × stream). Either way every run holds the
 * scope × stream lease, so one-off runs in process never overlap a coordinated one.
 */
export interface SyncCoordinator {
  readonly kind: "in-process" | "pg-boss";
  /** Called once at bootstrap when the service schedules (`serve`, `sync` without --once). */
  start(): Promise<void>;
  /** Finds the due work and launches it (in-process) or queues it (pg-boss); returns how many units. */
  tick(): Promise<number>;
  /**
   * Shutdown, after the running jobs were asked to stop at their next checkpoint: hand unfinished
   * work back (pg-boss: the worker stops, jobs not taken stay queued for another replica).
   */
  stop(): Promise<void>;
}

export const SYNC_COORDINATOR = Symbol("SYNC_COORDINATOR");
