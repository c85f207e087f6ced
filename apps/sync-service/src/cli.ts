#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=20
// V8 options: see SERVICE_NODE_FLAGS in node-flags.ts (kept equal by node-flags.test.ts).
import "reflect-metadata";
import { ConfigError } from "./config/index.js";
import { AccountError } from "./accounts/account-validation.js";
import { ACCOUNTS_USAGE, accountsCommand } from "./cli/accounts.command.js";
import { ACTIONS_USAGE, actionsCommand } from "./cli/actions.command.js";
import { APPS_USAGE, appsCommand } from "./cli/apps.command.js";
import { UsageError } from "./cli/args.js";
import { DEMO_USAGE } from "./cli/demo-usage.js";
import type { demoCommand as DemoCommand } from "./demo/demo.command.js";
import { serve } from "./cli/serve.js";
import { SYNC_USAGE, scopesCommand, syncCommand } from "./cli/sync.command.js";
import { TOKENS_USAGE, tokensCommand } from "./cli/tokens.command.js";

const USAGE = `jumpcloud-sync <command>

  demo                      full sync of a demo organization served by the local stand-in, into SQLite
  accounts add|list|update|pause|resume|remove
  sync [--scope <id> | --all] [--once]
  scopes force-snapshot <scope-id>
  tokens create|revoke|list  named API tokens for the HTTP API
  actions create|suspend|activate|unsuspend|delete|list|work   act on JumpCloud users (--dry-run)
  apps list|reclaim         canonical apps across sources; license reclaim (--days n, --csv)
  serve                     HTTP + scheduler (same as \`node dist/main.js\`)

${ACCOUNTS_USAGE}

${SYNC_USAGE}

${TOKENS_USAGE}

${ACTIONS_USAGE}

${APPS_USAGE}

${DEMO_USAGE}

Configuration comes from JCS_* environment variables (see README.md).`;

async function main(argv: string[]): Promise<number> {
  // `pnpm run cli -- <command>` passes the `--` through.
  const [command, ...rest] = argv[0] === "--" ? argv.slice(1) : argv;
  switch (command ?? "") {
    case "demo":
      return runDemo(rest);
    case "accounts":
      return accountsCommand(rest);
    case "sync":
      return syncCommand(rest);
    case "scopes":
      return scopesCommand(rest);
    case "tokens":
      return tokensCommand(rest);
    case "apps":
      return appsCommand(rest);
    case "actions":
      return actionsCommand(rest);
    case "serve":
      return serve();
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 64;
  }
}

/**
 * The demo needs the stand-in, a dev dependency: it is loaded only for `demo`, so `serve`, `sync`
 * and the other commands run from a production install (`pnpm install --prod`) without it.
 */
async function runDemo(argv: string[]): Promise<number> {
  let demoCommand: typeof DemoCommand;
  try {
    ({ demoCommand } = await import("./demo/demo.command.js"));
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND" && String(error).includes("jumpcloud-sim")) {
      throw new UsageError("the demo needs the JumpCloud stand-in, a dev dependency: run it from a full install (`pnpm install`, not --prod)");
    }
    throw error;
  }
  return demoCommand(argv);
}

try {
  process.exitCode ??= await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`jumpcloud-sync: ${error.message}\n`);
    process.exitCode = 64;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`jumpcloud-sync: ${error.message}\n`);
    process.exitCode = 78;
  } else if (error instanceof AccountError) {
    process.stderr.write(`jumpcloud-sync: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`jumpcloud-sync: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
