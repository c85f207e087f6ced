import { readFileSync } from "node:fs";
import type { Endpoints, Permission, Region } from "@jumpcloud-sync/domain";
import { AccountsService } from "../accounts/accounts.service.js";
import { readNamedVariable } from "../config/index.js";
import { parse, intOption, UsageError, type ParsedArgs } from "./args.js";
import { describeAccounts, toJson } from "./format.js";
import { withService } from "./service.js";

const CONNECTION_OPTIONS = {
  name: { type: "string" },
  "api-key-env": { type: "string" },
  "api-key-stdin": { type: "boolean" },
  "org-id": { type: "string" },
  "all-orgs": { type: "boolean" },
  region: { type: "string" },
  "console-url": { type: "string" },
  "insights-url": { type: "string" },
  permission: { type: "string" },
  "schedule-minutes": { type: "string" },
  json: { type: "boolean" },
} as const;

export const ACCOUNTS_USAGE = `jumpcloud-sync accounts <command>
  add --name <name> (--api-key-env <VAR> | --api-key-stdin) [--org-id <id> | --all-orgs]
      [--region us|eu|in | --console-url <url> --insights-url <url>]
      [--permission read|read-and-act] [--schedule-minutes <n>]
  list [--json]
  update <account-id> [--name <n>] [--api-key-env <VAR> | --api-key-stdin] [--org-id <id>]
      [--region …] [--console-url … --insights-url …] [--permission …] [--schedule-minutes <n>]
  pause <account-id>        stop syncing (running syncs stop at their next checkpoint)
  resume <account-id>
  remove <account-id> (--keep-data | --purge)   the key is wiped either way`;

const ACTOR = "cli";

export async function accountsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub ?? "") {
    case "add": {
      const args = parse(rest, CONNECTION_OPTIONS);
      const name = args.str("name");
      if (name === undefined) throw new UsageError("accounts add needs --name");
      const apiKey = readApiKey(args);
      if (apiKey === undefined) throw new UsageError("accounts add needs the API key: --api-key-env <VAR> (the variable holding it) or --api-key-stdin");
      const endpoints = endpointsOf(args);
      const region = regionOf(args);
      const orgId = args.str("org-id");
      const permission = permissionOf(args);
      const scheduleMinutes = intOption(args.str("schedule-minutes"), "--schedule-minutes");
      return withService({}, async ({ app }) => {
        const view = await app.get(AccountsService).add(
          {
            name,
            apiKey,
            ...(orgId === undefined ? {} : { orgId }),
            allOrgs: args.bool("all-orgs"),
            ...(region === undefined ? {} : { region }),
            ...(endpoints === undefined ? {} : { endpoints }),
            ...(permission === undefined ? {} : { permission }),
            ...(scheduleMinutes === undefined ? {} : { scheduleMinutes }),
          },
          ACTOR,
        );
        process.stdout.write(args.bool("json") ? `${toJson(view)}\n` : `Added account ${view.account.id} (${view.account.name}) with ${view.scopes.length} scope(s):\n${view.scopes.map((s) => `  ${s.id}${s.orgName === null ? "" : ` (${s.orgName})`}`).join("\n")}\nSync it now with \`jumpcloud-sync sync --once\`.\n`);
        return 0;
      });
    }
    case "list": {
      const args = parse(rest, { json: { type: "boolean" } });
      return withService({}, async ({ app }) => {
        const views = await app.get(AccountsService).list();
        process.stdout.write(`${args.bool("json") ? toJson(views) : describeAccounts(views)}\n`);
        return 0;
      });
    }
    case "update": {
      const args = parse(rest, CONNECTION_OPTIONS);
      const id = onePositional(args, "accounts update <account-id>");
      if (args.bool("all-orgs")) throw new UsageError("--all-orgs is chosen when adding an account; remove and add it again to change it");
      const apiKey = readApiKey(args);
      const endpoints = endpointsOf(args);
      const region = regionOf(args);
      const name = args.str("name");
      const orgId = args.str("org-id");
      const permission = permissionOf(args);
      const scheduleMinutes = intOption(args.str("schedule-minutes"), "--schedule-minutes");
      return withService({}, async ({ app }) => {
        const view = await app.get(AccountsService).update(
          id,
          {
            ...(name === undefined ? {} : { name }),
            ...(apiKey === undefined ? {} : { apiKey }),
            ...(orgId === undefined ? {} : { orgId }),
            ...(region === undefined ? {} : { region }),
            ...(endpoints === undefined ? {} : { endpoints }),
            ...(permission === undefined ? {} : { permission }),
            ...(scheduleMinutes === undefined ? {} : { scheduleMinutes }),
          },
          ACTOR,
        );
        process.stdout.write(args.bool("json") ? `${toJson(view)}\n` : `Updated account ${view.account.id}.\n`);
        return 0;
      });
    }
    case "pause":
    case "resume": {
      const id = onePositional(parse(rest, {}), `accounts ${sub} <account-id>`);
      return withService({}, async ({ app }) => {
        const svc = app.get(AccountsService);
        await (sub === "pause" ? svc.pause(id, ACTOR) : svc.resume(id, ACTOR));
        process.stdout.write(`${sub === "pause" ? "Paused" : "Resumed"} account ${id}.\n`);
        return 0;
      });
    }
    case "remove": {
      const args = parse(rest, { "keep-data": { type: "boolean" }, purge: { type: "boolean" } });
      const id = onePositional(args, "accounts remove <account-id> (--keep-data | --purge)");
      if (args.bool("keep-data") === args.bool("purge")) throw new UsageError("accounts remove needs exactly one of --keep-data (keep the synced directory and usage) or --purge (delete it); the API key is wiped either way");
      return withService({}, async ({ app }) => {
        await app.get(AccountsService).remove(id, { purge: args.bool("purge") }, ACTOR);
        process.stdout.write(`Removed account ${id}; its API key is wiped${args.bool("purge") ? " and its synced data deleted" : "; its synced data is kept"}.\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(ACCOUNTS_USAGE);
  }
}

function onePositional(args: ParsedArgs, usage: string): string {
  const [id, ...extra] = args.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError(`usage: jumpcloud-sync ${usage}`);
  return id;
}

/** Keys come from a named variable or stdin, never from argv (argv is visible in `ps` and shell history). */
function readApiKey(args: ParsedArgs): string | undefined {
  const envName = args.str("api-key-env");
  if (envName !== undefined && args.bool("api-key-stdin")) throw new UsageError("pass either --api-key-env or --api-key-stdin");
  if (envName !== undefined) {
    const value = readNamedVariable(envName);
    if (value === undefined) throw new UsageError(`--api-key-env ${envName}: the variable ${envName} is not set (or empty)`);
    return value.trim();
  }
  if (args.bool("api-key-stdin")) return readFileSync(0, "utf8").trim();
  return undefined;
}

function regionOf(args: ParsedArgs): Region | undefined {
  const r = args.str("region");
  if (r === undefined) return undefined;
  if (r !== "us" && r !== "eu" && r !== "in") throw new UsageError(`--region must be us, eu or in (got ${r})`);
  return r;
}

function endpointsOf(args: ParsedArgs): Partial<Endpoints> | undefined {
  const consoleBaseUrl = args.str("console-url");
  const insightsBaseUrl = args.str("insights-url");
  if (consoleBaseUrl === undefined && insightsBaseUrl === undefined) return undefined;
  for (const [flag, url] of [["--console-url", consoleBaseUrl], ["--insights-url", insightsBaseUrl]] as const) {
    if (url !== undefined && !URL.canParse(url)) throw new UsageError(`${flag} is not a URL: ${url}`);
  }
  return { ...(consoleBaseUrl === undefined ? {} : { consoleBaseUrl }), ...(insightsBaseUrl === undefined ? {} : { insightsBaseUrl }) };
}

function permissionOf(args: ParsedArgs): Permission | undefined {
  const p = args.str("permission");
  if (p === undefined) return undefined;
  if (p !== "read" && p !== "read-and-act") throw new UsageError(`--permission must be read or read-and-act (got ${p})`);
  return p;
}
