import { describe, expect, it } from "vitest";
import type { Account, Scope, StreamStatus } from "@jumpcloud-sync/domain";
import { pastFreshnessTargets, streamAge } from "./freshness.js";

const NOW = Date.parse("2026-06-01T12:00:00Z");
const MIN = 60_000;

function account(id: string, paused = false): Account {
  const at = new Date(NOW);
  return { id, name: id, region: "us", endpoints: { consoleBaseUrl: "http://x", insightsBaseUrl: "http://x" }, permission: "read", orgId: null, multiTenant: false, paused, scheduleMinutes: 60, createdAt: at, updatedAt: at };
}
const scope = (id: string, accountId: string, enabled = true): Scope => ({ id, accountId, orgId: null, orgName: null, enabled });
function status(scopeId: string, stream: string, minutesAgo: number | null, unavailable = false): StreamStatus {
  return {
    scopeId,
    stream,
    lastAttemptAt: null,
    lastSuccessAt: minutesAgo === null ? null : new Date(NOW - minutesAgo * MIN),
    consecutiveFailures: 0,
    nextAttemptAt: null,
    lastError: null,
    attention: [],
    unavailable: unavailable ? { reason: "insights-not-enabled", message: "off", since: new Date(NOW).toISOString() } : null,
  };
}
const targets = (stream: string): number => (stream === "usage" ? 5 * MIN : 60 * MIN);

describe("freshness against the stream's target", () => {
  it("is past its target only after a success older than the target, and not when the source is unavailable", () => {
    expect(streamAge(status("s", "usage", 4), 5 * MIN, NOW)).toEqual({ ageMs: 4 * MIN, pastTarget: false });
    expect(streamAge(status("s", "usage", 6), 5 * MIN, NOW)).toEqual({ ageMs: 6 * MIN, pastTarget: true });
    expect(streamAge(status("s", "usage", null), 5 * MIN, NOW)).toEqual({ ageMs: null, pastTarget: false });
    expect(streamAge(undefined, 5 * MIN, NOW)).toEqual({ ageMs: null, pastTarget: false });
    expect(streamAge(status("s", "usage", 60, true), 5 * MIN, NOW).pastTarget).toBe(false);
  });

  it("lists the late scope × streams of active accounts and enabled scopes, furthest past its own target first", () => {
    const accounts = [account("a"), account("paused", true)];
    const scopes = [scope("a1", "a"), scope("a2", "a"), scope("off", "a", false), scope("p1", "paused")];
    const statuses = [
      status("a1", "usage", 20), // 4x its 5-minute target
      status("a1", "directory", 90), // 1.5x its hour
      status("a2", "usage", 3), // fresh
      status("a2", "directory", 30),
      status("off", "usage", 500),
      status("p1", "usage", 500),
    ];
    expect(pastFreshnessTargets(accounts, scopes, statuses, ["directory", "usage"], targets, NOW)).toEqual([
      { scopeId: "a1", stream: "usage", ageSeconds: 1200, targetSeconds: 300 },
      { scopeId: "a1", stream: "directory", ageSeconds: 5400, targetSeconds: 3600 },
    ]);
  });
});
