// The same suite runs on both backends: SQLite in a file of a temporary folder, and a real
// PostgreSQL server (JCS_TEST_PG_URL) in a database created for the test file.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { openStore, type Store, type StoreConfig } from "../../src/index.js";
import { createTestDatabase, pgUrl, tempDir, type TempDir, type TestDatabase } from "./databases.js";

export const TEST_KEY = randomBytes(32).toString("base64");

export interface Backend {
  readonly name: "sqlite" | "postgresql";
  /** Why this backend cannot run here (locally, without a server); under CI it never is. */
  readonly unavailable: string | null;
  /** Creates the file's database. */
  setup(): Promise<void>;
  /** The store config for the file's database (open it as often as needed: same data). */
  config(extra?: Partial<StoreConfig>): StoreConfig;
  open(extra?: Partial<StoreConfig>): Promise<Store>;
  teardown(): Promise<void>;
}

export function backends(label: string): Backend[] {
  return [sqliteBackend(label), postgresBackend(label)];
}

function sqliteBackend(label: string): Backend {
  let dir: TempDir | undefined;
  const config = (extra: Partial<StoreConfig> = {}): StoreConfig => {
    if (dir === undefined) throw new Error("setup() first");
    return { driver: "sqlite", dbName: join(dir.path, "store.sqlite"), secretKey: TEST_KEY, ...extra };
  };
  return {
    name: "sqlite",
    unavailable: null,
    setup: async () => {
      dir = tempDir(label);
    },
    config,
    open: (extra) => openStore(config(extra)),
    teardown: async () => dir?.remove(),
  };
}

function postgresBackend(label: string): Backend {
  let db: TestDatabase | undefined;
  const missing = pgUrl() === undefined;
  const ci = process.env["CI"] === "true" || process.env["CI"] === "1";
  const config = (extra: Partial<StoreConfig> = {}): StoreConfig => {
    if (db === undefined) throw new Error("setup() first");
    return { driver: "postgresql", url: db.url, secretKey: TEST_KEY, ...extra };
  };
  return {
    name: "postgresql",
    // Under CI a missing server is a failure (setup throws), never a silent skip.
    unavailable: missing && !ci ? "JCS_TEST_PG_URL is not set; run `source .ci/postgres.sh && PGPORT=55439 start_postgres` to include PostgreSQL" : null,
    setup: async () => {
      if (missing) throw new Error("CI=true but JCS_TEST_PG_URL is not set: the PostgreSQL half of the suite must run in CI");
      db = await createTestDatabase(label);
    },
    config,
    open: (extra) => openStore(config(extra)),
    teardown: async () => {
      await db?.drop();
    },
  };
}
