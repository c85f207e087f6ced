import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import {
  resolveEndpoints,
  type Account,
  type AccountPatch,
  type Clock,
  type Endpoints,
  type Permission,
  type Region,
  type Scope,
  type StreamStatus,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { ScopeRuns } from "../sync/scope-runs.js";
import { AccountError, validateKey, type ValidatedKey } from "./account-validation.js";

export interface AddAccountInput {
  readonly name: string;
  readonly apiKey: string;
  readonly orgId?: string | null;
  /** MSP key: one scope per managed organization. */
  readonly allOrgs?: boolean;
  readonly region?: Region | null;
  /** Custom endpoints (a proxy, the stand-in); win over the region. */
  readonly endpoints?: Partial<Endpoints>;
  readonly permission?: Permission;
  readonly scheduleMinutes?: number;
}

export interface UpdateAccountInput {
  readonly name?: string;
  readonly apiKey?: string;
  readonly orgId?: string | null;
  readonly region?: Region | null;
  readonly endpoints?: Partial<Endpoints>;
  readonly permission?: Permission;
  readonly scheduleMinutes?: number;
}

/** An account as the CLI and the HTTP API show it: never the key. */
export interface AccountView {
  readonly account: Account;
  readonly scopes: readonly (Scope & { readonly streams: readonly StreamStatus[] })[];
}

/** Who asked: `cli`, a named API token, `system`. Recorded in every audit entry. */
export type Actor = string;

@Injectable()
export class AccountsService {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly clients: JumpCloudClients,
    private readonly runs: ScopeRuns,
  ) {}

  async add(input: AddAccountInput, actor: Actor): Promise<AccountView> {
    const name = input.name.trim();
    const target = `account:${name}`;
    try {
      if (name === "") throw new AccountError("invalid-input", "An account needs a name.");
      if (input.apiKey.trim() === "") throw new AccountError("invalid-input", "The API key is empty.");
      if (input.allOrgs === true && input.orgId !== undefined && input.orgId !== null) {
        throw new AccountError("invalid-input", "Pass either --org-id (one organization) or --all-orgs (every managed organization), not both.");
      }
      const scheduleMinutes = input.scheduleMinutes ?? this.config.sync.defaultScheduleMinutes;
      if (!Number.isInteger(scheduleMinutes) || scheduleMinutes < 1) throw new AccountError("invalid-input", "The schedule must be a whole number of minutes, at least 1.");
      const region = input.endpoints?.consoleBaseUrl !== undefined ? (input.region ?? null) : (input.region ?? "us");
      const endpoints = resolveEndpoints(region, input.endpoints);
      const validated = await this.validate(input.apiKey.trim(), endpoints, input.orgId ?? null, input.allOrgs === true);

      const now = this.clock.now();
      const account = await this.store.accounts.createAccount(
        { name, region, endpoints, permission: input.permission ?? "read", orgId: validated.orgId, multiTenant: validated.multiTenant, scheduleMinutes },
        input.apiKey.trim(),
        now,
      );
      const scopes = await this.store.accounts.replaceScopes(account.id, validated.scopes);
      await this.audit(actor, "account.create", `account:${account.id}`, "succeeded", {
        name,
        region,
        endpoints,
        orgId: validated.orgId,
        multiTenant: validated.multiTenant,
        scopes: scopes.map((s) => s.id),
      });
      this.logger.info({ accountId: account.id, scopes: scopes.length, actor }, "account added");
      return { account, scopes: scopes.map((s) => ({ ...s, streams: [] })) };
    } catch (error) {
      await this.audit(actor, "account.create", target, error instanceof AccountError ? "refused" : "failed", { reason: errorMessage(error) });
      throw error;
    }
  }

  async update(id: string, input: UpdateAccountInput, actor: Actor): Promise<AccountView> {
    const current = await this.require(id);
    const patch: { -readonly [K in keyof AccountPatch]: AccountPatch[K] } = {};
    if (input.name !== undefined) patch.name = input.name.trim();
    if (input.permission !== undefined) patch.permission = input.permission;
    if (input.scheduleMinutes !== undefined) {
      if (!Number.isInteger(input.scheduleMinutes) || input.scheduleMinutes < 1) throw new AccountError("invalid-input", "The schedule must be a whole number of minutes, at least 1.");
      patch.scheduleMinutes = input.scheduleMinutes;
    }
    const connectionChanged = input.apiKey !== undefined || input.orgId !== undefined || input.region !== undefined || input.endpoints !== undefined;
    let validated: ValidatedKey | null = null;
    try {
      if (connectionChanged) {
        const region = input.region !== undefined ? input.region : current.region;
        const endpoints = input.endpoints !== undefined || input.region !== undefined ? resolveEndpoints(region, { ...(input.region !== undefined ? {} : current.endpoints), ...input.endpoints }) : current.endpoints;
        const orgId = input.orgId !== undefined ? input.orgId : current.orgId;
        const apiKey = input.apiKey?.trim() ?? (await this.store.accounts.revealApiKey(id));
        validated = await this.validate(apiKey, endpoints, orgId, current.multiTenant);
        patch.region = region;
        patch.endpoints = endpoints;
        patch.orgId = validated.orgId;
      }
      const account = await this.store.accounts.updateAccount(id, patch, this.clock.now(), input.apiKey?.trim());
      if (validated !== null) await this.store.accounts.replaceScopes(id, validated.scopes);
      this.clients.forget(id);
      await this.audit(actor, "account.update", `account:${id}`, "succeeded", { changed: Object.keys(patch), keyReplaced: input.apiKey !== undefined });
      return this.view(account);
    } catch (error) {
      await this.audit(actor, "account.update", `account:${id}`, error instanceof AccountError ? "refused" : "failed", { reason: errorMessage(error) });
      throw error;
    }
  }

  async pause(id: string, actor: Actor): Promise<AccountView> {
    await this.require(id);
    const account = await this.store.accounts.updateAccount(id, { paused: true }, this.clock.now());
    // Running syncs of the account stop at their next checkpoint (nothing half-applied).
    await this.runs.cancelAccount(id, "account paused");
    await this.audit(actor, "account.pause", `account:${id}`, "succeeded", {});
    return this.view(account);
  }

  async resume(id: string, actor: Actor): Promise<AccountView> {
    await this.require(id);
    const account = await this.store.accounts.updateAccount(id, { paused: false }, this.clock.now());
    await this.audit(actor, "account.resume", `account:${id}`, "succeeded", {});
    return this.view(account);
  }

  /** Removes the account and wipes its key; `purge` also deletes everything synced for its scopes. */
  async remove(id: string, options: { purge: boolean }, actor: Actor): Promise<void> {
    const account = await this.require(id);
    await this.runs.cancelAccount(id, "account removed");
    this.clients.forget(id);
    await this.store.accounts.removeAccount(id, { purge: options.purge });
    await this.audit(actor, "account.remove", `account:${id}`, "succeeded", { name: account.name, purge: options.purge });
    this.logger.info({ accountId: id, purge: options.purge, actor }, "account removed");
  }

  async list(): Promise<AccountView[]> {
    const accounts = await this.store.accounts.listAccounts();
    return Promise.all(accounts.map((a) => this.view(a)));
  }

  async get(id: string): Promise<AccountView> {
    return this.view(await this.require(id));
  }

  /**
   * An MSP key's managed organizations change over time: re-lists them and makes the scopes match
   * (scopes of orgs no longer managed are disabled, their data kept).
   */
  async refreshScopes(account: Account): Promise<Scope[]> {
    if (!account.multiTenant) return this.store.accounts.listScopes(account.id);
    const apiKey = await this.store.accounts.revealApiKey(account.id);
    const validated = await this.validate(apiKey, account.endpoints, null, true);
    return this.store.accounts.replaceScopes(account.id, validated.scopes);
  }

  private async validate(apiKey: string, endpoints: Endpoints, orgId: string | null, allOrgs: boolean): Promise<ValidatedKey> {
    const client = this.clients.create(apiKey, endpoints, null);
    return validateKey({ client, consoleBaseUrl: endpoints.consoleBaseUrl, orgId, allOrgs });
  }

  private async view(account: Account): Promise<AccountView> {
    const scopes = await this.store.accounts.listScopes(account.id);
    const withStreams = await Promise.all(scopes.map(async (s) => ({ ...s, streams: await this.store.runs.listStreamStatuses(s.id) })));
    return { account, scopes: withStreams };
  }

  private async require(id: string): Promise<Account> {
    const account = await this.store.accounts.getAccount(id);
    if (account === null) throw new AccountError("not-found", `No account ${id}. List them with \`jumpcloud-sync accounts list\`.`);
    return account;
  }

  private async audit(actor: Actor, action: string, target: string, outcome: "succeeded" | "failed" | "refused", details: Record<string, unknown>): Promise<void> {
    try {
      await this.store.audit.record({ at: this.clock.now(), actor, action, target, outcome, details });
    } catch (error) {
      this.logger.error({ err: error, action, target }, "could not write the audit entry");
    }
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
