import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { createTickingClock, startSim } from "@jumpcloud-sync/jumpcloud-sim";
import { AccountsService } from "../accounts/accounts.service.js";
import { compareMdmWithTruth } from "./mdm-truth-check.js";
import { compareWithTruth } from "./truth-check.js";
import { SyncFacade } from "../sync/sync-facade.service.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { SyncEvents } from "../sync/sync-events.js";
import { parse, intOption, UsageError } from "../cli/args.js";
import { streamSummary } from "../cli/format.js";
import { describeMdmPicture, mdmPicture } from "../cli/mdm-summary.js";
import { attachProgress } from "../cli/progress.js";
import { withService } from "../cli/service.js";

const SCENARIOS = ["demo", "no-di"] as const;

/**
 * The main job on the embedded default: stand-in → the real service (same modules as `serve`) →
 * SQLite. Nothing here is demo-specific in the sync itself; only where the account points.
 */
export async function demoCommand(argv: string[]): Promise<number> {
  const args = parse(argv, { seed: { type: "string" }, "data-dir": { type: "string" }, scenario: { type: "string" } });
  const seed = intOption(args.str("seed"), "--seed") ?? 42;
  const scenarioArg = args.str("scenario") ?? "demo";
  const scenario = SCENARIOS.find((s) => s === scenarioArg);
  if (scenario === undefined) throw new UsageError(`--scenario must be one of ${SCENARIOS.join(", ")}`);
  const dataDir = resolve(args.str("data-dir") ?? ".data");
  const out = process.stdout;
  const started = Date.now();

  out.write("jumpcloud-sync demo: one full sync of a demo JumpCloud organization served by the local stand-in\n\n");
  // The stand-in's clock follows wall time, so the service's own clock agrees with the events' dates.
  const sim = await startSim({ scenario, seed, clock: createTickingClock() });
  try {
    const truth = sim.truth();
    out.write(`stand-in:   ${sim.url} (scenario ${scenario}, seed ${seed}): ${truth.users.length} users, ${truth.groups.length} groups, ${truth.applications.length} SSO apps, ${truth.devices.length} devices, ${truth.softwareApps.length} managed apps\n`);

    mkdirSync(dataDir, { recursive: true });
    const dbPath = join(dataDir, "demo.sqlite");
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbPath}${suffix}`, { force: true });
    const devKey = randomBytes(32).toString("base64");
    const keyPath = join(dataDir, "demo.DEV-ONLY-secret-key");
    writeFileSync(keyPath, `${devKey}\n`, { mode: 0o600 });
    out.write(`database:   SQLite ${relative(process.cwd(), dbPath) || dbPath} (fresh)\n`);
    out.write(`secret key: DEV-ONLY, generated for this demo run and saved to ${relative(process.cwd(), keyPath)}.\n`);
    out.write("            It encrypts the demo's stand-in API key; never use it for real accounts (set JCS_SECRET_KEY).\n\n");

    return await withService({ overrides: { JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: dbPath, JCS_SECRET_KEY: devKey } }, async ({ app }) => {
      const accounts = app.get(AccountsService);
      const requestsBefore = sim.stats().total;
      const view = await accounts.add(
        { name: "Demo organization (stand-in)", apiKey: sim.credentials.apiKey, region: null, endpoints: { consoleBaseUrl: sim.consoleBaseUrl, insightsBaseUrl: sim.insightsBaseUrl } },
        "cli",
      );
      const validationRequests = sim.stats().total - requestsBefore;
      out.write(`account:    ${view.account.id} added; key validated with ${validationRequests} request(s); scope ${view.scopes.map((s) => s.id).join(", ")}\n\n`);

      const detach = attachProgress(app.get(SyncEvents), { out, tty: out.isTTY === true, label: () => "demo org" });
      const syncStarted = Date.now();
      let results;
      try {
        results = await app.get(SyncFacade).syncNow({ scopeIds: view.scopes.map((s) => s.id) });
      } finally {
        detach();
      }
      const syncMs = Date.now() - syncStarted;

      const store = app.get<SyncStore>(STORE);
      const scope = view.scopes[0];
      if (scope === undefined) throw new Error("the demo account has no scope");
      const state = await store.directory.loadDirectory(scope.id);
      const usage = await store.directory.loadUsage(scope.id);
      const coverage = await store.directory.getUsageCoverage(scope.id);
      const live = <T extends { removedAt: string | null }>(m: ReadonlyMap<string, T>): number => [...m.values()].filter((r) => r.removedAt === null).length;
      const streams = results.flatMap((r) => r.streams);
      const requests = streams.reduce((n, s) => n + (s.kind === "ran" ? s.counters.requests : 0), 0);
      const retries = streams.reduce((n, s) => n + (s.kind === "ran" ? s.counters.retries : 0), 0);
      const events = streams.reduce((n, s) => n + (s.kind === "ran" ? s.counters.events : 0), 0);
      const ok = streams.length > 0 && streams.every((s) => s.kind === "ran" && s.state === "succeeded");
      const statuses = await store.runs.listStreamStatuses(scope.id);
      const finalTruth = sim.truth();
      const diffs = compareWithTruth(state, usage, finalTruth);
      const portalRows = [...usage.values()].filter((r) => r.applicationId === null).length;
      const mdmDiffs = compareMdmWithTruth(
        {
          devices: await store.mdm.loadDevices(scope.id),
          managed: await store.mdm.loadManagedApps(scope.id),
          eventRows: await store.mdm.listInstallations(scope.id, "events"),
          coverage: await store.mdm.getSoftwareEventsCoverage(scope.id),
        },
        finalTruth,
      );
      const mdmMinimum = finalTruth.minimumRequests.mdm?.total ?? 0;

      out.write("\nsummary\n");
      out.write(`  users           ${live(state.users)} (${[...state.users.values()].filter((u) => u.status === "active").length} active, ${[...state.users.values()].filter((u) => u.status === "suspended").length} suspended, ${[...state.users.values()].filter((u) => u.status === "staged").length} staged; ${[...state.users.values()].filter((u) => u.adminRole !== null).length} with an admin role)\n`);
      out.write(`  groups          ${live(state.groups)}\n`);
      out.write(`  SSO apps        ${live(state.applications)}\n`);
      out.write(`  assignments     ${live(state.assignments)} (${[...state.assignments.values()].filter((a) => a.direct).length} direct, ${[...state.assignments.values()].filter((a) => a.groupIds.length > 0).length} via groups)\n`);
      out.write(`  usage rows      ${usage.size} (${portalRows} portal last-logins, ${usage.size - portalRows} per-app SSO last-uses) from ${events} events; coverage ${coverage.kind === "available" ? `since ${coverage.since}` : coverage.kind}\n`);
      for (const status of statuses) out.write(`  stream          ${streamSummary(status)}\n`);
      for (const line of describeMdmPicture(await mdmPicture(store, scope.id))) out.write(`${line}\n`);
      out.write(`  requests        ${requests} by the sync${retries > 0 ? ` (${retries} retries)` : ""} vs the stand-in's minimum of ${finalTruth.minimumRequests.total + mdmMinimum} for a full sync (${finalTruth.minimumRequests.total} directory + usage, ${mdmMinimum} MDM); +${validationRequests} to validate the key\n`);
      out.write(`  time            sync ${(syncMs / 1000).toFixed(2)} s, demo total ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
      out.write(`  ground truth    ${diffs.length === 0 ? "the synced directory and usage match the stand-in exactly" : `${diffs.length} difference(s), e.g. ${JSON.stringify(diffs.slice(0, 3))}`}\n`);
      out.write(`  MDM truth       ${mdmDiffs.length === 0 ? "devices, bound users, managed apps and statuses, installations per device and per user match the stand-in exactly" : `${mdmDiffs.length} difference(s), e.g. ${JSON.stringify(mdmDiffs.slice(0, 3))}`}\n`);
      out.write(`\nInspect it: JCS_SECRET_KEY=$(cat ${keyPath}) JCS_DB_PATH=${dbPath} pnpm --filter @jumpcloud-sync/sync-service cli accounts list\n`);
      out.write("Real JumpCloud: see README \"Point it at JumpCloud\" (accounts add --api-key-env JC_API_KEY --region us, then sync --once).\n");
      return ok && diffs.length === 0 && mdmDiffs.length === 0 ? 0 : 1;
    });
  } finally {
    await sim.close();
  }
}
