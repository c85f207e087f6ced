import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { INestApplication } from "@nestjs/common";
import type { Clock } from "@jumpcloud-sync/domain";
import type { Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { createServiceApp } from "../../src/bootstrap.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/logging/index.js";
import { STORE, type SyncStore } from "../../src/store/store.types.js";
import { createTestDb, type TestDatabase } from "./databases.js";
import { TEST_ENV } from "./harness.js";

export interface ApiResult<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body (undefined when the body is not JSON), as the caller expects it to be. */
  readonly body: T;
}

export interface ApiApp {
  readonly app: INestApplication;
  readonly store: SyncStore;
  readonly baseUrl: string;
  /** Every response body served so far (the no-secret check reads them all). */
  readonly bodies: string[];
  /** Sent as the bearer token unless a call says otherwise. */
  token: string | null;
  call<T = unknown>(method: string, path: string, options?: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResult<T>>;
  close(): Promise<void>;
}

/** The real service (HTTP app, every module, a real database), listening on an ephemeral port. */
export async function startApiApp(options: { clock?: Clock; env?: Record<string, string>; database?: TestDatabase; logs?: string[] } = {}): Promise<ApiApp> {
  // The one test-database helper: a SQLite file in a temporary folder, or a PostgreSQL schema of its own, dropped on close.
  const db = createTestDb(options.database ?? "sqlite");
  const config = parseConfig({}, { ...TEST_ENV, ...db.env, ...options.env });
  // `logs` collects every log line (a test can search them for secrets) instead of printing them.
  const logs = options.logs;
  const logger = logs === undefined ? createLogger({ level: config.logLevel }) : createLogger({ level: config.logLevel, destination: { write: (line: string) => void logs.push(line) } });
  const app = await createServiceApp({ config, logger, schedule: false, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  await app.listen(0, "127.0.0.1");
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const bodies: string[] = [];
  const api: ApiApp = {
    app,
    store: app.get<SyncStore>(STORE),
    baseUrl,
    bodies,
    token: null,
    async call<T>(method: string, path: string, callOptions: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResult<T>> {
      const token = callOptions.token === undefined ? api.token : callOptions.token;
      const headers: Record<string, string> = { ...callOptions.headers };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (callOptions.rawBody !== undefined) body = callOptions.rawBody;
      else if (callOptions.body !== undefined) body = JSON.stringify(callOptions.body);
      if (body !== undefined) headers["content-type"] ??= "application/json";
      const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      bodies.push(text);
      let parsed: unknown;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, text, body: parsed as T };
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
  return api;
}

export function simAccountBody(sim: Sim, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: "stand-in", apiKey: sim.credentials.apiKey, endpoints: { consoleBaseUrl: sim.consoleBaseUrl, insightsBaseUrl: sim.insightsBaseUrl }, ...extra };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
