import type { Account, AccountPatch, NewAccount, Scope } from "../model/account.js";

/**
 * Accounts, their scopes and their secrets. The API key is encrypted at rest by the implementation
 * and leaves it only through {@link AccountPort.revealApiKey}, for the sync's client.
 */
export interface AccountPort {
  createAccount(account: NewAccount, apiKey: string, at: Date): Promise<Account>;
  updateAccount(id: string, patch: AccountPatch, at: Date, apiKey?: string): Promise<Account>;
  getAccount(id: string): Promise<Account | null>;
  listAccounts(): Promise<Account[]>;
  /** Deletes the account and wipes its secret; `purge` also removes everything synced for its scopes. */
  removeAccount(id: string, options: { purge: boolean }): Promise<void>;
  revealApiKey(accountId: string): Promise<string>;

  listScopes(accountId?: string): Promise<Scope[]>;
  getScope(scopeId: string): Promise<Scope | null>;
  /** Makes the account's scopes exactly `scopes` (an MSP's orgs change over time): others are disabled. */
  replaceScopes(accountId: string, scopes: readonly Omit<Scope, "id" | "accountId" | "enabled">[]): Promise<Scope[]>;
}

export interface AuditEntry {
  readonly at: Date;
  /** Who: a named API token, `cli`, or `system`. */
  readonly actor: string;
  /** e.g. `account.create`, `account.update`, `account.remove`, `scope.force-snapshot`, later `user.suspend`. */
  readonly action: string;
  readonly target: string;
  /** `accepted`: queued to be done (an action); `previewed`: a dry run, nothing changed. */
  readonly outcome: "succeeded" | "failed" | "refused" | "accepted" | "previewed";
  /** Free-form details; never a secret. */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface AuditPort {
  record(entry: AuditEntry): Promise<void>;
  list(query: AuditQuery): Promise<{ items: (AuditEntry & { id: string })[]; nextCursor: string | null }>;
}

/** Newest first; every filter is optional and they combine with AND. */
export interface AuditQuery {
  readonly target?: string;
  /** An exact action (`user.suspend`) or a prefix ending in `.` (`user.`). */
  readonly action?: string;
  readonly actor?: string;
  readonly outcome?: AuditEntry["outcome"];
  /** Entries at or after this instant. */
  readonly since?: Date;
  readonly cursor?: string;
  readonly limit: number;
}

export interface ApiToken {
  readonly id: string;
  readonly name: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Named bearer tokens for the HTTP API's consumers; stored hashed, shown once at creation. */
export interface ApiTokenPort {
  createToken(name: string, at: Date): Promise<{ token: ApiToken; secret: string }>;
  revokeToken(idOrName: string, at: Date): Promise<boolean>;
  listTokens(): Promise<ApiToken[]>;
  /** The live token with this secret, or null. */
  verifyToken(secret: string): Promise<ApiToken | null>;
}
