import type { INestApplicationContext } from "@nestjs/common";
import type { Clock, StreamName } from "@jumpcloud-sync/domain";
import { startSim, type GroundTruth, type Scenario, type Sim, type SimOptions } from "@jumpcloud-sync/jumpcloud-sim";
import { afterEach, beforeEach, describe, expect } from "vitest";
import { AccountsService, type AccountView } from "../../src/accounts/accounts.service.js";
import { createServiceContext } from "../../src/bootstrap.js";
import { parseConfig } from "../../src/config/index.js";
import { compareWithTruth } from "../../src/demo/truth-check.js";
import { SyncFacade, type ScopeSyncResult } from "../../src/sync/sync-facade.service.js";
import { createLogger } from "../../src/logging/index.js";
import { STORE, type SyncStore } from "../../src/store/store.types.js";
import type { StreamRunResult } from "../../src/sync/stream-runner.service.js";
import { SyncEvents } from "../../src/sync/sync-events.js";
import { createTestDb, testDatabases, type TestDatabase, type TestDb } from "./databases.js";

/**
 * One describe per database the end-to-end suite runs on (SQLite always, PostgreSQL when
 * JCS_TEST_PG_URL is set, required under CI), with a fresh database per test: `db()` is the
 * current test's, created before it and dropped after it (once its services are closed).
 */
export function describeOnDatabases(title: string, body: (db: () => TestDb, database: TestDatabase) => void): void {
  for (const { name, skip } of testDatabases("directory-sync end-to-end suite")) {
    describe.skipIf(skip)(`${title} (${name})`, () => {
      let current: TestDb | undefined;
      beforeEach(() => {
        current = createTestDb(name);
      });
      // Registered before the file's own hooks: vitest runs after-hooks in reverse ("stack"), so
      // the file's services close before the database is dropped.
      afterEach(async () => {
        await current?.drop();
        current = undefined;
      });
      body(() => {
        if (current === undefined) throw new Error("the test database exists only inside a test");
        return current;
      }, name);
    });
  }
}

/** Fast retries for tests; everything else as in production unless overridden. */
export const TEST_ENV: Record<string, string> = {
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
  readonly sync: SyncFacade;
  readonly events: SyncEvents;
  close(): Promise<void>;
}

/** Boots the real service (every module, a real database) without HTTP or scheduler timers. */
export async function bootService(options: { db: TestDb; clock?: Clock; env?: Record<string, string>; schedule?: boolean }): Promise<Service> {
  const config = parseConfig({}, { ...TEST_ENV, ...options.db.env, ...options.env });
  const logger = createLogger({ level: config.logLevel });
  const app = await createServiceContext({ config, logger, schedule: options.schedule === true, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  await app.init();
  let closed = false;
  return {
    app,
    store: app.get<SyncStore>(STORE),
    accounts: app.get(AccountsService),
    sync: app.get(SyncFacade),
    events: app.get(SyncEvents),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

/**
 * The one service + stand-in fixture of the end-to-end suites: `boot()` starts a seeded stand-in
 * and the real service on the current test's database, sharing the stand-in's clock; both are
 * closed after each test (before the database is dropped).
 */
export function useSimService(db: () => TestDb): { boot(scenario?: Scenario, env?: Record<string, string>, sim?: Omit<SimOptions, "scenario">): Promise<{ sim: Sim; service: Service }> } {
  let sim: Sim | undefined;
  let service: Service | undefined;
  afterEach(async () => {
    await service?.close();
    await sim?.close();
    service = undefined;
    sim = undefined;
  });
  return {
    async boot(scenario = "demo", env = {}, simOptions = {}) {
      sim = await startSim({ seed: 7, ...simOptions, scenario });
      service = await bootService({ db: db(), clock: sim.clock, env });
      return { sim, service };
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
