import "reflect-metadata";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createServiceApp } from "../bootstrap.js";
import { parseConfig } from "../config/index.js";
import { createLogger } from "../logging/index.js";
import { buildOpenApiDocument } from "./openapi.js";

/** The committed document, at the package root. */
export const OPENAPI_FILE = fileURLToPath(new URL("../../openapi.json", import.meta.url));

/**
 * Builds the document from the real app (every module, nothing listening, no scheduler) on a
 * throwaway SQLite file: Nest resolves the providers before Swagger can scan the routes.
 */
export async function generateOpenApiJson(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "jcs-openapi-"));
  try {
    const config = parseConfig({}, { JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: join(dir, "openapi.sqlite"), JCS_SECRET_KEY: randomBytes(32).toString("base64"), JCS_LOG_LEVEL: "silent" });
    const app = await createServiceApp({ config, logger: createLogger({ level: "silent" }), schedule: false });
    try {
      return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const json = await generateOpenApiJson();
  if (argv.includes("--check")) {
    let committed = "";
    try {
      committed = readFileSync(OPENAPI_FILE, "utf8");
    } catch {
      // missing counts as different
    }
    if (committed !== json) {
      process.stderr.write(`${OPENAPI_FILE} is out of date with the API's routes and schemas: run \`pnpm --filter @jumpcloud-sync/sync-service generate:openapi\` and commit it.\n`);
      return 1;
    }
    process.stdout.write("openapi.json is up to date\n");
    return 0;
  }
  writeFileSync(OPENAPI_FILE, json);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
