import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { INestApplication } from "@nestjs/common";
import type { Clock } from "@jumpcloud-sync/domain";
import type { Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { createServiceApp } from "../../src/bootstrap.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/logging/index.js";
import { STORE, type SyncStore } from "../../src/store/store.types.js";
import { databaseEnv, dropSchema, newSecretKey, type TestDatabase } from "./databases.js";

/** Fast retries; no rate limit of our own against the stand-in. */
const TEST_ENV: Record<string, string> = {
  JCS_RETRY_BASE_DELAY_MS: "5",
  JCS_RETRY_MAX_DELAY_MS: "40",
  JCS_RATE_LIMIT_PER_MINUTE: "100000",
  JCS_LOG_LEVEL: process.env.JCS_TEST_LOG_LEVEL ?? "silent",
  // Suites about other streams run without the inventory stream; inventory*.e2e turns it on.
  JCS_INVENTORY_ENABLED: "false",
};

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
  const dir = mkdtempSync(join(tmpdir(), "jcs-api-"));
  // PostgreSQL: a schema of its own per app, dropped on close.
  const schema = options.database === "postgresql" ? `jcs_api_${randomBytes(6).toString("hex")}` : null;
  const database = databaseEnv(options.database ?? "sqlite", { dbPath: join(dir, "jcs.sqlite"), schema: schema ?? "" });
  const config = parseConfig({}, { ...TEST_ENV, ...database, JCS_SECRET_KEY: newSecretKey(), ...options.env });
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
      if (schema !== null) await dropSchema(api.store, schema);
      await app.close();
      rmSync(dir, { recursive: true, force: true });
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
