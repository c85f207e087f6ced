import { Inject, Injectable, type OnApplicationShutdown } from "@nestjs/common";
import { createJumpCloudClient, type ClientEvent, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import type { Account, Scope } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { PgRequestBudgets } from "../store/pg-request-budget.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { recordClientEvent } from "../sync/run-telemetry.js";

export interface ClientEndpoints {
  readonly consoleBaseUrl: string;
  readonly insightsBaseUrl: string;
}

/**
 * One JumpCloud client per account key, each with its own rate limiter, retries and per-request
 * timeout: a key that is rate limited or slow only slows its own scopes. An MSP key's scopes share
 * the key's client through `withOrg` (the limit is the key's, not the org's).
 */
@Injectable()
export class JumpCloudClients implements OnApplicationShutdown {
  private readonly byAccount = new Map<string, { version: number; client: JumpCloudClient }>();
  private readonly shutdown = new AbortController();
  /** PostgreSQL: the per-key budget every replica shares (SQLite is one process: the client's limiter is the budget). */
  private readonly budgets: PgRequestBudgets | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(STORE) private readonly store: SyncStore,
  ) {
    const jobs = config.sync.jobs;
    this.budgets = jobs === null ? null : new PgRequestBudgets(store, jobs.schema, config.jumpcloud.requestsPerMinute, config.jumpcloud.windowMs);
  }

  /** A client for a key that is not stored yet (validation when adding an account). */
  create(apiKey: string, endpoints: ClientEndpoints, orgId: string | null): JumpCloudClient {
    const c = this.config.jumpcloud;
    return createJumpCloudClient({
      apiKey,
      orgId,
      consoleBaseUrl: endpoints.consoleBaseUrl,
      insightsBaseUrl: endpoints.insightsBaseUrl,
      rateLimit: { requestsPerMinute: c.requestsPerMinute, concurrency: c.concurrency, windowMs: c.windowMs },
      ...(this.budgets === null ? {} : { budget: this.budgets.forKey(apiKey) }),
      retry: c.retry,
      timeoutMs: c.timeoutMs,
      // The one abort/timeout layer is the client's: its per-attempt timeout (body included) and
      // this shutdown signal are plain listeners that survive a GC mid-request.
      signal: this.shutdown.signal,
      onEvent: (event: ClientEvent) => recordClientEvent(event),
    });
  }

  async forScope(account: Account, scope: Scope): Promise<JumpCloudClient> {
    const version = account.updatedAt.getTime();
    let cached = this.byAccount.get(account.id);
    if (cached === undefined || cached.version !== version) {
      // The account changed (a new key, other endpoints): a new client, with a fresh limiter.
      const apiKey = await this.store.accounts.revealApiKey(account.id);
      cached = { version, client: this.create(apiKey, account.endpoints, null) };
      this.byAccount.set(account.id, cached);
    }
    return cached.client.withOrg(scope.orgId);
  }

  forget(accountId: string): void {
    this.byAccount.delete(accountId);
  }

  /** Aborts every in-flight request (after the shutdown grace has passed). */
  abortAll(): void {
    this.shutdown.abort(new Error("shutting down"));
  }

  onApplicationShutdown(): void {
    this.abortAll();
    this.byAccount.clear();
  }
}
