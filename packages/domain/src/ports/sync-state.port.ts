import type { Lease, StreamName, StreamStatus, SyncCounters, SyncRun, SyncRunState, SyncTrigger } from "../model/sync.js";

/** A stream's durable position (the usage stream stores an InsightsCursor; snapshots a fingerprint). */
export interface CursorPort {
  getCursor<T>(scopeId: string, stream: StreamName): Promise<T | null>;
  saveCursor(scopeId: string, stream: StreamName, value: unknown): Promise<void>;
}

/**
 * At most one live lease per scope+stream, across processes. Taken and renewed by a conditional
 * write; stolen only after expiry.
 */
export interface LeasePort {
  /**
   * Takes the lease if it is free, expired, or already this owner's; otherwise null. With
   * `takeOverFrom`, also when the holder's owner starts with that prefix: a pg-boss job takes the
   * lease over from an earlier job of the same scope × stream (pg-boss let go of that one: its
   * replica stopped heartbeating), never from a one-off run.
   */
  acquire(scopeId: string, stream: StreamName, owner: string, ttlMs: number, now: Date, takeOverFrom?: string): Promise<Lease | null>;
  /** The lease as stored (held, or expired and not yet taken); null when free. */
  holder(scopeId: string, stream: StreamName): Promise<Lease | null>;
  /** Extends a lease this owner holds; null when it was lost (expired and taken). */
  renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease | null>;
  release(lease: Lease): Promise<void>;
}

export interface SyncRunFinish {
  readonly state: Extract<SyncRunState, "succeeded" | "failed">;
  readonly finishedAt: Date;
  readonly error: string | null;
  readonly counters: SyncCounters;
}

export interface SyncRunPort {
  startRun(scopeId: string, stream: StreamName, trigger: SyncTrigger, at: Date): Promise<SyncRun>;
  finishRun(runId: string, finish: SyncRunFinish): Promise<void>;
  listRuns(query: { scopeId?: string; stream?: StreamName; state?: SyncRunState; cursor?: string; limit: number }): Promise<{ items: SyncRun[]; nextCursor: string | null }>;
  /** Marks runs still `running` since before `startedBefore` as failed (their process died). */
  sweepStaleRuns(startedBefore: Date, at: Date): Promise<number>;

  getStreamStatus(scopeId: string, stream: StreamName): Promise<StreamStatus | null>;
  saveStreamStatus(status: StreamStatus): Promise<void>;
  listStreamStatuses(scopeId?: string): Promise<StreamStatus[]>;
}
