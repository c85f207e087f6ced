// Generates the next migration of each dialect from the entities (`pnpm run migration:create`).
// SQLite runs in memory; PostgreSQL needs JCS_TEST_PG_URL and works in a throwaway database.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { MikroORM } from "@mikro-orm/core";
import { migrationsPath, mikroOrmConfig, type Dialect, type StoreConfig } from "../src/config.js";
import { createTestDatabase } from "../test/support/databases.js";

const name = process.argv[2];

async function generate(dialect: Dialect, config: StoreConfig): Promise<void> {
  const orm = await MikroORM.init(mikroOrmConfig(config));
  try {
    await orm.migrator.up();
    const result = await orm.migrator.create(migrationsPath(dialect), false, false, name);
    console.log(result.fileName === "" ? `${dialect}: entities and migrations agree, nothing to generate` : `${dialect}: wrote ${result.fileName}`);
  } finally {
    await orm.close(true);
  }
  const dir = migrationsPath(dialect);
  const files = readdirSync(dir)
    .filter((f) => /^Migration\d+.*\.ts$/u.test(f))
    .sort();
  for (const file of files) {
    // The generator's classes lack `override`, which this repo's tsconfig requires.
    const path = `${dir}/${file}`;
    const text = readFileSync(path, "utf8").replace(/^(\s+)(override )?async (up|down)\(/gmu, "$1override async $3(");
    writeFileSync(path, text);
  }
  const exportName = `${dialect}Migrations`;
  const imports = files.map((f, i) => `import { ${classOf(dir, f)} as m${i} } from "./${f.replace(/\.ts$/u, ".js")}";`);
  const list = files.map((f, i) => `  { name: "${f.replace(/\.ts$/u, "")}", class: m${i} },`);
  writeFileSync(
    `${dir}/index.ts`,
    [
      `import type { MigrationObject } from "@mikro-orm/core";`,
      ...imports,
      "",
      "// Maintained by scripts/migration-create.ts: every migration of this folder, in order.",
      `export const ${exportName}: MigrationObject[] = [`,
      ...list,
      "];",
      "",
    ].join("\n"),
  );
}

function classOf(dir: string, file: string): string {
  const match = /export class (\w+)/u.exec(readFileSync(`${dir}/${file}`, "utf8"));
  if (match?.[1] === undefined) throw new Error(`no migration class in ${file}`);
  return match[1];
}

const secretKey = Buffer.alloc(32, 1).toString("base64");
await generate("sqlite", { driver: "sqlite", dbName: ":memory:", secretKey });
const pg = await createTestDatabase("migration_create");
try {
  await generate("postgresql", { driver: "postgresql", url: pg.url, secretKey });
} finally {
  await pg.drop();
}
