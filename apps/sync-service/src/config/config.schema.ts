import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * The service's environment contract. Every variable is optional except the secret key outside
 * the demo; defaults suit one process on SQLite. Intervals are bounded so a typo (seconds for
 * milliseconds) fails at boot instead of hammering JumpCloud or never running.
 */
export const environmentSchema = z
  .object({
    JCS_DB_DRIVER: z.enum(["sqlite", "postgresql"]).default("sqlite"),
    JCS_DB_PATH: z.string().min(1).default("./.data/jumpcloud-sync.sqlite"),
    JCS_DATABASE_URL: z.string().url().optional(),
    JCS_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/u, "a lowercase SQL identifier").optional(),
    JCS_SECRET_KEY: z.string().optional(),
    /** Comma-separated keys that may still encrypt stored API keys, during a rotation. */
    JCS_PREVIOUS_SECRET_KEYS: z.string().optional(),
    JCS_HTTP_PORT: int(0, 65_535).default(3000),
    JCS_HTTP_HOST: z.string().min(1).default("0.0.0.0"),
    JCS_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    /**
     * Default minutes between directory snapshots of a scope for new accounts (each account may
     * override it with its schedule): the directory stream's freshness target.
     */
    JCS_DIRECTORY_SCHEDULE_MINUTES: int(1, 7 * 24 * 60).default(60),
    /**
     * Freshness targets of the other registered streams, `name=minutes` separated by commas
     * (`usage=5,devices=60`); streams not listed keep their module's default. Names are checked
     * against the stream registry at boot.
     */
    JCS_STREAM_FRESHNESS_MINUTES: z
      .string()
      .regex(/^\s*[a-z][a-z0-9-]*\s*=\s*\d+\s*(,\s*[a-z][a-z0-9-]*\s*=\s*\d+\s*)*$/u, "must be `stream=minutes` pairs separated by commas, e.g. usage=5,devices=60")
      .optional(),
    /**
     * Whether the inventory module registers its `inventory` stream (System Insights software
     * tables, issue 12). On by default; `false` leaves a deployment (or a test suite about other
     * streams) without it.
     */
    JCS_INVENTORY_ENABLED: z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
    /** How often the scheduler looks for due scopes. */
    JCS_SCHEDULER_TICK_SECONDS: int(1, 3600).default(30),
    /** Scope syncs (one pass over a scope's due streams) run at once by this process, all accounts together. */
    JCS_MAX_CONCURRENT_SCOPES: int(1, 256).default(4),
    /** Per account key: requests started per rolling minute and in flight at once. */
    JCS_RATE_LIMIT_PER_MINUTE: int(1, 100_000).default(200),
    JCS_RATE_LIMIT_CONCURRENCY: int(1, 64).default(6),
    /**
     * The window JCS_RATE_LIMIT_PER_MINUTE counts in (a minute; shorter only to test). On
     * PostgreSQL the budget is held in the database and shared by every replica using the key.
     */
    JCS_RATE_LIMIT_WINDOW_SECONDS: int(1, 3600).default(60),
    JCS_REQUEST_TIMEOUT_MS: int(100, 600_000).default(30_000),
    JCS_RETRY_MAX_ATTEMPTS: int(1, 20).default(5),
    JCS_RETRY_BASE_DELAY_MS: int(1, 60_000).default(500),
    JCS_RETRY_MAX_DELAY_MS: int(1, 600_000).default(30_000),
    /** A scope+stream lease lives this long unless renewed (renewed every third of it). */
    JCS_LEASE_TTL_MS: int(1_000, 3_600_000).default(60_000),
    /** Backoff of a failing scope: first delay and cap. */
    JCS_FAILURE_BACKOFF_BASE_MS: int(1_000, 86_400_000).default(60_000),
    JCS_FAILURE_BACKOFF_MAX_MS: int(1_000, 7 * 86_400_000).default(6 * 3_600_000),
    /** How often the stale-run sweeper runs after the one at boot. */
    JCS_STALE_RUN_SWEEP_MINUTES: int(1, 1440).default(10),
    /** Directory Insights: overlap re-read before the checkpoint, and how far a first sync reads back. */
    JCS_INSIGHTS_OVERLAP_MINUTES: int(0, 1440).default(15),
    JCS_INSIGHTS_LOOKBACK_DAYS: int(1, 90).default(90),
    /**
     * Usage: pages of 10 000 events folded together before one write with the cursor (a whole
     * window by default at 500 000 events; a SIGKILL re-reads at most this many pages).
     */
    JCS_USAGE_FLUSH_PAGES: int(1, 1000).default(100),
    /**
     * Directory: a full snapshot at least this often (the safety net for deletions without an
     * event); between them, incremental runs from Directory Insights change events. 0 = always full.
     */
    JCS_DIRECTORY_FULL_SNAPSHOT_HOURS: int(0, 24 * 30).default(24),
    /**
     * MDM devices: hours between full re-traversals of every device's bound users. In between, a
     * run re-traverses only new devices and those Directory Insights reports changed.
     */
    JCS_MDM_FULL_TRAVERSAL_HOURS: int(1, 90 * 24).default(24),
    /**
     * PostgreSQL only (pg-boss coordinates the replicas): the schema pg-boss installs itself in
     * (default: the store's schema + `_pgboss`, or `pgboss`), how often a worker must prove it is
     * alive on its job (a SIGKILLed replica's job goes back to the queue after this), and how often
     * a replica checks for jobs whose worker stopped proving it.
     */
    JCS_PGBOSS_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/u, "a lowercase SQL identifier").optional(),
    JCS_JOB_HEARTBEAT_SECONDS: int(10, 3600).default(30),
    JCS_JOB_SUPERVISE_SECONDS: int(1, 3600).default(15),
    /** Jobs of one account key running at once across every replica (the key's rate budget is shared anyway). */
    JCS_JOB_CONCURRENCY_PER_KEY: int(1, 64).default(2),
    /** How often a worker asks pg-boss for a job when it has a free slot. */
    JCS_JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
    /** Stop after the current page on SIGTERM; abort in-flight requests after this grace. */
    JCS_SHUTDOWN_GRACE_MS: int(0, 600_000).default(15_000),
  })
  .superRefine((env, ctx) => {
    if (env.JCS_DB_DRIVER === "postgresql" && env.JCS_DATABASE_URL === undefined) {
      ctx.addIssue({ code: "custom", path: ["JCS_DATABASE_URL"], message: "is required when JCS_DB_DRIVER=postgresql (e.g. postgres://user:pass@host:5432/db)" });
    }
    if (env.JCS_RETRY_BASE_DELAY_MS > env.JCS_RETRY_MAX_DELAY_MS) {
      ctx.addIssue({ code: "custom", path: ["JCS_RETRY_BASE_DELAY_MS"], message: "must not exceed JCS_RETRY_MAX_DELAY_MS" });
    }
    for (const [stream, minutes] of Object.entries(parseFreshness(env.JCS_STREAM_FRESHNESS_MINUTES))) {
      if (minutes < 1 || minutes > 7 * 24 * 60) ctx.addIssue({ code: "custom", path: ["JCS_STREAM_FRESHNESS_MINUTES"], message: `${stream}: minutes must be between 1 and ${7 * 24 * 60}` });
    }
    if (env.JCS_FAILURE_BACKOFF_BASE_MS > env.JCS_FAILURE_BACKOFF_MAX_MS) {
      ctx.addIssue({ code: "custom", path: ["JCS_FAILURE_BACKOFF_BASE_MS"], message: "must not exceed JCS_FAILURE_BACKOFF_MAX_MS" });
    }
  });

export type Environment = z.infer<typeof environmentSchema>;

/** `usage=5, devices=60` → `{ usage: 5, devices: 60 }` (the format is checked by the schema). */
export function parseFreshness(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of (text ?? "").split(",")) {
    const [name, minutes] = pair.split("=").map((p) => p.trim());
    if (name === undefined || name === "" || minutes === undefined) continue;
    out[name] = Number(minutes);
  }
  return out;
}

const KEY_HINT = "e.g. the output of `openssl rand -base64 32`";

/** 32 bytes as base64 (standard or url-safe) or hex: the store encrypts API keys with AES-256-GCM. */
export function secretKeyBytes(text: string): number {
  if (/^[0-9a-f]{64}$/iu.test(text)) return 32;
  if (/^[A-Za-z0-9+/_-]+={0,2}$/u.test(text)) return Buffer.from(text, "base64").length;
  return 0;
}

export const secretKeySchema = z
  .string({ error: `is required outside the demo: it encrypts the JumpCloud API keys at rest. Set JCS_SECRET_KEY to a 32-byte key (${KEY_HINT})` })
  .refine((v) => secretKeyBytes(v) === 32, { message: `must be a 32-byte key in base64 or hex (${KEY_HINT})` });
