import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import type { Account, Clock, Scope, StreamName, StreamStatus, SyncTrigger } from "@jumpcloud-sync/domain";
import { AccountsService } from "../accounts/accounts.service.js";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { Semaphore } from "../sync/limiter.js";
import { ScopeRuns } from "../sync/scope-runs.js";
import { StreamRunner, type StreamRunResult } from "../sync/stream-runner.service.js";
import { DirectoryCursors } from "./directory-cursors.js";
import { DirectorySnapshotJob } from "./directory-snapshot.job.js";
import { UsageEventsJob } from "./usage-events.job.js";

export const DIRECTORY_STREAMS: readonly StreamName[] = ["directory", "usage"];

export interface ScopeSyncResult {
  readonly scopeId: string;
  readonly accountId: string;
  readonly streams: readonly StreamRunResult[];
  /** Set when the scope did not run at all (already running here, account paused, ...). */
  readonly skipped: string | null;
}

export interface SyncRequest {
  readonly trigger: SyncTrigger;
  /** Only these scopes; default every enabled scope of every active account. */
  readonly scopeIds?: readonly string[];
  /** Ignore the schedule and backoff (a manual "sync now"). */
  readonly ignoreSchedule?: boolean;
}

/**
 * Picks due scopes and launches their sync without waiting for one scope before starting the next:
 * a global semaphore bounds how many scopes run at once, each account key has its own client and
 * limiter, and the lease keeps one runner per scope+stream across processes. A scope runs its
 * directory snapshot, then its usage (which ties events to the fresh directory).
 */
@Injectable()
export class DirectorySyncService {
  private readonly slots: Semaphore;

  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly accounts: AccountsService,
    private readonly clients: JumpCloudClients,
    private readonly runs: ScopeRuns,
    private readonly runner: StreamRunner,
    private readonly snapshotJob: DirectorySnapshotJob,
    private readonly usageJob: UsageEventsJob,
    private readonly cursors: DirectoryCursors,
  ) {
    this.slots = new Semaphore(config.sync.maxConcurrentScopes);
  }

  /**
   * Launches every due scope and returns at once with their completion promises. The scheduler
   * ignores them (each run records its own outcome); `sync --once` and tests await them.
   */
  async launchDue(request: SyncRequest): Promise<Promise<ScopeSyncResult>[]> {
    if (this.runs.isStopping) return [];
    const now = this.clock.now();
    const launched: Promise<ScopeSyncResult>[] = [];
    for (const account of await this.store.accounts.listAccounts()) {
      if (account.paused) continue;
      let scopes = (await this.store.accounts.listScopes(account.id)).filter((s) => s.enabled && (request.scopeIds === undefined || request.scopeIds.includes(s.id)));
      if (scopes.length === 0) continue;
      const statuses = new Map<string, StreamStatus[]>();
      for (const s of scopes) statuses.set(s.id, await this.store.runs.listStreamStatuses(s.id));
      const due = scopes.filter((s) => request.ignoreSchedule === true || this.isDue(statuses.get(s.id) ?? [], now));
      if (due.length === 0) continue;
      if (account.multiTenant && request.scopeIds === undefined) scopes = await this.refreshMspScopes(account, due);
      else scopes = due;
      for (const scope of scopes) {
        const done = this.runs.launch(scope.id, account.id, (signal) => this.slots.run(() => this.syncScope(account, scope, request.trigger, signal)));
        if (done !== null) launched.push(done);
        else launched.push(Promise.resolve({ scopeId: scope.id, accountId: account.id, streams: [], skipped: "already running in this process" }));
      }
    }
    return launched;
  }

  /** Runs the requested scopes now and waits for all of them (CLI `sync --once`, tests). */
  async syncNow(request: Omit<SyncRequest, "trigger"> & { trigger?: SyncTrigger }): Promise<ScopeSyncResult[]> {
    const launched = await this.launchDue({ ignoreSchedule: true, ...request, trigger: request.trigger ?? "manual" });
    return Promise.all(launched);
  }

  /**
   * After a mass-deletion refusal: the next snapshot of the scope applies whatever it removes (one
   * shot), and it runs now. Audited.
   */
  async forceSnapshot(scopeId: string, actor: string): Promise<ScopeSyncResult | null> {
    const scope = await this.store.accounts.getScope(scopeId);
    if (scope === null) throw new Error(`No scope ${scopeId}.`);
    await this.cursors.requestForce(scopeId, this.clock.now());
    await this.store.audit.record({ at: this.clock.now(), actor, action: "scope.force-snapshot", target: `scope:${scopeId}`, outcome: "succeeded", details: {} });
    const [result] = await this.syncNow({ scopeIds: [scopeId] });
    return result ?? null;
  }

  private isDue(statuses: readonly StreamStatus[], now: Date): boolean {
    return DIRECTORY_STREAMS.some((stream) => streamDue(statuses, stream, now));
  }

  private async refreshMspScopes(account: Account, due: Scope[]): Promise<Scope[]> {
    try {
      const refreshed = await this.accounts.refreshScopes(account);
      const dueIds = new Set(due.map((s) => s.id));
      // New orgs are due at once; orgs no longer managed were disabled by the refresh.
      const known = new Set((await this.store.accounts.listScopes(account.id)).map((s) => s.id));
      return refreshed.filter((s) => s.enabled && (dueIds.has(s.id) || !known.has(s.id)));
    } catch (error) {
      // The scopes' own runs record the failure (a revoked key shows as needs attention there).
      this.logger.warn({ accountId: account.id, err: error }, "could not refresh the managed organizations; syncing the known ones");
      return due;
    }
  }

  private async syncScope(account: Account, scope: Scope, trigger: SyncTrigger, signal: AbortSignal): Promise<ScopeSyncResult> {
    const results: StreamRunResult[] = [];
    try {
      const client = await this.clients.forScope(account, scope);
      const now = this.clock.now();
      const statuses = await this.store.runs.listStreamStatuses(scope.id);
      const dueNow = (stream: StreamName): boolean => trigger === "manual" || trigger === "startup" || streamDue(statuses, stream, now);
      if (dueNow("directory") && !signal.aborted) {
        results.push(await this.runner.run(account, scope, "directory", trigger, signal, (ctx) => this.snapshotJob.run(client, ctx)));
      }
      const directory = results[0];
      // A rejected key or a vanished org fails usage the same way: do not spend a request proving it.
      const blocked = directory?.kind === "ran" && (directory.attention === "invalid-credentials" || directory.attention === "org-not-found");
      if (dueNow("usage") && !blocked && !signal.aborted) {
        results.push(await this.runner.run(account, scope, "usage", trigger, signal, (ctx) => this.usageJob.run(client, ctx)));
      }
      return { scopeId: scope.id, accountId: account.id, streams: results, skipped: null };
    } catch (error) {
      this.logger.error({ scopeId: scope.id, err: error }, "scope sync crashed outside a run");
      return { scopeId: scope.id, accountId: account.id, streams: results, skipped: error instanceof Error ? error.message : String(error) };
    }
  }
}

/** Credential problems block the whole scope: its usage waits for the directory stream's backoff too. */
const SCOPE_BLOCKING: readonly string[] = ["invalid-credentials", "org-not-found"];

function streamDue(statuses: readonly StreamStatus[], stream: StreamName, now: Date): boolean {
  const directory = statuses.find((x) => x.stream === "directory");
  if (directory !== undefined && directory.attention.some((a) => SCOPE_BLOCKING.includes(a.code)) && directory.nextAttemptAt !== null && directory.nextAttemptAt.getTime() > now.getTime()) {
    return false;
  }
  const s = statuses.find((x) => x.stream === stream);
  return s === undefined || s.nextAttemptAt === null || s.nextAttemptAt.getTime() <= now.getTime();
}
