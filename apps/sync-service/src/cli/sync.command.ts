import { DIRECTORY_STREAM } from "@jumpcloud-sync/domain";
import { AccountsService } from "../accounts/accounts.service.js";
import { DEVICES_STREAM } from "../mdm/mdm-streams.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { SyncFacade, type ScopeSyncResult } from "../sync/sync-facade.service.js";
import { SyncEvents } from "../sync/sync-events.js";
import { parse, UsageError } from "./args.js";
import { describeAccounts, scopeLabels } from "./format.js";
import { describeMdmPicture, mdmPicture } from "./mdm-summary.js";
import { attachProgress } from "./progress.js";
import { withService } from "./service.js";

export const SYNC_USAGE = `jumpcloud-sync sync [--scope <scope-id> ... | --all] [--once [--stream <name> ...]]
  --once   sync the scopes now and exit (0: all succeeded, 1: a stream failed, 75: a scope was busy elsewhere)
  --stream only these streams (e.g. devices, managed-apps, software-events); default every registered stream
  without --once: keep syncing on each account's schedule until SIGTERM (no HTTP; see \`serve\`)`;

export async function syncCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { scope: { type: "string", multiple: true }, stream: { type: "string", multiple: true }, all: { type: "boolean" }, once: { type: "boolean" } });
  if (args.positionals.length > 0) throw new UsageError(SYNC_USAGE);
  const scopeIds = args.list("scope");
  if (scopeIds.length > 0 && args.bool("all")) throw new UsageError("pass --scope or --all, not both");
  const streams = args.list("stream");
  if (!args.bool("once")) {
    if (streams.length > 0) throw new UsageError("--stream needs --once (the scheduler runs every stream on its own freshness target)");
    if (scopeIds.length > 0) throw new UsageError("--scope needs --once (the scheduler syncs every scope on its schedule)");
    return withService({ schedule: true }, async ({ stopped }) => {
      process.stderr.write("jumpcloud-sync: syncing on schedule until SIGTERM/SIGINT\n");
      await stopped;
      return 0;
    });
  }
  return withService({}, async ({ app, stopped, signalled }) => {
    const label = scopeLabels(await app.get(AccountsService).list());
    const detach = attachProgress(app.get(SyncEvents), { out: process.stdout, tty: process.stdout.isTTY, label });
    let results: ScopeSyncResult[];
    try {
      const facade = app.get(SyncFacade);
      const unknown = streams.filter((name) => !facade.isRegistered(name));
      if (unknown.length > 0) throw new UsageError(`unknown stream(s) ${unknown.join(", ")}; registered: ${facade.streams().join(", ")}`);
      const run = facade.syncNow({ ...(scopeIds.length > 0 ? { scopeIds } : {}), ...(streams.length > 0 ? { streams } : {}) });
      results = await Promise.race([run, stopped.then(() => run)]);
    } finally {
      detach();
    }
    const signal = signalled();
    if (signal !== null) {
      process.stdout.write(`Stopped by ${signal}: running syncs stopped at their last checkpoint; the next sync resumes from there.\n`);
      return signal === "SIGINT" ? 130 : 143;
    }
    if (results.length === 0) {
      process.stdout.write(scopeIds.length > 0 ? `No enabled scope matches ${scopeIds.join(", ")} (is its account paused?).\n` : "Nothing to sync: no active account.\n");
      return scopeIds.length > 0 ? 1 : 0;
    }
    process.stdout.write(`\n${describeAccounts(await app.get(AccountsService).list())}\n`);
    // The MDM picture of each scope that synced one (devices, apps installed on them, managed apps).
    const store = app.get<SyncStore>(STORE);
    for (const r of results) {
      if (!r.streams.some((st) => st.stream === DEVICES_STREAM && st.kind === "ran")) continue;
      process.stdout.write(`\nMDM of scope ${r.scopeId} (${label(r.scopeId)}):\n${describeMdmPicture(await mdmPicture(store, r.scopeId)).join("\n")}\n`);
    }
    return exitCodeOf(results);
  });
}

export function exitCodeOf(results: readonly ScopeSyncResult[]): number {
  const streams = results.flatMap((r) => r.streams);
  if (results.some((r) => r.skipped !== null) || streams.some((s) => s.kind === "busy")) return 75;
  return streams.every((s) => s.kind === "ran" && s.state === "succeeded") ? 0 : 1;
}

export async function scopesCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub ?? "") {
    case "force-snapshot": {
      const args = parse(rest, {});
      const [scopeId] = args.positionals;
      if (scopeId === undefined || args.positionals.length !== 1) throw new UsageError("usage: jumpcloud-sync scopes force-snapshot <scope-id>");
      return withService({}, async ({ app }) => {
        const detach = attachProgress(app.get(SyncEvents), { out: process.stdout, tty: process.stdout.isTTY });
        try {
          const result = await app.get(SyncFacade).forceRun(scopeId, DIRECTORY_STREAM, "cli");
          return result === null ? 1 : exitCodeOf([result]);
        } finally {
          detach();
        }
      });
    }
    default:
      throw new UsageError("usage: jumpcloud-sync scopes force-snapshot <scope-id>   (after a mass-deletion refusal: apply the next snapshot whatever it removes)");
  }
}
