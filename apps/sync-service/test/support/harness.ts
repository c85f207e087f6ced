import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { INestApplicationContext } from "@nestjs/common";
import type { Clock, StreamName } from "@jumpcloud-sync/domain";
import type { GroundTruth, Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { expect } from "vitest";
import { AccountsService, type AccountView } from "../../src/accounts/accounts.service.js";
import { createServiceContext } from "../../src/bootstrap.js";
import { parseConfig } from "../../src/config/index.js";
import { compareWithTruth } from "../../src/demo/truth-check.js";
import { DirectorySyncService, type ScopeSyncResult } from "../../src/directory/directory-sync.service.js";
import { createLogger } from "../../src/logging/index.js";
import { STORE, type SyncStore } from "../../src/store/store.types.js";
import type { StreamRunResult } from "../../src/sync/stream-runner.service.js";
import { SyncEvents } from "../../src/sync/sync-events.js";

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "jcs-e2e-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function newSecretKey(): string {
  return randomBytes(32).toString("base64");
}

/** Fast retries for tests; everything else as in production unless overridden. */
export const TEST_ENV: Record<string, string> = {
  JCS_DB_DRIVER: "sqlite",
  JCS_RETRY_BASE_DELAY_MS: "5",
  JCS_RETRY_MAX_DELAY_MS: "40",
  // The stand-in has no rate limit; the client's limiter is per key and process-wide, and seeded sims share keys.
  JCS_RATE_LIMIT_PER_MINUTE: "100000",
  JCS_LOG_LEVEL: process.env.JCS_TEST_LOG_LEVEL ?? "silent",
};

export interface Service {
  readonly app: INestApplicationContext;
  readonly store: SyncStore;
  readonly accounts: AccountsService;
  readonly sync: DirectorySyncService;
  readonly events: SyncEvents;
  close(): Promise<void>;
}

/** Boots the real service (every module, real SQLite file) without HTTP or scheduler timers. */
export async function bootService(options: { dbPath: string; secretKey: string; clock?: Clock; env?: Record<string, string>; schedule?: boolean }): Promise<Service> {
  const config = parseConfig({}, { ...TEST_ENV, JCS_DB_PATH: options.dbPath, JCS_SECRET_KEY: options.secretKey, ...options.env });
  const logger = createLogger({ level: config.logLevel });
  const app = await createServiceContext({ config, logger, schedule: options.schedule === true, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  await app.init();
  let closed = false;
  return {
    app,
    store: app.get<SyncStore>(STORE),
    accounts: app.get(AccountsService),
    sync: app.get(DirectorySyncService),
    events: app.get(SyncEvents),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export async function addSimAccount(service: Service, sim: Sim, extra: { name?: string; orgId?: string; allOrgs?: boolean; apiKey?: string } = {}): Promise<AccountView> {
  return service.accounts.add(
    {
      name: extra.name ?? "stand-in",
      apiKey: extra.apiKey ?? sim.credentials.apiKey,
      region: null,
      endpoints: { consoleBaseUrl: sim.consoleBaseUrl, insightsBaseUrl: sim.insightsBaseUrl },
      ...(extra.orgId === undefined ? {} : { orgId: extra.orgId }),
      ...(extra.allOrgs === undefined ? {} : { allOrgs: extra.allOrgs }),
    },
    "test",
  );
}

export async function expectMatchesTruth(store: SyncStore, scopeId: string, truth: GroundTruth): Promise<void> {
  const state = await store.directory.loadDirectory(scopeId);
  const usage = await store.directory.loadUsage(scopeId);
  expect(compareWithTruth(state, usage, truth)).toEqual([]);
  // Independent of the comparer: the live counts.
  const live = <T extends { removedAt: string | null }>(m: ReadonlyMap<string, T>): number => [...m.values()].filter((r) => r.removedAt === null).length;
  expect(live(state.users)).toBe(truth.users.length);
  expect(live(state.applications)).toBe(truth.applications.length);
  expect(live(state.assignments)).toBe(truth.applications.reduce((n, a) => n + a.assignedUserIds.length, 0));
}

/** The stream's run in a scope result (throws when it did not run, e.g. the lease was busy). */
export function streamOf(result: ScopeSyncResult | undefined, stream: StreamName): Extract<StreamRunResult, { kind: "ran" }> {
  const r = result?.streams.find((s) => s.stream === stream);
  if (r === undefined || r.kind !== "ran") throw new Error(`no ${stream} run in ${JSON.stringify(result)}`);
  return r;
}

export function ranOk(result: ScopeSyncResult | undefined): boolean {
  return result !== undefined && result.streams.length > 0 && result.streams.every((s) => s.kind === "ran" && s.state === "succeeded");
}
