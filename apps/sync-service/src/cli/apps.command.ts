import type { AppLastUsed, Clock, ReclaimCandidate } from "@jumpcloud-sync/domain";
import { AppCatalogService } from "../inventory/app-catalog.service.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { parse, UsageError } from "./args.js";
import { table, toJson } from "./format.js";
import { withService } from "./service.js";

export const APPS_USAGE = `jumpcloud-sync apps <command>          canonical apps across inventory, software events, managed apps and SSO
  list [--scope <id>] [--json]              one row per app: aliases, sources, devices, users
  reclaim --days <n> [--scope <id>] [--csv | --json]
                                            users who have an app (assigned or installed) and did not use it for n days, with the evidence
  --scope may be left out when there is exactly one enabled scope.`;

export async function appsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub ?? "") {
    case "list": {
      const args = parse(rest, { scope: { type: "string" }, json: { type: "boolean" } });
      if (args.positionals.length > 0) throw new UsageError("usage: jumpcloud-sync apps list [--scope <id>] [--json]");
      return withService({}, async ({ app }) => {
        const scopeId = args.str("scope") ?? (await onlyScope(app.get<SyncStore>(STORE)));
        const view = await app.get(AppCatalogService).view(scopeId);
        if (args.bool("json")) {
          process.stdout.write(`${toJson(view.apps)}\n`);
          return 0;
        }
        const rows = view.apps.map((a) => [a.appId, a.displayName, a.sources.join(","), String(a.deviceIds.length), String(a.userIds.length), a.aliases.join(" | ")]);
        process.stdout.write(`${table([["APP", "NAME", "SOURCES", "DEVICES", "USERS", "ALIASES"], ...rows])}\n`);
        return 0;
      });
    }
    case "reclaim": {
      const args = parse(rest, { scope: { type: "string" }, days: { type: "string" }, csv: { type: "boolean" }, json: { type: "boolean" } });
      const raw = args.str("days");
      const days = raw === undefined ? Number.NaN : Number(raw);
      if (args.positionals.length > 0 || !Number.isInteger(days) || days < 1 || days > 3650) throw new UsageError("usage: jumpcloud-sync apps reclaim --days <1..3650> [--scope <id>] [--csv | --json]");
      if (args.bool("csv") && args.bool("json")) throw new UsageError("--csv and --json exclude each other");
      return withService({}, async ({ app }) => {
        const scopeId = args.str("scope") ?? (await onlyScope(app.get<SyncStore>(STORE)));
        const items = await app.get(AppCatalogService).reclaim(scopeId, days, app.get<Clock>(CLOCK).now());
        if (args.bool("json")) process.stdout.write(`${toJson(items)}\n`);
        else if (args.bool("csv")) process.stdout.write(reclaimCsv(items));
        else if (items.length === 0) process.stdout.write(`No app unused for ${days} days.\n`);
        else process.stdout.write(`${table([["APP", "USER", "HAS IT VIA", "LAST USED", "EVIDENCE"], ...items.map((c) => [c.appId, c.userId, c.via.join(","), lastUsedAt(c.lastUsed), evidence(c.lastUsed)])])}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(APPS_USAGE);
  }
}

function lastUsedAt(l: AppLastUsed): string {
  return l.kind === "date" ? l.at : l.kind === "not-seen-since" ? `not since ${l.since}` : "unknown";
}

function evidence(l: AppLastUsed): string {
  return l.kind === "date" ? (l.source === "desktop" ? "desktop last opened" : l.source === "sso" ? "SSO login" : "portal login") : l.kind === "not-seen-since" ? "no SSO login in Directory Insights" : l.reason;
}

/** RFC 4180: every field quoted, quotes doubled; one header line; CRLF as spreadsheets expect. */
export function reclaimCsv(items: readonly ReclaimCandidate[]): string {
  const q = (v: string): string => `"${v.replace(/"/gu, '""')}"`;
  const lines = [["app_id", "app_name", "user_id", "via", "device_ids", "sso_application_ids", "last_used", "evidence"].map(q).join(",")];
  for (const c of items) lines.push([c.appId, c.displayName, c.userId, c.via.join(" "), c.deviceIds.join(" "), c.ssoApplicationIds.join(" "), lastUsedAt(c.lastUsed), evidence(c.lastUsed)].map(q).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

async function onlyScope(store: SyncStore): Promise<string> {
  const scopes = (await store.accounts.listScopes()).filter((s) => s.enabled);
  if (scopes.length === 1 && scopes[0] !== undefined) return scopes[0].id;
  throw new UsageError(scopes.length === 0 ? "no scope yet: add an account first (`jumpcloud-sync accounts add`)" : `several scopes exist: pass --scope (${scopes.map((s) => s.id).join(", ")})`);
}
