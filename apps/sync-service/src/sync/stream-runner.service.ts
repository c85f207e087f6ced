import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import {
  ATTENTION_AFTER_FAILURES,
  emptyCounters,
  nextAttemptAfterFailure,
  type Account,
  type AttentionCode,
  type AttentionReason,
  type Clock,
  type Lease,
  type Scope,
  type StreamName,
  type StreamStatus,
  type SyncCounters,
  type SyncTrigger,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { LOGGER } from "../logging/index.js";
import { withOrmContext } from "../store/orm-context.js";
import { STORE, type SyncCoreStore } from "../store/store.types.js";
import type { JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import { classifyFailure } from "./failure.js";
import type { StreamDefinition } from "./stream-definition.types.js";
import { StreamRegistry } from "./stream-registry.service.js";
import { CLOCK } from "./clock.js";
import { withRunTelemetry } from "./run-telemetry.js";
import { Interrupted, type StreamJobContext, type StreamOutcome } from "./stream-job.js";
import { SyncEvents } from "./sync-events.js";

export type StreamRunResult =
  | { readonly kind: "busy"; readonly scopeId: string; readonly stream: StreamName }
  | {
      readonly kind: "ran";
      readonly scopeId: string;
      readonly stream: StreamName;
      readonly runId: string;
      readonly state: "succeeded" | "failed";
      readonly outcome: StreamOutcome["kind"] | "failed";
      readonly message: string;
      readonly attention: AttentionCode | null;
      readonly counters: SyncCounters;
      readonly durationMs: number;
    };

/**
 * The explicit state machine around every stream job (STYLE practice 11): lease (one runner per
 * scope+stream across processes, renewed while running), run record (running → succeeded | failed
 * with counters), stream status (next attempt, backoff, "needs attention" reasons) and a fresh ORM
 * context. Jobs only do the work.
 */
@Injectable()
export class StreamRunner {
  /** This process's lease owner id. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    @Inject(STORE) private readonly store: SyncCoreStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: SyncEvents,
    private readonly registry: StreamRegistry,
  ) {}

  /**
   * Runs one registered stream of one scope under its lease. Every run takes the scope × stream
   * lease, whoever started it, so a pg-boss job (PostgreSQL) and a one-off run in process (`sync
   * --once`, POST /v1/syncs, a forced snapshot) exclude each other as two one-off runs do. `holder`:
   * a pg-boss job runs under its own owner (`job:<id>:<attempt>`) and takes the lease over from an
   * earlier job of the scope × stream (pg-boss gave the scope × stream to this job, so that one's
   * replica stopped heartbeating), never from a one-off run. Once the lease is held, any run record
   * of the scope × stream still `running` is a dead owner's and is closed before this run starts.
   */
  async run(
    account: Account,
    scope: Scope,
    definition: StreamDefinition,
    client: JumpCloudClient,
    trigger: SyncTrigger,
    signal: AbortSignal,
    holder: { readonly owner: string; readonly takeOverFrom?: string } = { owner: this.owner },
  ): Promise<StreamRunResult> {
    const stream = definition.name;
    const ttl = this.config.sync.leaseTtlMs;
    const lease = await this.store.leases.acquire(scope.id, stream, holder.owner, ttl, this.clock.now(), holder.takeOverFrom);
    if (lease === null) {
      this.events.emit({ kind: "run-skipped", scopeId: scope.id, stream, reason: "another runner holds the lease" });
      return { kind: "busy", scopeId: scope.id, stream };
    }
    await this.closeAbandoned(scope.id, stream);
    const stop = new AbortController();
    const onOuterAbort = (): void => stop.abort(signal.reason);
    if (signal.aborted) onOuterAbort();
    else signal.addEventListener("abort", onOuterAbort, { once: true });
    const keeper = this.keepLease(lease, ttl, stop);
    const started = Date.now();
    const run = await this.store.runs.startRun(scope.id, stream, trigger, this.clock.now());
    this.events.emit({ kind: "run-started", scopeId: scope.id, stream, runId: run.id });
    const log = this.logger.child({ scopeId: scope.id, stream, runId: run.id });
    log.info({ trigger }, "sync run started");

    const counters = emptyCounters();
    let outcome: StreamOutcome | null = null;
    let failure: unknown = null;
    try {
      outcome = await withRunTelemetry(scope.id, counters, async () => {
        const ctx: StreamJobContext = {
          account,
          scope,
          stream,
          client,
          signal: stop.signal,
          counters,
          progress: (stage, done, total) =>
            this.events.emit({ kind: "progress", scopeId: scope.id, stream, stage, ...(done === undefined ? {} : { done }), ...(total === undefined ? {} : { total }), counters }),
        };
        return withOrmContext(this.store, () => definition.run(ctx));
      });
    } catch (error) {
      if (error instanceof Interrupted || stop.signal.aborted) {
        // Stopped on purpose (shutdown, pause, a lost lease) — also when the stop aborted a request in flight.
        const reason: unknown = stop.signal.reason;
        const why = error instanceof Interrupted ? error.message : reason instanceof Error ? reason.message : "stopped";
        outcome = { kind: "interrupted", message: `interrupted (${why}); the next run resumes from the last checkpoint` };
      } else failure = error;
    } finally {
      signal.removeEventListener("abort", onOuterAbort);
      keeper.stop();
    }

    const finalCounters: SyncCounters = { ...counters };
    const result = await withOrmContext(this.store, () => this.record(account, scope, definition, run.id, outcome, failure, finalCounters, Date.now() - started));
    try {
      await this.store.leases.release(lease);
    } catch (error) {
      log.warn({ err: error }, "could not release the lease (it expires on its own)");
    }
    if (result.state === "succeeded") log.info({ counters: finalCounters, durationMs: result.durationMs }, result.message);
    else log.warn({ counters: finalCounters, durationMs: result.durationMs, attention: result.attention }, result.message);
    this.events.emit({
      kind: "run-finished",
      scopeId: scope.id,
      stream,
      runId: run.id,
      state: result.state,
      outcome: result.outcome,
      message: result.message,
      error: result.state === "failed" ? result.message : null,
      counters: finalCounters,
      durationMs: result.durationMs,
    });
    return result;
  }

  /** With the lease held, a record of the scope × stream still `running` belongs to a runner that died (SIGKILL, OOM) or lost the lease. */
  private async closeAbandoned(scopeId: string, stream: StreamName): Promise<void> {
    const { items } = await this.store.runs.listRuns({ scopeId, stream, state: "running", limit: 50 });
    for (const run of items) {
      await this.store.runs.finishRun(run.id, { state: "failed", finishedAt: this.clock.now(), error: ABANDONED, counters: run.counters });
      this.logger.warn({ scopeId, stream, runId: run.id }, "closed the run record of a runner that stopped");
    }
  }

  private keepLease(lease: Lease, ttl: number, stop: AbortController): { stop(): void } {
    let current = lease;
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      this.store.leases
        .renew(current, ttl, this.clock.now())
        .then((renewed) => {
          if (renewed === null) stop.abort(new Error("the lease was lost to another runner"));
          else current = renewed;
        })
        .catch((error: unknown) => this.logger.warn({ err: error, scopeId: lease.scopeId, stream: lease.stream }, "lease renewal failed; retrying"))
        .finally(() => {
          renewing = false;
        });
    }, Math.max(250, Math.floor(ttl / 3)));
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  private async record(
    account: Account,
    scope: Scope,
    definition: StreamDefinition,
    runId: string,
    outcome: StreamOutcome | null,
    failure: unknown,
    counters: SyncCounters,
    durationMs: number,
  ): Promise<Extract<StreamRunResult, { kind: "ran" }>> {
    const stream = definition.name;
    const now = this.clock.now();
    const previous = (await this.store.runs.getStreamStatus(scope.id, stream)) ?? emptyStatus(scope.id, stream);
    const scheduled = new Date(now.getTime() + this.registry.freshnessMs(stream, account));
    let status: StreamStatus;
    let state: "succeeded" | "failed";
    let message: string;
    let attention: AttentionCode | null = null;
    let kind: StreamOutcome["kind"] | "failed";

    if (outcome !== null && outcome.kind === "succeeded") {
      state = "succeeded";
      kind = "succeeded";
      message = outcome.summary;
      status = {
        ...previous,
        lastAttemptAt: now,
        lastSuccessAt: now,
        consecutiveFailures: 0,
        nextAttemptAt: scheduled,
        lastError: null,
        attention: previous.attention.filter((a) => !definition.clearsOnSuccess.includes(a.code)),
        unavailable: null,
      };
    } else if (outcome !== null && outcome.kind === "unavailable") {
      // A capability the scope lacks (a plan without the feature), not a failure: the run succeeds,
      // nothing needs a person, and the stream checks again on its schedule. Its data did not
      // refresh, so the last success stays where it was.
      state = "succeeded";
      kind = "unavailable";
      message = `unavailable: ${outcome.message}`;
      const since = previous.unavailable?.reason === outcome.reason ? previous.unavailable.since : now.toISOString();
      status = {
        ...previous,
        lastAttemptAt: now,
        consecutiveFailures: 0,
        nextAttemptAt: scheduled,
        lastError: null,
        attention: previous.attention.filter((a) => !definition.clearsOnSuccess.includes(a.code)),
        unavailable: { reason: outcome.reason, message: outcome.message, since },
      };
    } else if (outcome !== null && outcome.kind === "interrupted") {
      state = "failed";
      kind = "interrupted";
      message = outcome.message;
      // Not a failure of the scope: no backoff, resume as soon as someone runs it again.
      status = { ...previous, lastAttemptAt: now, nextAttemptAt: now, lastError: message };
    } else if (outcome !== null) {
      // refused: the job chose not to apply (the mass-deletion guard); a person decides. Keep the schedule.
      state = "failed";
      kind = outcome.kind;
      message = outcome.message;
      attention = outcome.attention;
      const failures = previous.consecutiveFailures + 1;
      status = {
        ...previous,
        lastAttemptAt: now,
        consecutiveFailures: failures,
        nextAttemptAt: scheduled,
        lastError: message,
        attention: withAttention(previous.attention.filter((a) => a.code !== "failing"), outcome.attention, message, now),
      };
    } else {
      state = "failed";
      kind = "failed";
      const classified = definition.classifyFailure?.(failure, scope) ?? classifyFailure(failure, scope);
      message = classified.message;
      const failures = previous.consecutiveFailures + 1;
      let reasons = previous.attention;
      if (classified.attention !== null) {
        attention = classified.attention;
        reasons = withAttention(reasons, classified.attention, message, now);
      } else if (failures >= ATTENTION_AFTER_FAILURES) {
        attention = "failing";
        reasons = withAttention(reasons, "failing", `${failures} failures in a row; last: ${message}`, now);
      }
      status = {
        ...previous,
        lastAttemptAt: now,
        consecutiveFailures: failures,
        nextAttemptAt: nextAttemptAfterFailure(failures, now, this.config.sync.failureBackoff),
        lastError: message,
        attention: reasons,
      };
    }
    await this.store.runs.finishRun(runId, { state, finishedAt: now, error: state === "failed" ? message : null, counters });
    await this.store.runs.saveStreamStatus(status);
    return { kind: "ran", scopeId: scope.id, stream, runId, state, outcome: kind, message, attention, counters, durationMs };
  }
}

/** The reason on a run record its runner left `running` (closed by the next holder of its scope × stream or the stale-run sweeper). */
export const ABANDONED = "interrupted: the process running it stopped (SIGKILL, crash or a lost lease); the next run resumes from the last checkpoint";

export function emptyStatus(scopeId: string, stream: StreamName): StreamStatus {
  return { scopeId, stream, lastAttemptAt: null, lastSuccessAt: null, consecutiveFailures: 0, nextAttemptAt: null, lastError: null, attention: [], unavailable: null };
}

function withAttention(reasons: readonly AttentionReason[], code: AttentionCode, message: string, now: Date): AttentionReason[] {
  const existing = reasons.find((r) => r.code === code);
  const others = reasons.filter((r) => r.code !== code);
  return [...others, { code, message, since: existing?.since ?? now.toISOString() }];
}

