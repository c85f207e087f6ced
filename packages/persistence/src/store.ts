import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MikroORM } from "@mikro-orm/core";
import type {
  AccountPort,
  ActionPort,
  ApiTokenPort,
  AuditPort,
  CursorPort,
  DirectoryQueryPort,
  DirectoryStorePort,
  InventoryStorePort,
  LeasePort,
  MdmQueryPort,
  MdmStorePort,
  SyncRunPort,
} from "@jumpcloud-sync/domain";
import { mikroOrmConfig, type StoreConfig } from "./config.js";
import { Db } from "./db.js";
import { AccountRepository } from "./repositories/account.repository.js";
import { ActionsRepository } from "./repositories/actions.repository.js";
import { ApiTokenRepository } from "./repositories/api-token.repository.js";
import { AuditRepository } from "./repositories/audit.repository.js";
import { CursorRepository } from "./repositories/cursor.repository.js";
import { DirectoryQueryRepository } from "./repositories/directory-query.repository.js";
import { DirectoryStoreRepository } from "./repositories/directory-store.repository.js";
import { InventoryStoreRepository } from "./repositories/inventory-store.repository.js";
import { LeaseRepository } from "./repositories/lease.repository.js";
import { MdmQueryRepository } from "./repositories/mdm-query.repository.js";
import { MdmStoreRepository } from "./repositories/mdm-store.repository.js";
import { SyncRunRepository } from "./repositories/sync-run.repository.js";
import { SecretBox } from "./secret-box.js";

export interface Store {
  /** For `@mikro-orm/nestjs` or `em.fork()`; the repositories below fork it per call themselves. */
  readonly orm: MikroORM;
  readonly directory: DirectoryStorePort;
  readonly query: DirectoryQueryPort;
  /** MDM (devices, managed apps, installations): one atomic write per stream, the software-events cursor. */
  readonly mdm: MdmStorePort;
  readonly mdmQuery: MdmQueryPort;
  /** The `inventory` stream (System Insights): inventory installation rows and device inventory statuses. */
  readonly inventory: InventoryStorePort;
  readonly cursors: CursorPort;
  readonly leases: LeasePort;
  readonly runs: SyncRunPort;
  readonly accounts: AccountPort;
  readonly audit: AuditPort;
  readonly tokens: ApiTokenPort;
  /** `ActionPort`: the queue of accepted actions, idempotency records, the store's reflection of a done action. */
  readonly actions: ActionPort;
  /** Applies pending migrations (openStore already did). */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  health(): Promise<boolean>;
  close(): Promise<void>;
  /** Re-encrypts every stored API key not yet on the current `secretKey`; returns how many. */
  rotateSecretKey(): Promise<number>;
}

/**
 * Opens the store: validates the secret key first (a missing or short key fails here, before any
 * connection), connects, and applies pending migrations.
 */
export async function openStore(config: StoreConfig): Promise<Store> {
  // Constructed for its validation: a bad key fails before anything connects.
  new SecretBox(config.secretKey, config.previousSecretKeys);
  await prepareDatabase(config);
  const orm = await MikroORM.init(mikroOrmConfig(config));
  try {
    return await storeOnOrm(orm, config, { ownsOrm: true });
  } catch (error) {
    await orm.close(true);
    throw error;
  }
}

/**
 * What must exist before an ORM built from {@link mikroOrmConfig} connects: the PostgreSQL schema,
 * the SQLite file's folder. Call it before `MikroORM.init` (or `MikroOrmModule.forRootAsync`)
 * when the ORM is initialised elsewhere.
 */
export async function prepareDatabase(config: StoreConfig): Promise<void> {
  new SecretBox(config.secretKey, config.previousSecretKeys);
  if (config.driver === "postgresql" && config.schema !== undefined) await ensureSchema(config);
  if (config.driver === "sqlite" && config.dbName !== undefined && config.dbName !== ":memory:") mkdirSync(dirname(config.dbName), { recursive: true });
}

/**
 * The store over an ORM initialised elsewhere from `mikroOrmConfig(config)` (e.g. by
 * `@mikro-orm/nestjs`), after {@link prepareDatabase}; applies pending migrations. With
 * `ownsOrm: false`, `close()` leaves the ORM to its owner.
 */
export async function storeOnOrm(orm: MikroORM, config: StoreConfig, options: { ownsOrm: boolean }): Promise<Store> {
  const box = new SecretBox(config.secretKey, config.previousSecretKeys);
  const db = new Db(orm, config.driver);
  if (config.driver === "sqlite" && config.dbName !== ":memory:") {
    // WAL lets readers (the HTTP API) run while a sync writes; NORMAL is durable at checkpoints.
    await db.session(async (s) => {
      await s.all("pragma journal_mode = wal");
      await s.run("pragma synchronous = normal");
    });
  }
  await orm.migrator.up();
  const accounts = new AccountRepository(db, box);
  return {
    orm,
    directory: new DirectoryStoreRepository(db),
    query: new DirectoryQueryRepository(db),
    mdm: new MdmStoreRepository(db),
    mdmQuery: new MdmQueryRepository(db),
    inventory: new InventoryStoreRepository(db),
    cursors: new CursorRepository(db),
    leases: new LeaseRepository(db),
    runs: new SyncRunRepository(db),
    accounts,
    audit: new AuditRepository(db),
    tokens: new ApiTokenRepository(db),
    actions: new ActionsRepository(db),
    migrate: async () => {
      await orm.migrator.up();
    },
    health: async () => {
      try {
        await db.session((s) => s.all("select 1 as ok"));
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      if (options.ownsOrm) await orm.close(true);
    },
    rotateSecretKey: () => accounts.rotateSecretKey(),
  };
}

/** The schema must exist before the pool's `search_path` can point at it. */
async function ensureSchema(config: StoreConfig): Promise<void> {
  const { schema: _schema, ...rest } = config;
  const orm = await MikroORM.init({ ...mikroOrmConfig(rest), entities: [], discovery: { warnWhenNoEntities: false } });
  try {
    await orm.em.getConnection().execute(`create schema if not exists "${config.schema}"`);
  } finally {
    await orm.close(true);
  }
}
