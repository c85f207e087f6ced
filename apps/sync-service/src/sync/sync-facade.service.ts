import { Inject, Injectable } from "@nestjs/common";
import pLimit, { type LimitFunction } from "p-limit";
import type { Logger } from "pino";
import type { Account, Clock, Scope, StreamName, StreamStatus, SyncRun, SyncTrigger } from "@jumpcloud-sync/domain";
import { AccountsService } from "../accounts/accounts.service.js";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncCoreStore } from "../store/store.types.js";
import { CLOCK } from "./clock.js";
import { SCOPE_BLOCKING_ATTENTION } from "./failure.js";
import { ScopeRuns } from "./scope-runs.js";
import { defaultDue, type StreamDefinition } from "./stream-definition.types.js";
import { StreamRegistry, StreamRegistryError } from "./stream-registry.service.js";
import { StreamRunner, type StreamRunResult } from "./stream-runner.service.js";

export interface ScopeSyncResult {
  readonly scopeId: string;
  readonly accountId: string;
  /** The streams that ran in this pass, in registration order. */
  readonly streams: readonly StreamRunResult[];
  /** Set when the pass did not run at all (its streams already running here, a crash outside a run). */
  readonly skipped: string | null;
}

export interface DueWork {
  readonly account: Account;
  readonly scope: Scope;
  readonly streams: readonly StreamName[];
}

export interface SyncRequest {
  readonly trigger: SyncTrigger;
  /** Only these scopes; default every enabled scope of every active account. */
  readonly scopeIds?: readonly string[];
  /** Ignore the schedule and backoff (a manual "sync now"): every registered stream runs. */
  readonly ignoreSchedule?: boolean;
  /** Only these streams (registered names; their dependencies must have succeeded once). Default: all. */
  readonly streams?: readonly StreamName[];
}

/**
 * The sync core's face for the scheduler, the HTTP API and the CLI: which scope × stream is due,
 * launching scope passes, forcing a run through the owning module, runs and statuses. It never
 * names a stream: the registry lists them. A pass runs the due streams of one scope; streams start
 * together unless one was declared to run after another, so an MDM stream never waits for the
 * directory snapshot of its scope. A global limit (p-limit) bounds how many passes run at once, each
 * account key has its own client and rate limiter, and the lease keeps one runner per
 * scope × stream across processes.
 */
@Injectable()
export class SyncFacade {
  /** FIFO: a pass launched earlier starts earlier, so a pass waiting on another's stream never starves it. */
  private readonly slots: LimitFunction;

  constructor(
    @Inject(STORE) private readonly store: SyncCoreStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly accounts: AccountsService,
    private readonly clients: JumpCloudClients,
    private readonly runs: ScopeRuns,
    private readonly runner: StreamRunner,
    private readonly registry: StreamRegistry,
  ) {
    this.slots = pLimit(config.sync.maxConcurrentScopes);
  }

  /** The registered stream names, dependencies first. */
  streams(): readonly StreamName[] {
    return this.registry.names();
  }

  isRegistered(stream: string): boolean {
    return this.registry.has(stream);
  }

  isScopeRunning(scopeId: string): boolean {
    return this.runs.isRunning(scopeId);
  }

  isStreamRunningHere(scopeId: string, stream: StreamName): boolean {
    return this.runs.isRunning(scopeId, stream);
  }

  /** The stream's freshness target for this account, in minutes. */
  freshnessMinutes(stream: StreamName, account: Account): number {
    return this.registry.freshnessMs(stream, account) / 60_000;
  }

  get isStopping(): boolean {
    return this.runs.isStopping;
  }

  /**
   * Launches a pass over each scope with due streams and returns at once with their completion
   * promises. The scheduler ignores them (each run records its own outcome); `sync --once` and
   * tests await them.
   */
  async launchDue(request: SyncRequest): Promise<Promise<ScopeSyncResult>[]> {
    if (this.runs.isStopping) return [];
    const launched: Promise<ScopeSyncResult>[] = [];
    for (const { account, scope, streams } of await this.dueWork(request)) {
      const done = this.runs.launch(scope.id, account.id, streams, (signal, claimed) => this.slots(() => this.runPass(account, scope, claimed, request.trigger, signal)));
      if (done !== null) launched.push(done);
      else launched.push(Promise.resolve({ scopeId: scope.id, accountId: account.id, streams: [], skipped: "already running in this process" }));
    }
    return launched;
  }

  /**
   * The due scope × stream work of every active account (MSP accounts' managed orgs refreshed
   * first), without running it: the in-process scheduler launches it as passes, the pg-boss
   * coordinator sends one job per scope × stream.
   */
  async dueWork(request: SyncRequest): Promise<DueWork[]> {
    const now = this.clock.now();
    const work: DueWork[] = [];
    for (const account of await this.store.accounts.listAccounts()) {
      if (account.paused) continue;
      const scopes = (await this.store.accounts.listScopes(account.id)).filter((s) => s.enabled && (request.scopeIds === undefined || request.scopeIds.includes(s.id)));
      if (scopes.length === 0) continue;
      const due = new Map<string, StreamName[]>();
      for (const scope of scopes) {
        const candidates = request.ignoreSchedule === true ? this.registry.names() : this.dueStreams(account, scope, await this.store.runs.listStreamStatuses(scope.id), now);
        const streams = request.streams === undefined ? candidates : candidates.filter((n) => request.streams?.includes(n) === true);
        if (streams.length > 0) due.set(scope.id, [...streams]);
      }
      if (due.size === 0) continue;
      let targets = scopes.filter((s) => due.has(s.id));
      if (account.multiTenant && request.scopeIds === undefined) targets = await this.refreshMspScopes(account, targets);
      // A newly managed org has no status yet: all its streams are due.
      for (const scope of targets) work.push({ account, scope, streams: due.get(scope.id) ?? this.registry.names().filter((n) => request.streams === undefined || request.streams.includes(n)) });
    }
    return work;
  }

  /**
   * One scope × stream as a coordinator's job (pg-boss on PostgreSQL, which gives it to one replica
   * at a time). Checks again that the stream is due (another replica may have run it since the job
   * was sent), then runs it under the job's own lease owner (`owner`), which takes the lease over
   * from an earlier job of this scope × stream but not from a one-off run (then `busy`: the
   * coordinator queues it again). `claim` is the coordinator's signal that the job is no longer
   * ours (its heartbeat lapsed), which stops it at the next checkpoint like a lost lease.
   */
  async runJob(
    scopeId: string,
    stream: StreamName,
    trigger: SyncTrigger,
    claim: AbortSignal,
    holder: { readonly owner: string; readonly takeOverFrom: string },
  ): Promise<StreamRunResult | { readonly kind: "skipped"; readonly reason: string }> {
    if (this.runs.isStopping) return { kind: "skipped", reason: "stopping" };
    if (!this.registry.has(stream)) return { kind: "skipped", reason: `stream ${stream} is not registered here` };
    const scope = await this.store.accounts.getScope(scopeId);
    if (scope === null || !scope.enabled) return { kind: "skipped", reason: "scope gone or disabled" };
    const account = await this.store.accounts.getAccount(scope.accountId);
    if (account === null || account.paused) return { kind: "skipped", reason: "account gone or paused" };
    if (trigger === "schedule" && !this.dueStreams(account, scope, await this.store.runs.listStreamStatuses(scope.id), this.clock.now()).includes(stream)) {
      return { kind: "skipped", reason: "not due any more" };
    }
    const definition = this.registry.get(stream);
    const [ready] = await this.withDependenciesMet(scope.id, [stream]);
    if (ready === undefined) return { kind: "skipped", reason: `waiting for ${(definition.after ?? []).join(", ")} to succeed once` };
    const done = this.runs.launch(scope.id, account.id, [stream], async (signal) => {
      const both = AbortSignal.any([signal, claim]);
      const client = await this.clients.forScope(account, scope);
      return this.runner.run(account, scope, definition, client, trigger, both, holder);
    });
    return done ?? { kind: "skipped", reason: "already running in this process" };
  }

  /**
   * The streams whose `after` dependencies have each succeeded once in the scope: as separate jobs
   * (pg-boss) nothing orders them inside a pass, so a dependent is sent once its dependency is done.
   */
  async withDependenciesMet(scopeId: string, streams: readonly StreamName[]): Promise<StreamName[]> {
    const statuses = await this.store.runs.listStreamStatuses(scopeId);
    return streams.filter((stream) => (this.registry.get(stream).after ?? []).every((dep) => (statuses.find((x) => x.stream === dep)?.lastSuccessAt ?? null) !== null));
  }

  /** Runs the requested scopes now and waits for all of them (CLI `sync --once`, tests). */
  async syncNow(request: Omit<SyncRequest, "trigger"> & { trigger?: SyncTrigger }): Promise<ScopeSyncResult[]> {
    const launched = await this.launchDue({ ignoreSchedule: true, ...request, trigger: request.trigger ?? "manual" });
    return Promise.all(launched);
  }

  /**
   * Arms a one-shot forced run through the stream's owning module (the directory's override of a
   * refused mass deletion), audits it and syncs the scope now.
   */
  async forceRun(scopeId: string, stream: StreamName, actor: string): Promise<ScopeSyncResult | null> {
    const definition = this.registry.get(stream);
    if (definition.force === undefined) throw new StreamRegistryError(`Stream ${stream} cannot be forced.`);
    const scope = await this.store.accounts.getScope(scopeId);
    if (scope === null) throw new Error(`No scope ${scopeId}.`);
    await definition.force.arm(scopeId, this.clock.now());
    await this.store.audit.record({ at: this.clock.now(), actor, action: definition.force.auditAction, target: `scope:${scopeId}`, outcome: "succeeded", details: {} });
    const [result] = await this.syncNow({ scopeIds: [scopeId] });
    return result ?? null;
  }

  listRuns(query: { scopeId?: string; stream?: StreamName; cursor?: string; limit: number }): Promise<{ items: SyncRun[]; nextCursor: string | null }> {
    return this.store.runs.listRuns(query);
  }

  /** Stream statuses of one scope, or of every scope. */
  listStreamStatuses(scopeId?: string): Promise<StreamStatus[]> {
    return this.store.runs.listStreamStatuses(scopeId);
  }

  /** The streams of a scope that should run now, by their due rules, dependencies and the scope's credential state. */
  dueStreams(account: Account, scope: Scope, statuses: readonly StreamStatus[], now: Date): StreamName[] {
    const blocked = this.registry
      .list()
      .filter((d) => d.credentialFailureBlocksScope)
      .some((d) => {
        const s = statuses.find((x) => x.stream === d.name);
        return s !== undefined && s.attention.some((a) => SCOPE_BLOCKING_ATTENTION.includes(a.code)) && s.nextAttemptAt !== null && s.nextAttemptAt.getTime() > now.getTime();
      });
    if (blocked) return [];
    const due: StreamName[] = [];
    for (const definition of this.registry.list()) {
      const status = statuses.find((x) => x.stream === definition.name);
      const input = { account, scope, now, status, statuses, freshnessMs: this.registry.freshnessMs(definition.name, account) };
      if (!(definition.isDue ?? defaultDue)(input)) continue;
      // A dependency that never succeeded and does not run in this pass would only make it wait.
      const waiting = (definition.after ?? []).some((dep) => !due.includes(dep) && (statuses.find((x) => x.stream === dep)?.lastSuccessAt ?? null) === null);
      if (!waiting) due.push(definition.name);
    }
    return due;
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

  /**
   * One pass over the claimed streams of a scope: each starts once the streams it runs after (in
   * this pass) have finished, the others at once.
   */
  private async runPass(account: Account, scope: Scope, streams: readonly StreamName[], trigger: SyncTrigger, signal: AbortSignal): Promise<ScopeSyncResult> {
    try {
      const client = await this.clients.forScope(account, scope);
      const inPass = new Set(streams);
      const started = new Map<StreamName, Promise<StreamRunResult | null>>();
      const start = (definition: StreamDefinition): Promise<StreamRunResult | null> => {
        const existing = started.get(definition.name);
        if (existing !== undefined) return existing;
        const promise = (async (): Promise<StreamRunResult | null> => {
          const dependencies = (definition.after ?? []).filter((d) => inPass.has(d));
          const before = await Promise.all(dependencies.map((d) => start(this.registry.get(d))));
          if (signal.aborted) return null;
          // A rejected key or a vanished org fails the dependent the same way: do not spend a request proving it.
          if (before.some((r) => r?.kind === "ran" && r.attention !== null && SCOPE_BLOCKING_ATTENTION.includes(r.attention))) return null;
          for (const dependency of definition.after ?? []) {
            if (((await this.store.runs.getStreamStatus(scope.id, dependency))?.lastSuccessAt ?? null) === null) return null;
          }
          return this.runner.run(account, scope, definition, client, trigger, signal);
        })();
        started.set(definition.name, promise);
        return promise;
      };
      const definitions = this.registry.list().filter((d) => inPass.has(d.name));
      const results = await Promise.all(definitions.map(start));
      return { scopeId: scope.id, accountId: account.id, streams: results.filter((r): r is StreamRunResult => r !== null), skipped: null };
    } catch (error) {
      this.logger.error({ scopeId: scope.id, err: error }, "scope sync crashed outside a run");
      return { scopeId: scope.id, accountId: account.id, streams: [], skipped: error instanceof Error ? error.message : String(error) };
    }
  }
}
