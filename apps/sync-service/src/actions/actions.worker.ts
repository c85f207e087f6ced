import { randomUUID } from "node:crypto";
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from "@nestjs/common";
import type { Logger } from "pino";
import type { Action, Clock } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { ActionExecutor, LeaseLostError, type Execution } from "./action-executor.js";
import { ActionConfirmer } from "./action-confirmer.js";
import { auditTarget } from "./audit-target.js";
import { UpstreamLog } from "./upstream.js";

export const ACTIONS_OPTIONS = Symbol("ACTIONS_OPTIONS");
export interface ActionsOptions {
  /** Poll the queue (serve, `sync` without --once): accepted actions are done even after a restart. */
  readonly worker: boolean;
}

const POLL_MS = 1_000;
const CONFIRM_EVERY_MS = 30_000;

/**
 * Works the durable action queue: claims due actions with a lease (renewed while they run), runs
 * them with bounded concurrency (the client's per-key limiter keeps each account within its rate
 * budget), retries transient failures with backoff up to `JCS_RETRY_MAX_ATTEMPTS`, and records the
 * outcome: the action row, the audit trail, the log. `kick()` drains the queue in this process now
 * (the API calls it after accepting); with `worker` it also polls, so a restart finishes what a
 * dead process left (its leases expire, the actions are claimed again and read before writing).
 */
@Injectable()
export class ActionsWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly owner = `actions-${randomUUID()}`;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private poll: NodeJS.Timeout | null = null;
  private wake: NodeJS.Timeout | null = null;
  private confirm: NodeJS.Timeout | null = null;

  constructor(
    @Inject(ACTIONS_OPTIONS) private readonly options: ActionsOptions,
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly clients: JumpCloudClients,
    private readonly executor: ActionExecutor,
    private readonly confirmer: ActionConfirmer,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.worker) return;
    this.poll = setInterval(() => this.kick(), POLL_MS);
    this.confirm = setInterval(() => void this.confirmer.confirmPending().catch((error: unknown) => this.logger.error({ err: error }, "action confirmation failed")), CONFIRM_EVERY_MS);
    this.kick();
  }

  /** Drains the queue in the background (a drain already running goes round once more). */
  kick(): void {
    if (this.stopped) return;
    if (this.draining !== null) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch((error: unknown) => this.logger.error({ err: error }, "action queue drain failed"))
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Works until the queue is empty: waits for retries that are due later and for the leases of
   * actions a dead process held (the CLI's `actions work`). Resolves when nothing is queued or running.
   */
  async runUntilIdle(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.stopped || signal?.aborted === true) return;
      await this.drain();
      const next = await this.store.actions.nextWakeUp();
      if (next === null) return;
      const waitMs = Math.max(20, Math.min(5_000, next.getTime() - this.clock.now().getTime()));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /** Works the queue until every one of `ids` has finished (the CLI waits for what it queued). */
  async runUntilDone(ids: readonly string[]): Promise<Action[]> {
    for (;;) {
      await this.drain();
      const actions = await Promise.all(ids.map((id) => this.store.actions.get(id)));
      const present = actions.filter((a): a is Action => a !== null);
      if (this.stopped || present.every((a) => a.state === "succeeded" || a.state === "failed")) return present;
      const next = await this.store.actions.nextWakeUp();
      const waitMs = next === null ? 50 : Math.max(20, Math.min(5_000, next.getTime() - this.clock.now().getTime()));
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /** Claims and runs due actions until none is due now. */
  async drain(): Promise<void> {
    const concurrency = Math.max(1, this.config.jumpcloud.concurrency);
    for (;;) {
      if (this.stopped) return;
      const claimed = await this.store.actions.claim(this.owner, this.config.sync.leaseTtlMs, this.clock.now(), concurrency);
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((action) => this.runOne(action)));
    }
    this.scheduleWake();
  }

  /** Without the poller, retries due later still happen: wake up when the next one is due. */
  private scheduleWake(): void {
    if (this.options.worker || this.stopped) return;
    void this.store.actions.nextWakeUp().then((next) => {
      if (next === null || this.stopped) return;
      if (this.wake !== null) clearTimeout(this.wake);
      const delay = Math.max(20, next.getTime() - this.clock.now().getTime());
      this.wake = setTimeout(() => this.kick(), delay);
      this.wake.unref();
    });
  }

  private async runOne(action: Action): Promise<void> {
    const log = new UpstreamLog(this.clock);
    const renewEvery = Math.max(200, Math.floor(this.config.sync.leaseTtlMs / 3));
    let lost = false;
    const renew = setInterval(() => {
      void this.store.actions.renew(action.id, this.owner, this.config.sync.leaseTtlMs, this.clock.now()).then((ok) => {
        if (!ok) lost = true;
      });
    }, renewEvery);
    try {
      let execution: Execution;
      try {
        const account = await this.store.accounts.getAccount(action.accountId);
        const scope = await this.store.accounts.getScope(action.scopeId);
        if (account === null || scope === null) {
          execution = { kind: "failed", failure: { code: "not-found", message: "the account or scope was removed after the action was accepted" } };
        } else if (account.permission !== "read-and-act") {
          execution = { kind: "failed", failure: { code: "permission", message: `the account ${account.name} is no longer connected with read-and-act; nothing was sent` } };
        } else {
          execution = await this.executor.execute(action, this.owner, await this.clients.forScope(account, scope), log);
        }
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.logger.warn({ actionId: action.id }, "lost an action's lease; another worker has it");
          return;
        }
        throw error;
      }
      if (lost) {
        this.logger.warn({ actionId: action.id }, "lost an action's lease mid-way; its outcome is left to the worker that took it");
        return;
      }
      await this.store.actions.appendUpstream(action.id, this.owner, log.calls.map(({ phase: _phase, ...c }) => c));
      await this.record(action, execution, log);
    } catch (error) {
      // Left running: its lease expires and it is claimed again (reading before any write).
      this.logger.error({ err: error, actionId: action.id }, "an action failed outside its record");
    } finally {
      clearInterval(renew);
    }
  }

  private async record(action: Action, execution: Execution, log: UpstreamLog): Promise<void> {
    const now = this.clock.now();
    const maxAttempts = this.config.jumpcloud.retry.maxAttempts;
    const jumpcloud = log.calls.map(({ method, path, status }) => ({ method, path, status }));
    const base = { actionId: action.id, batchId: action.batchId, attempt: action.attempts, jumpcloud };
    const target = auditTarget(action.scopeId, execution.kind === "succeeded" ? (execution.userId ?? action.target.userId) : action.target.userId, action.target.username);
    const auditAction = `user.${action.kind}`;
    if (execution.kind === "transient" && action.attempts < maxAttempts) {
      const { baseDelayMs, maxDelayMs } = this.config.jumpcloud.retry;
      const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(20, action.attempts - 1));
      await this.store.actions.requeue(action.id, this.owner, new Date(now.getTime() + delay), execution.failure);
      this.logger.warn({ actionId: action.id, attempt: action.attempts, retryInMs: delay, reason: execution.failure.message }, "action hit a transient failure; retrying later");
      await this.store.audit.record({ at: now, actor: action.actor, action: auditAction, target, outcome: "failed", details: { ...base, retrying: true, reason: execution.failure } });
      return;
    }
    if (execution.kind === "succeeded") {
      await this.store.actions.finish(action.id, this.owner, { state: "succeeded", userId: execution.userId, toStatus: execution.toStatus }, now);
      this.logger.info({ actionId: action.id, kind: action.kind, userId: execution.userId, to: execution.toStatus }, "action succeeded");
      await this.store.audit.record({
        at: now,
        actor: action.actor,
        action: auditAction,
        target,
        outcome: "succeeded",
        details: { ...base, from: action.fromStatus, to: execution.toStatus, ...(execution.note === null ? {} : { note: execution.note }) },
      });
      return;
    }
    const failure =
      execution.kind === "transient" ? { code: execution.failure.code, message: `gave up after ${action.attempts} attempts: ${execution.failure.message}` } : execution.failure;
    await this.store.actions.finish(action.id, this.owner, { state: "failed", failure }, now);
    this.logger.warn({ actionId: action.id, kind: action.kind, code: failure.code, reason: failure.message }, "action failed");
    await this.store.audit.record({ at: now, actor: action.actor, action: auditAction, target, outcome: "failed", details: { ...base, reason: failure } });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const t of [this.poll, this.confirm]) if (t !== null) clearInterval(t);
    if (this.wake !== null) clearTimeout(this.wake);
    // In-flight actions finish their step; one killed mid-write is read first by the next claimant.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.config.sync.shutdownGraceMs).unref());
    await Promise.race([this.draining ?? Promise.resolve(), grace]);
  }
}
