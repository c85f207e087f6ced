// Real databases for tests, scripts and the benchmark: a throwaway PostgreSQL database on the server
// at JCS_TEST_PG_URL, or a SQLite file in a temporary folder.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MikroORM } from "@mikro-orm/core";
import { PostgreSqlDriver } from "@mikro-orm/postgresql";

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export function pgUrl(): string | undefined {
  const url = process.env["JCS_TEST_PG_URL"];
  return url === undefined || url === "" ? undefined : url;
}

async function admin<T>(url: string, fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const orm = await MikroORM.init({ driver: PostgreSqlDriver, clientUrl: url, entities: [], discovery: { warnWhenNoEntities: false }, allowGlobalContext: true });
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

/** A fresh, uniquely named PostgreSQL database; `drop()` removes it. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const base = pgUrl();
  if (base === undefined) throw new Error("JCS_TEST_PG_URL is not set: start a server with `source .ci/postgres.sh && start_postgres`");
  const name = `jcs_${label.replace(/[^a-z0-9_]/giu, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
  await admin(base, (orm) => orm.em.getConnection().execute(`create database ${name}`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(base, (orm) => orm.em.getConnection().execute(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export interface TempDir {
  readonly path: string;
  remove(): void;
}

export function tempDir(label: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), `jcs-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
