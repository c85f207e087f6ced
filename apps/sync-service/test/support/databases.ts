import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store, type StoreConfig } from "@jumpcloud-sync/persistence";

export type TestDatabase = "sqlite" | "postgresql";

export function newSecretKey(): string {
  return randomBytes(32).toString("base64");
}

function pgUrl(): string | null {
  const url = process.env.JCS_TEST_PG_URL;
  return url === undefined || url === "" ? null : url;
}

/**
 * The databases a suite runs on: SQLite always; PostgreSQL when JCS_TEST_PG_URL names a server
 * (`source .ci/postgres.sh && start_postgres`). Under CI a missing server fails instead of
 * skipping, so that the PostgreSQL half cannot silently disappear.
 */
export function testDatabases(suite: string): { name: TestDatabase; skip: boolean }[] {
  const ci = process.env.CI === "true" || process.env.CI === "1";
  if (ci && pgUrl() === null) throw new Error(`CI: JCS_TEST_PG_URL is not set, but the ${suite} must also run on PostgreSQL`);
  return [
    { name: "sqlite", skip: false },
    { name: "postgresql", skip: pgUrl() === null },
  ];
}

/** The service's JCS_DB_* variables for a database (SQLite file, or a PostgreSQL schema). */
function databaseEnv(kind: TestDatabase, where: { dbPath: string; schema: string }): Record<string, string> {
  return kind === "sqlite"
    ? { JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: where.dbPath }
    : { JCS_DB_DRIVER: "postgresql", JCS_DATABASE_URL: pgUrl() ?? "", JCS_DB_SCHEMA: where.schema };
}

/** Drops a PostgreSQL schema (and everything in it) through a store's connection. */
async function dropSchema(store: { orm: { em: { getConnection(): { execute(sql: string): Promise<unknown> } } } }, schema: string): Promise<void> {
  await store.orm.em.getConnection().execute(`drop schema if exists "${schema}" cascade`);
}

/**
 * A fresh, empty database for one test: a SQLite file in a temporary folder, or a schema of its
 * own on the PostgreSQL server. `env` configures the service (in process or a CLI child),
 * `open()` a store of the test's own on it; `drop()` removes it all (after every service on it
 * has closed).
 */
export interface TestDb {
  readonly kind: TestDatabase;
  readonly secretKey: string;
  readonly env: Record<string, string>;
  readonly storeConfig: StoreConfig;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

export function createTestDb(kind: TestDatabase, secretKey = newSecretKey()): TestDb {
  const dir = mkdtempSync(join(tmpdir(), "jcs-test-"));
  const dbPath = join(dir, "jcs.sqlite");
  const schema = `jcs_t_${randomBytes(6).toString("hex")}`;
  const storeConfig: StoreConfig = kind === "sqlite" ? { driver: "sqlite", dbName: dbPath, secretKey } : { driver: "postgresql", url: pgUrl() ?? "", schema, secretKey };
  let dropped = false;
  return {
    kind,
    secretKey,
    env: { ...databaseEnv(kind, { dbPath, schema }), JCS_SECRET_KEY: secretKey },
    storeConfig,
    open: () => openStore(storeConfig),
    async drop() {
      if (dropped) return;
      dropped = true;
      if (kind === "postgresql") {
        const store = await openStore(storeConfig);
        try {
          await dropSchema(store, schema);
          // pg-boss's own schema, installed beside the store's by the replicas' coordinator.
          await dropSchema(store, `${schema}_pgboss`);
        } finally {
          await store.close();
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
