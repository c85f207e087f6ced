import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { AccountsService } from "../src/accounts/accounts.service.js";
import { SyncFacade } from "../src/sync/sync-facade.service.js";
import { startApiApp, type ApiApp } from "./support/api-app.js";

/** `name{labels} value` → value, for one exact series. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/u.exec(line);
    if (m?.[1] !== name) continue;
    const have = (m[2] ?? "").split(",");
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(m[3]);
  }
  return undefined;
}

describe("Prometheus /metrics per scope and stream", () => {
  let sim: Sim;
  let api: ApiApp;
  let scopeId: string;

  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 11 });
    // The storm's 429s fall on request sequence numbers and the snapshot reads lists side by side,
    // so which request gets them varies: with the default 5 attempts one request in ~1,000 exhausts
    // them and the run fails. This suite is about the counters, not that failure (see
    // rate-limits-and-5xx): 12 attempts make it ~1 in 17 million.
    api = await startApiApp({ clock: sim.clock, env: { JCS_RETRY_MAX_ATTEMPTS: "12" } });
    const view = await api.app.get(AccountsService).add(
      { name: "metrics", apiKey: sim.credentials.apiKey, region: null, endpoints: { consoleBaseUrl: sim.consoleBaseUrl, insightsBaseUrl: sim.insightsBaseUrl } },
      "test",
    );
    scopeId = view.scopes[0]!.id;
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it("has no per-scope series before a sync, only the process's", async () => {
    const text = (await api.call("GET", "/metrics", { token: null })).text;
    expect(text).toContain("jcs_process_cpu_user_seconds_total");
    expect(text).not.toContain(`scope="${scopeId}"`);
  });

  it("adds up the runs' counters (incl. 429s and retries under a rate-limit storm), and reports last success and lag", async () => {
    sim.faults.set({ seed: 3, rate429: 0.25, retryAfterSeconds: null });
    const [result] = await api.app.get(SyncFacade).syncNow({ scopeIds: [scopeId] });
    sim.faults.clear();
    const runs = result!.streams.flatMap((s) => (s.kind === "ran" ? [s] : []));
    // Every registered stream: the directory's and the MDM module's.
    // A failed run's message in the comparison, so a failure says why.
    expect(runs.map((r) => [r.stream, r.state === "failed" ? `failed: ${r.message}` : r.state])).toEqual(["directory", "usage", "devices", "managed-apps", "software-events"].map((s) => [s, "succeeded"]));
    const finishedAt = sim.clock.now().getTime();
    sim.clock.advance(90_000);

    const text = (await api.call("GET", "/metrics", { token: null })).text;
    let rateLimited = 0;
    for (const run of runs) {
      const labels = { scope: scopeId, stream: run.stream };
      expect(sample(text, "jcs_sync_requests_total", labels)).toBe(run.counters.requests);
      expect(sample(text, "jcs_sync_pages_total", labels)).toBe(run.counters.pages);
      expect(sample(text, "jcs_sync_retries_total", labels)).toBe(run.counters.retries);
      expect(sample(text, "jcs_sync_rate_limited_total", labels)).toBe(run.counters.rateLimited);
      for (const change of ["created", "updated", "removed"] as const) expect(sample(text, "jcs_sync_rows_total", { ...labels, change })).toBe(run.counters[change]);
      expect(sample(text, "jcs_sync_runs_total", { ...labels, state: "succeeded", outcome: "succeeded" })).toBe(1);
      expect(sample(text, "jcs_sync_run_duration_seconds_count", labels)).toBe(1);
      expect(sample(text, "jcs_sync_last_run_duration_seconds", labels)).toBeCloseTo(run.durationMs / 1000, 3);
      expect(sample(text, "jcs_sync_last_success_timestamp_seconds", labels)).toBe(finishedAt / 1000);
      expect(sample(text, "jcs_sync_lag_seconds", labels)).toBe(90);
      expect(sample(text, "jcs_sync_consecutive_failures", labels)).toBe(0);
      expect(sample(text, "jcs_sync_past_freshness_target", labels)).toBe(0);
      rateLimited += run.counters.rateLimited;
    }
    expect(rateLimited).toBeGreaterThan(0);
    expect(runs[0]!.counters.created).toBeGreaterThan(0);
  });

  it("shows a scope that needs attention, with the reason", async () => {
    sim.faults.set({ revokeKeyAfterRequests: 0 });
    sim.clock.advance(60_000);
    await api.app.get(SyncFacade).syncNow({ scopeIds: [scopeId] });
    sim.faults.clear();
    const text = (await api.call("GET", "/metrics", { token: null })).text;
    expect(sample(text, "jcs_sync_needs_attention", { scope: scopeId, stream: "directory", reason: "invalid-credentials" })).toBe(1);
    expect(sample(text, "jcs_sync_runs_total", { scope: scopeId, stream: "directory", state: "failed", outcome: "failed" })).toBe(1);
    expect(sample(text, "jcs_sync_consecutive_failures", { scope: scopeId, stream: "directory" })).toBe(1);
    // The last success stays, so the lag keeps growing.
    expect(sample(text, "jcs_sync_lag_seconds", { scope: scopeId, stream: "directory" })).toBe(150);
  });

  it("flags a stream past its freshness target (usage: 5 minutes) without touching the others", async () => {
    sim.clock.advance(10 * 60_000);
    const text = (await api.call("GET", "/metrics", { token: null })).text;
    expect(sample(text, "jcs_sync_freshness_target_seconds", { scope: scopeId, stream: "usage" })).toBe(300);
    expect(sample(text, "jcs_sync_past_freshness_target", { scope: scopeId, stream: "usage" })).toBe(1);
    expect(sample(text, "jcs_sync_past_freshness_target", { scope: scopeId, stream: "directory" })).toBe(0);
  });
});
