import { fileURLToPath } from "node:url";
import type { Options } from "@mikro-orm/core";
import { Migrator } from "@mikro-orm/migrations";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";
import { SqliteDriver } from "@mikro-orm/sqlite";
import { entities } from "./entities.js";
import { postgresqlMigrations } from "./migrations/postgresql/index.js";
import { sqliteMigrations } from "./migrations/sqlite/index.js";

export type Dialect = "sqlite" | "postgresql";

export interface StoreConfig {
  readonly driver: Dialect;
  /** SQLite: a file path, or `:memory:`. */
  readonly dbName?: string;
  /** PostgreSQL: `postgresql://user:password@host:port/database`. */
  readonly url?: string;
  /** PostgreSQL schema to live in (created when missing); used for test isolation. */
  readonly schema?: string;
  /** 32-byte key, base64 or hex, for AES-256-GCM of the accounts' API keys. */
  readonly secretKey: string;
  /** Keys that may still have encrypted stored API keys: decrypt with them, re-encrypt with `secretKey`. */
  readonly previousSecretKeys?: readonly string[];
  /** Logs queries (never their parameters: those may hold ciphertext). */
  readonly debug?: boolean;
  /** Where MikroORM's log lines go (default: console.log), e.g. a pino logger's `info`. */
  readonly logger?: (message: string) => void;
}

/** Where `scripts/migration-create.ts` writes each dialect's migrations (and their snapshot). */
export function migrationsPath(dialect: Dialect, root: "src" | "dist" = "src"): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  return `${here}/../${root}/migrations/${dialect}`;
}

const MIGRATIONS = {
  tableName: "mikro_orm_migrations",
  silent: true,
  // The snapshot is written by `migration:create` only: a running service must not write files.
  snapshotOnMigrate: false,
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/u;

/**
 * The MikroORM options of a store, for `MikroORM.init`, `@mikro-orm/nestjs`'s `forRoot` and the
 * CLI. Migrations come from a committed list (not a folder glob) so that they load the same from
 * `src/` under vitest and from `dist/` in production.
 */
export function mikroOrmConfig(config: StoreConfig): Partial<Options> {
  const common = {
    entities: [...entities],
    extensions: [Migrator],
    debug: config.debug === true ? (["query"] as ["query"]) : false,
    ...(config.logger === undefined ? {} : { logger: config.logger }),
    // Every repository call forks its own EntityManager; a global one would be a leak.
    allowGlobalContext: false,
  };
  switch (config.driver) {
    case "sqlite": {
      const dbName = config.dbName ?? "jumpcloud-sync.sqlite";
      return {
        ...common,
        driver: SqliteDriver,
        dbName,
        migrations: { ...MIGRATIONS, path: migrationsPath("sqlite"), snapshotName: ".snapshot-sqlite", migrationsList: sqliteMigrations },
      };
    }
    case "postgresql": {
      if (config.url === undefined || config.url === "") throw new Error("StoreConfig: `url` is required for the postgresql driver");
      if (config.schema !== undefined && !SCHEMA_NAME.test(config.schema)) {
        throw new Error(`StoreConfig: schema must match ${String(SCHEMA_NAME)}`);
      }
      return {
        ...common,
        driver: PostgreSqlDriver,
        clientUrl: config.url,
        ...(config.schema === undefined
          ? {}
          : {
              schema: config.schema,
              // Unqualified SQL (migrations, the repositories' statements) lands in the schema too.
              driverOptions: { options: `-c search_path=${config.schema}` },
            }),
        migrations: {
          ...MIGRATIONS,
          path: migrationsPath("postgresql"),
          snapshotName: ".snapshot-postgresql",
          migrationsList: postgresqlMigrations,
          ...(config.schema === undefined ? {} : { schema: config.schema }),
        },
      };
    }
  }
}
