import { Inject, Injectable } from "@nestjs/common";
import type { Account, Clock, Scope, StreamStatus, SyncRun } from "@jumpcloud-sync/domain";
import type { AccountView } from "../accounts/accounts.service.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { streamAge } from "../sync/freshness.js";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { SyncFacade } from "../sync/sync-facade.service.js";
import type { AccountDto, RunDto, ScopeDto } from "./api.schemas.js";

/** A stream counts as fresh while its last success is within this many freshness targets. */
const FRESH_INTERVALS = 2;

/**
 * Turns accounts, scopes and stream statuses into what the API shows: freshness, "needs attention"
 * and whether a sync runs now. Reads the ports; writes nothing.
 */
@Injectable()
export class ScopeStatusService {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sync: SyncFacade,
    private readonly registry: StreamRegistry,
  ) {}

  accountDto(view: AccountView): AccountDto {
    const { account } = view;
    const scopes = view.scopes.map((s) => this.scopeDto(account, s, s.streams));
    return {
      id: account.id,
      name: account.name,
      region: account.region,
      endpoints: { consoleBaseUrl: account.endpoints.consoleBaseUrl, insightsBaseUrl: account.endpoints.insightsBaseUrl },
      permission: account.permission,
      orgId: account.orgId,
      multiTenant: account.multiTenant,
      paused: account.paused,
      scheduleMinutes: account.scheduleMinutes,
      createdAt: account.createdAt.toISOString(),
      updatedAt: account.updatedAt.toISOString(),
      needsAttention: scopes.some((s) => s.needsAttention),
      scopes,
    };
  }

  async scope(scopeId: string): Promise<{ account: Account; scope: Scope; dto: ScopeDto } | null> {
    const scope = await this.store.accounts.getScope(scopeId);
    if (scope === null) return null;
    const account = await this.store.accounts.getAccount(scope.accountId);
    if (account === null) return null;
    const dto = this.scopeDto(account, scope, await this.sync.listStreamStatuses(scope.id));
    return { account, scope, dto };
  }

  /** Every scope of every account, ordered by id (the API pages over it). */
  async allScopes(): Promise<ScopeDto[]> {
    const accounts = new Map((await this.store.accounts.listAccounts()).map((a) => [a.id, a]));
    const statuses = groupBy(await this.sync.listStreamStatuses(), (s) => s.scopeId);
    const scopes = (await this.store.accounts.listScopes()).filter((s) => accounts.has(s.accountId));
    return scopes.map((s) => this.scopeDto(accounts.get(s.accountId) as Account, s, statuses.get(s.id) ?? [])).sort((a, b) => compare(a.id, b.id));
  }

  scopeDto(account: Account, scope: Scope, statuses: readonly StreamStatus[]): ScopeDto {
    const now = this.clock.now().getTime();
    const streams = this.sync.streams().map((stream) => {
      const targetMs = this.registry.freshnessMs(stream, account);
      const freshFor = FRESH_INTERVALS * targetMs;
      const s = statuses.find((x) => x.stream === stream);
      const lastSuccess = s?.lastSuccessAt ?? null;
      const { ageMs: age, pastTarget } = streamAge(s, targetMs, now);
      return {
        stream,
        lastAttemptAt: iso(s?.lastAttemptAt ?? null),
        lastSuccessAt: iso(lastSuccess),
        freshness: (s?.unavailable ?? null) !== null ? ("unavailable" as const) : age === null ? ("never" as const) : age <= freshFor ? ("fresh" as const) : ("stale" as const),
        ageSeconds: age === null ? null : Math.floor(age / 1000),
        freshnessTargetSeconds: Math.floor(targetMs / 1000),
        pastTarget,
        consecutiveFailures: s?.consecutiveFailures ?? 0,
        nextAttemptAt: iso(s?.nextAttemptAt ?? null),
        lastError: s?.lastError ?? null,
        attention: (s?.attention ?? []).map((a) => ({ stream, code: a.code, message: a.message, since: a.since })),
        unavailable: s?.unavailable ? { ...s.unavailable } : null,
      };
    });
    const attention = streams.flatMap((s) => s.attention);
    return {
      id: scope.id,
      accountId: scope.accountId,
      orgId: scope.orgId,
      orgName: scope.orgName,
      enabled: scope.enabled,
      running: this.sync.isScopeRunning(scope.id),
      needsAttention: attention.length > 0,
      attention,
      streams,
    };
  }
}

export function runDto(run: SyncRun): RunDto {
  return {
    id: run.id,
    scopeId: run.scopeId,
    stream: run.stream,
    state: run.state,
    trigger: run.trigger,
    startedAt: run.startedAt.toISOString(),
    finishedAt: iso(run.finishedAt),
    durationMs: run.finishedAt === null ? null : run.finishedAt.getTime() - run.startedAt.getTime(),
    error: run.error,
    counters: { ...run.counters },
  };
}

function iso(d: Date | null): string | null {
  return d === null ? null : d.toISOString();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}
