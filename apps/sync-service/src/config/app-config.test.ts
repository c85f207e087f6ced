import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./app-config.js";

const KEY = Buffer.alloc(32, 7).toString("base64");

describe("parseConfig", () => {
  it("defaults to SQLite under ./.data with production-safe limits", () => {
    const c = parseConfig({ JCS_SECRET_KEY: KEY }, {}, "/srv/app");
    expect(c.database).toEqual({ driver: "sqlite", dbPath: "/srv/app/.data/jumpcloud-sync.sqlite", url: null, schema: null });
    expect(c.sync.maxConcurrentScopes).toBe(4);
    expect(c.sync.defaultScheduleMinutes).toBe(60);
    expect(c.sync.streamFreshnessMinutes).toEqual({});
    expect(c.jumpcloud.requestsPerMinute).toBe(200);
    expect(c.sync.insights.maxLookbackMs).toBe(90 * 86_400_000);
  });

  it("refuses to boot without a secret key, saying how to make one", () => {
    expect(() => parseConfig({})).toThrow(ConfigError);
    expect(() => parseConfig({})).toThrow(/JCS_SECRET_KEY: is required outside the demo.*openssl rand -base64 32/su);
    expect(() => parseConfig({ JCS_SECRET_KEY: "too-short" })).toThrow(/JCS_SECRET_KEY: must be a 32-byte key in base64 or hex/u);
    expect(() => parseConfig({ JCS_SECRET_KEY: "ab".repeat(32) })).not.toThrow();
  });

  it("reports every bad value at once", () => {
    let message = "";
    try {
      parseConfig({ JCS_SECRET_KEY: KEY, JCS_DB_DRIVER: "mysql", JCS_MAX_CONCURRENT_SCOPES: "0", JCS_SCHEDULER_TICK_SECONDS: "soon", JCS_LOG_LEVEL: "loud" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/JCS_DB_DRIVER/u);
    expect(message).toMatch(/JCS_MAX_CONCURRENT_SCOPES/u);
    expect(message).toMatch(/JCS_SCHEDULER_TICK_SECONDS/u);
    expect(message).toMatch(/JCS_LOG_LEVEL/u);
    expect(() => parseConfig({ JCS_SECRET_KEY: "short", JCS_DB_DRIVER: "postgresql" })).toThrow(/JCS_DATABASE_URL[\s\S]*JCS_SECRET_KEY/u);
  });

  it("needs a URL for PostgreSQL and validates intervals against each other", () => {
    expect(() => parseConfig({ JCS_SECRET_KEY: KEY, JCS_DB_DRIVER: "postgresql" })).toThrow(/JCS_DATABASE_URL: is required when JCS_DB_DRIVER=postgresql/u);
    const pg = parseConfig({ JCS_SECRET_KEY: KEY, JCS_DB_DRIVER: "postgresql", JCS_DATABASE_URL: "postgres://u:p@localhost:5432/jcs", JCS_DB_SCHEMA: "jcs" });
    expect(pg.database).toMatchObject({ driver: "postgresql", url: "postgres://u:p@localhost:5432/jcs", schema: "jcs" });
    expect(() => parseConfig({ JCS_SECRET_KEY: KEY, JCS_RETRY_BASE_DELAY_MS: "5000", JCS_RETRY_MAX_DELAY_MS: "1000" })).toThrow(/JCS_RETRY_BASE_DELAY_MS/u);
  });

  it("reads stream freshness targets as name=minutes pairs and refuses malformed ones", () => {
    expect(parseConfig({ JCS_SECRET_KEY: KEY, JCS_STREAM_FRESHNESS_MINUTES: "usage=5, devices = 90" }).sync.streamFreshnessMinutes).toEqual({ usage: 5, devices: 90 });
    expect(() => parseConfig({ JCS_SECRET_KEY: KEY, JCS_STREAM_FRESHNESS_MINUTES: "usage:5" })).toThrow(/JCS_STREAM_FRESHNESS_MINUTES: must be `stream=minutes` pairs/u);
    expect(() => parseConfig({ JCS_SECRET_KEY: KEY, JCS_STREAM_FRESHNESS_MINUTES: "usage=0" })).toThrow(/JCS_STREAM_FRESHNESS_MINUTES: usage: minutes must be between 1/u);
  });

  it("lets overrides (the demo's dev key, a test's DB file) pass the same validation", () => {
    const c = parseConfig({}, { JCS_SECRET_KEY: KEY, JCS_DB_PATH: "/tmp/x.sqlite", JCS_LOG_LEVEL: "warn" });
    expect(c.database.dbPath).toBe("/tmp/x.sqlite");
    expect(c.logLevel).toBe("warn");
  });
});
