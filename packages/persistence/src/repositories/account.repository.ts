import { randomUUID } from "node:crypto";
import { scopeIdOf, type Account, type AccountPatch, type AccountPort, type NewAccount, type Permission, type Region, type Scope } from "@jumpcloud-sync/domain";
import { str, strOrNull, toBool, toDate, type Db, type Param, type Session } from "../db.js";
import type { SecretBox } from "../secret-box.js";
import { purgeScopeData } from "./directory-store.repository.js";

// The columns a read model may see: the ciphertext is never selected outside revealApiKey/rotation.
const ACCOUNT_COLUMNS =
  "id, name, region, console_base_url, insights_base_url, permission, org_id, multi_tenant, paused, schedule_minutes, created_at, updated_at";

export class AccountNotFoundError extends Error {
  override readonly name = "AccountNotFoundError";
  constructor(id: string) {
    super(`account ${id} does not exist`);
  }
}

export class AccountRepository implements AccountPort {
  readonly #db: Db;
  readonly #box: SecretBox;

  constructor(db: Db, box: SecretBox) {
    this.#db = db;
    this.#box = box;
  }

  async createAccount(account: NewAccount, apiKey: string, at: Date): Promise<Account> {
    requireApiKey(apiKey);
    const id = randomUUID();
    const secret = this.#box.encrypt(apiKey, id);
    await this.#db.session((s) =>
      s.run(
        `insert into account (id, name, region, console_base_url, insights_base_url, permission, org_id, multi_tenant, paused,
           schedule_minutes, api_key_ciphertext, api_key_key_id, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          account.name,
          account.region,
          account.endpoints.consoleBaseUrl,
          account.endpoints.insightsBaseUrl,
          account.permission,
          account.orgId,
          account.multiTenant,
          false,
          account.scheduleMinutes,
          secret.ciphertext,
          secret.keyId,
          at,
          at,
        ],
      ),
    );
    return { id, ...account, paused: false, createdAt: at, updatedAt: at };
  }

  async updateAccount(id: string, patch: AccountPatch, at: Date, apiKey?: string): Promise<Account> {
    const sets: string[] = [];
    const params: Param[] = [];
    const set = (column: string, value: Param): void => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (patch.name !== undefined) set("name", patch.name);
    if (patch.region !== undefined) set("region", patch.region);
    if (patch.endpoints !== undefined) {
      set("console_base_url", patch.endpoints.consoleBaseUrl);
      set("insights_base_url", patch.endpoints.insightsBaseUrl);
    }
    if (patch.permission !== undefined) set("permission", patch.permission);
    if (patch.orgId !== undefined) set("org_id", patch.orgId);
    if (patch.paused !== undefined) set("paused", patch.paused);
    if (patch.scheduleMinutes !== undefined) set("schedule_minutes", patch.scheduleMinutes);
    if (apiKey !== undefined) {
      requireApiKey(apiKey);
      const secret = this.#box.encrypt(apiKey, id);
      set("api_key_ciphertext", secret.ciphertext);
      set("api_key_key_id", secret.keyId);
    }
    set("updated_at", at);
    return this.#db.tx(async (s) => {
      const n = await s.run(`update account set ${sets.join(", ")} where id = ?`, [...params, id]);
      if (n === 0) throw new AccountNotFoundError(id);
      const account = await getAccount(s, id);
      if (account === null) throw new AccountNotFoundError(id);
      return account;
    });
  }

  async getAccount(id: string): Promise<Account | null> {
    return this.#db.session((s) => getAccount(s, id));
  }

  async listAccounts(): Promise<Account[]> {
    const rows = await this.#db.session((s) => s.all(`select ${ACCOUNT_COLUMNS} from account order by created_at, id`));
    return rows.map(accountFromRow);
  }

  async removeAccount(id: string, options: { purge: boolean }): Promise<void> {
    await this.#db.tx(async (s) => {
      // Overwrite first: the row's old bytes are then not the ciphertext (SQLite/PG keep dead tuples a while).
      await s.run(`update account set api_key_ciphertext = null, api_key_key_id = null where id = ?`, [id]);
      const n = await s.run(`delete from account where id = ?`, [id]);
      if (n === 0) throw new AccountNotFoundError(id);
      const scopes = await s.all(`select id from scope where account_id = ?`, [id]);
      if (options.purge) {
        for (const scope of scopes) await purgeScopeData(s, str(scope["id"]));
        await s.run(`delete from scope where account_id = ?`, [id]);
      } else {
        // The synced history stays readable; nothing syncs it any more.
        await s.run(`update scope set enabled = ? where account_id = ?`, [false, id]);
      }
    });
  }

  async revealApiKey(accountId: string): Promise<string> {
    const row = await this.#db.session((s) => s.get(`select api_key_ciphertext from account where id = ?`, [accountId]));
    if (row === undefined) throw new AccountNotFoundError(accountId);
    const ciphertext = strOrNull(row["api_key_ciphertext"]);
    if (ciphertext === null) throw new Error(`account ${accountId} has no API key`);
    return this.#box.decrypt(ciphertext, accountId);
  }

  /** Re-encrypts every API key not on the current key; returns how many were rewritten. */
  async rotateSecretKey(): Promise<number> {
    return this.#db.tx(async (s) => {
      const rows = await s.all(`select id, api_key_ciphertext from account where api_key_ciphertext is not null and (api_key_key_id is null or api_key_key_id <> ?)`, [
        this.#box.currentKeyId,
      ]);
      for (const row of rows) {
        const id = str(row["id"]);
        const secret = this.#box.encrypt(this.#box.decrypt(str(row["api_key_ciphertext"]), id), id);
        await s.run(`update account set api_key_ciphertext = ?, api_key_key_id = ? where id = ?`, [secret.ciphertext, secret.keyId, id]);
      }
      return rows.length;
    });
  }

  async listScopes(accountId?: string): Promise<Scope[]> {
    const rows = await this.#db.session((s) =>
      accountId === undefined ? s.all(`select * from scope order by account_id, id`) : s.all(`select * from scope where account_id = ? order by id`, [accountId]),
    );
    return rows.map(scopeFromRow);
  }

  async getScope(scopeId: string): Promise<Scope | null> {
    const row = await this.#db.session((s) => s.get(`select * from scope where id = ?`, [scopeId]));
    return row === undefined ? null : scopeFromRow(row);
  }

  async replaceScopes(accountId: string, scopes: readonly Omit<Scope, "id" | "accountId" | "enabled">[]): Promise<Scope[]> {
    return this.#db.tx(async (s) => {
      const account = await s.get(`select id from account where id = ?`, [accountId]);
      if (account === undefined) throw new AccountNotFoundError(accountId);
      const wanted = new Map(scopes.map((sc) => [scopeIdOf(accountId, sc.orgId), sc]));
      for (const [id, sc] of wanted) {
        await s.run(
          `insert into scope (id, account_id, org_id, org_name, enabled) values (?, ?, ?, ?, ?)
           on conflict (id) do update set org_name = excluded.org_name, enabled = excluded.enabled
           where scope.org_name is distinct from excluded.org_name or scope.enabled is distinct from excluded.enabled`,
          [id, accountId, sc.orgId, sc.orgName, true],
        );
      }
      const existing = await s.all(`select id from scope where account_id = ? and enabled = ?`, [accountId, true]);
      for (const row of existing) {
        const id = str(row["id"]);
        if (!wanted.has(id)) await s.run(`update scope set enabled = ? where id = ?`, [false, id]);
      }
      return (await s.all(`select * from scope where account_id = ? order by id`, [accountId])).map(scopeFromRow);
    });
  }
}

async function getAccount(s: Session, id: string): Promise<Account | null> {
  const row = await s.get(`select ${ACCOUNT_COLUMNS} from account where id = ?`, [id]);
  return row === undefined ? null : accountFromRow(row);
}

function requireApiKey(apiKey: string): void {
  if (apiKey.trim() === "") throw new Error("an account needs a non-empty API key");
}

function accountFromRow(r: Record<string, unknown>): Account {
  return {
    id: str(r["id"]),
    name: str(r["name"]),
    region: strOrNull(r["region"]) as Region | null,
    endpoints: { consoleBaseUrl: str(r["console_base_url"]), insightsBaseUrl: str(r["insights_base_url"]) },
    permission: str(r["permission"]) as Permission,
    orgId: strOrNull(r["org_id"]),
    multiTenant: toBool(r["multi_tenant"]),
    paused: toBool(r["paused"]),
    scheduleMinutes: Number(r["schedule_minutes"]),
    createdAt: toDate(r["created_at"]),
    updatedAt: toDate(r["updated_at"]),
  };
}

function scopeFromRow(r: Record<string, unknown>): Scope {
  return { id: str(r["id"]), accountId: str(r["account_id"]), orgId: strOrNull(r["org_id"]), orgName: strOrNull(r["org_name"]), enabled: toBool(r["enabled"]) };
}
