import { randomUUID } from "node:crypto";
import {
  emptyCounters,
  type AttentionReason,
  type StreamName,
  type StreamUnavailability,
  type StreamStatus,
  type SyncCounters,
  type SyncRun,
  type SyncRunFinish,
  type SyncRunPort,
  type SyncRunState,
  type SyncTrigger,
} from "@jumpcloud-sync/domain";
import { decodeCursor, encodeCursor, str, strOrNull, toDate, toDateOrNull, type Db, type Param } from "../db.js";

export class SyncRunRepository implements SyncRunPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async startRun(scopeId: string, stream: StreamName, trigger: SyncTrigger, at: Date): Promise<SyncRun> {
    const run: SyncRun = { id: randomUUID(), scopeId, stream, state: "running", trigger, startedAt: at, finishedAt: null, error: null, counters: emptyCounters() };
    await this.#db.session((s) =>
      s.run(`insert into sync_run (id, scope_id, stream, state, trigger, started_at, finished_at, error, counters) values (?, ?, ?, ?, ?, ?, null, null, ?)`, [
        run.id,
        scopeId,
        stream,
        run.state,
        trigger,
        at,
        JSON.stringify(run.counters),
      ]),
    );
    return run;
  }

  async finishRun(runId: string, finish: SyncRunFinish): Promise<void> {
    const n = await this.#db.session((s) =>
      s.run(`update sync_run set state = ?, finished_at = ?, error = ?, counters = ? where id = ? and state in ('pending', 'running')`, [
        finish.state,
        finish.finishedAt,
        finish.error,
        JSON.stringify(finish.counters),
        runId,
      ]),
    );
    if (n === 0) {
      const exists = await this.#db.session((s) => s.get(`select state from sync_run where id = ?`, [runId]));
      if (exists === undefined) throw new Error(`sync run ${runId} does not exist`);
      // Already finished (e.g. swept as stale while it was still going): the first verdict stands.
    }
  }

  async listRuns(query: { scopeId?: string; stream?: StreamName; state?: SyncRunState; cursor?: string; limit: number }): Promise<{ items: SyncRun[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: Param[] = [];
    if (query.state !== undefined) {
      where.push("state = ?");
      params.push(query.state);
    }
    if (query.scopeId !== undefined) {
      where.push("scope_id = ?");
      params.push(query.scopeId);
    }
    if (query.stream !== undefined) {
      where.push("stream = ?");
      params.push(query.stream);
    }
    if (query.cursor !== undefined) {
      const [ms, id] = decodeCursor(query.cursor, 2);
      const at = new Date(Number(ms));
      where.push("(started_at < ? or (started_at = ? and id < ?))");
      params.push(at, at, String(id));
    }
    const limit = clampLimit(query.limit);
    const rows = await this.#db.session((s) =>
      s.all(`select * from sync_run ${where.length > 0 ? `where ${where.join(" and ")}` : ""} order by started_at desc, id desc limit ${limit + 1}`, params),
    );
    const items = rows.slice(0, limit).map(runFromRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.startedAt.getTime(), last.id]) : null };
  }

  async sweepStaleRuns(startedBefore: Date, at: Date): Promise<number> {
    return this.#db.session((s) =>
      s.run(`update sync_run set state = 'failed', finished_at = ?, error = ? where state in ('pending', 'running') and started_at < ?`, [
        at,
        "stale: the run stopped reporting (its process died or lost its lease)",
        startedBefore,
      ]),
    );
  }

  async getStreamStatus(scopeId: string, stream: StreamName): Promise<StreamStatus | null> {
    const row = await this.#db.session((s) => s.get(`select * from stream_status where scope_id = ? and stream = ?`, [scopeId, stream]));
    return row === undefined ? null : statusFromRow(row);
  }

  async saveStreamStatus(status: StreamStatus): Promise<void> {
    await this.#db.session((s) =>
      s.run(
        `insert into stream_status (scope_id, stream, last_attempt_at, last_success_at, consecutive_failures, next_attempt_at, last_error, attention, unavailable)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (scope_id, stream) do update set last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
           consecutive_failures = excluded.consecutive_failures, next_attempt_at = excluded.next_attempt_at, last_error = excluded.last_error,
           attention = excluded.attention, unavailable = excluded.unavailable`,
        [
          status.scopeId,
          status.stream,
          status.lastAttemptAt,
          status.lastSuccessAt,
          status.consecutiveFailures,
          status.nextAttemptAt,
          status.lastError,
          JSON.stringify(status.attention),
          status.unavailable === null ? null : JSON.stringify(status.unavailable),
        ],
      ),
    );
  }

  async listStreamStatuses(scopeId?: string): Promise<StreamStatus[]> {
    const rows = await this.#db.session((s) =>
      scopeId === undefined
        ? s.all(`select * from stream_status order by scope_id, stream`)
        : s.all(`select * from stream_status where scope_id = ? order by stream`, [scopeId]),
    );
    return rows.map(statusFromRow);
  }
}

export function clampLimit(limit: number): number {
  return Math.max(1, Math.min(1000, Math.floor(Number.isFinite(limit) ? limit : 100)));
}

function runFromRow(r: Record<string, unknown>): SyncRun {
  return {
    id: str(r["id"]),
    scopeId: str(r["scope_id"]),
    stream: str(r["stream"]),
    state: str(r["state"]) as SyncRunState,
    trigger: str(r["trigger"]) as SyncTrigger,
    startedAt: toDate(r["started_at"]),
    finishedAt: toDateOrNull(r["finished_at"]),
    error: strOrNull(r["error"]),
    counters: { ...emptyCounters(), ...(JSON.parse(str(r["counters"])) as Partial<SyncCounters>) },
  };
}

function statusFromRow(r: Record<string, unknown>): StreamStatus {
  return {
    scopeId: str(r["scope_id"]),
    stream: str(r["stream"]),
    lastAttemptAt: toDateOrNull(r["last_attempt_at"]),
    lastSuccessAt: toDateOrNull(r["last_success_at"]),
    consecutiveFailures: Number(r["consecutive_failures"]),
    nextAttemptAt: toDateOrNull(r["next_attempt_at"]),
    lastError: strOrNull(r["last_error"]),
    attention: JSON.parse(str(r["attention"])) as AttentionReason[],
    unavailable: r["unavailable"] === null || r["unavailable"] === undefined ? null : (JSON.parse(str(r["unavailable"])) as StreamUnavailability),
  };
}
