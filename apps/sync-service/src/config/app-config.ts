import { isAbsolute, resolve } from "node:path";
import type { z } from "zod";
import { environmentSchema, parseFreshness, secretKeySchema, type Environment } from "./config.schema.js";

export type LogLevel = Environment["JCS_LOG_LEVEL"];

export interface DatabaseConfig {
  readonly driver: "sqlite" | "postgresql";
  /** SQLite: an absolute file path. PostgreSQL: unused. */
  readonly dbPath: string;
  readonly url: string | null;
  readonly schema: string | null;
}

export interface JumpCloudClientConfig {
  /** Per account key: requests per window (a minute unless JCS_RATE_LIMIT_WINDOW_SECONDS); shared by every replica on PostgreSQL. */
  readonly requestsPerMinute: number;
  readonly windowMs: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly retry: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
}

export interface SyncConfig {
  /** The directory stream's freshness target for new accounts (each account keeps its own). */
  readonly defaultScheduleMinutes: number;
  /** Freshness targets (minutes) that override a registered stream's default. */
  readonly streamFreshnessMinutes: Readonly<Record<string, number>>;
  /** The inventory module registers the `inventory` stream (`JCS_INVENTORY_ENABLED`). */
  readonly inventoryEnabled: boolean;
  readonly tickMs: number;
  readonly maxConcurrentScopes: number;
  readonly leaseTtlMs: number;
  readonly failureBackoff: { readonly baseMs: number; readonly maxMs: number };
  readonly staleRunSweepMs: number;
  readonly insights: { readonly overlapMs: number; readonly maxLookbackMs: number; readonly lagMs: number };
  /** Usage: Directory Insights pages folded in memory before one write (records and cursor together). */
  readonly usageFlushPages: number;
  /** Directory: a full snapshot at least this often (ms); incremental runs in between; 0 = always full. */
  readonly directoryFullSnapshotMs: number;
  /** MDM devices stream: the cadence of full binding traversals (incremental ones in between). */
  readonly mdm: { readonly fullTraversalMs: number };
  readonly shutdownGraceMs: number;
  /** PostgreSQL: pg-boss coordinates the replicas (null on SQLite: the in-process scheduler). */
  readonly jobs: { readonly schema: string; readonly heartbeatSeconds: number; readonly superviseSeconds: number; readonly pollSeconds: number; readonly concurrencyPerKey: number } | null;
}

/** The typed configuration every provider receives; built once at boot, never from process.env later. */
export interface AppConfig {
  readonly database: DatabaseConfig;
  readonly secretKey: string;
  readonly previousSecretKeys: readonly string[];
  readonly http: { readonly port: number; readonly host: string };
  readonly logLevel: LogLevel;
  readonly jumpcloud: JumpCloudClientConfig;
  readonly sync: SyncConfig;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Validates the environment once. Overrides (the demo's generated dev key, a test's temp DB file)
 * replace environment values before validation, so they pass the same checks.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>, overrides: Partial<Record<keyof Environment, string>> = {}, cwd = "."): AppConfig {
  const merged: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({ ...env, ...overrides })) merged[k] = v === "" ? undefined : v;
  const parsed = environmentSchema.safeParse(merged);
  const secret = secretKeySchema.safeParse(merged.JCS_SECRET_KEY);
  if (!parsed.success || !secret.success) {
    // Every problem at once: fixing them one boot at a time is tedious.
    const lines = [...(parsed.success ? [] : issueLines(parsed.error)), ...(secret.success ? [] : issueLines(secret.error, "JCS_SECRET_KEY"))];
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    database: {
      driver: e.JCS_DB_DRIVER,
      dbPath: isAbsolute(e.JCS_DB_PATH) ? e.JCS_DB_PATH : resolve(cwd, e.JCS_DB_PATH),
      url: e.JCS_DATABASE_URL ?? null,
      schema: e.JCS_DB_SCHEMA ?? null,
    },
    secretKey: secret.data,
    previousSecretKeys: (e.JCS_PREVIOUS_SECRET_KEYS ?? "").split(",").map((k) => k.trim()).filter((k) => k !== ""),
    http: { port: e.JCS_HTTP_PORT, host: e.JCS_HTTP_HOST },
    logLevel: e.JCS_LOG_LEVEL,
    jumpcloud: {
      requestsPerMinute: e.JCS_RATE_LIMIT_PER_MINUTE,
      windowMs: e.JCS_RATE_LIMIT_WINDOW_SECONDS * 1000,
      concurrency: e.JCS_RATE_LIMIT_CONCURRENCY,
      timeoutMs: e.JCS_REQUEST_TIMEOUT_MS,
      retry: { maxAttempts: e.JCS_RETRY_MAX_ATTEMPTS, baseDelayMs: e.JCS_RETRY_BASE_DELAY_MS, maxDelayMs: e.JCS_RETRY_MAX_DELAY_MS },
    },
    sync: {
      defaultScheduleMinutes: e.JCS_DIRECTORY_SCHEDULE_MINUTES,
      streamFreshnessMinutes: parseFreshness(e.JCS_STREAM_FRESHNESS_MINUTES),
      inventoryEnabled: e.JCS_INVENTORY_ENABLED === "true",
      tickMs: e.JCS_SCHEDULER_TICK_SECONDS * 1000,
      maxConcurrentScopes: e.JCS_MAX_CONCURRENT_SCOPES,
      leaseTtlMs: e.JCS_LEASE_TTL_MS,
      failureBackoff: { baseMs: e.JCS_FAILURE_BACKOFF_BASE_MS, maxMs: e.JCS_FAILURE_BACKOFF_MAX_MS },
      staleRunSweepMs: e.JCS_STALE_RUN_SWEEP_MINUTES * 60_000,
      insights: { overlapMs: e.JCS_INSIGHTS_OVERLAP_MINUTES * 60_000, maxLookbackMs: e.JCS_INSIGHTS_LOOKBACK_DAYS * 86_400_000, lagMs: 1_000 },
      usageFlushPages: e.JCS_USAGE_FLUSH_PAGES,
      directoryFullSnapshotMs: e.JCS_DIRECTORY_FULL_SNAPSHOT_HOURS * 3_600_000,
      mdm: { fullTraversalMs: e.JCS_MDM_FULL_TRAVERSAL_HOURS * 3_600_000 },
      shutdownGraceMs: e.JCS_SHUTDOWN_GRACE_MS,
      jobs:
        e.JCS_DB_DRIVER === "postgresql"
          ? {
              schema: e.JCS_PGBOSS_SCHEMA ?? (e.JCS_DB_SCHEMA === undefined ? "pgboss" : `${e.JCS_DB_SCHEMA}_pgboss`),
              heartbeatSeconds: e.JCS_JOB_HEARTBEAT_SECONDS,
              superviseSeconds: e.JCS_JOB_SUPERVISE_SECONDS,
              pollSeconds: e.JCS_JOB_POLL_SECONDS,
              concurrencyPerKey: e.JCS_JOB_CONCURRENCY_PER_KEY,
            }
          : null,
    },
  };
}

function issueLines(error: z.ZodError, pathPrefix?: string): string[] {
  return error.issues.map((issue) => {
    const path = [pathPrefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== "").join(".");
    return `  - ${path === "" ? "(root)" : path}: ${issue.message}`;
  });
}
