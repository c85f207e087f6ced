import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from "@nestjs/common";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Clock, SyncCounters } from "@jumpcloud-sync/domain";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { streamAge } from "../sync/freshness.js";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { SyncEvents, type SyncEvent } from "../sync/sync-events.js";

const LABELS = ["scope", "stream"] as const;

/** Counter name → the run counter it adds up (per finished run). */
const RUN_COUNTERS: readonly { name: string; help: string; field: keyof SyncCounters }[] = [
  { name: "jcs_sync_requests_total", help: "JumpCloud requests made by finished sync runs.", field: "requests" },
  { name: "jcs_sync_pages_total", help: "Pages read by finished sync runs.", field: "pages" },
  { name: "jcs_sync_retries_total", help: "Retried JumpCloud requests in finished sync runs.", field: "retries" },
  { name: "jcs_sync_rate_limited_total", help: "429 (rate limited) answers seen by finished sync runs.", field: "rateLimited" },
  { name: "jcs_sync_events_total", help: "Directory Insights events read by finished sync runs.", field: "events" },
];

const ROW_CHANGES: readonly { change: string; field: keyof SyncCounters }[] = [
  { change: "created", field: "created" },
  { change: "updated", field: "updated" },
  { change: "removed", field: "removed" },
];

/**
 * Prometheus metrics per scope and stream. Run counters and durations come from this process's
 * sync events (SyncEvents, fed by the run telemetry); last success, lag and "needs attention" are
 * read from the store at scrape time, so they are right after a restart and across replicas.
 * Each app instance has its own registry (tests boot several in one process).
 */
@Injectable()
export class SyncMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private unsubscribe: (() => void) | null = null;
  private readonly counters = new Map<keyof SyncCounters, Counter<(typeof LABELS)[number]>>();
  private readonly rows: Counter<"scope" | "stream" | "change">;
  private readonly runs: Counter<"scope" | "stream" | "state" | "outcome">;
  private readonly duration: Histogram<(typeof LABELS)[number]>;
  private readonly lastDuration: Gauge<(typeof LABELS)[number]>;

  constructor(
    @Inject(STORE) store: SyncStore,
    @Inject(CLOCK) clock: Clock,
    private readonly events: SyncEvents,
    streamRegistry: StreamRegistry,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "jcs_" });
    for (const c of RUN_COUNTERS) this.counters.set(c.field, new Counter({ name: c.name, help: c.help, labelNames: LABELS, registers }));
    this.rows = new Counter({ name: "jcs_sync_rows_total", help: "Rows created, updated and removed by finished sync runs.", labelNames: ["scope", "stream", "change"], registers });
    this.runs = new Counter({ name: "jcs_sync_runs_total", help: "Finished sync runs by state and outcome.", labelNames: ["scope", "stream", "state", "outcome"], registers });
    this.duration = new Histogram({
      name: "jcs_sync_run_duration_seconds",
      help: "Duration of finished sync runs.",
      labelNames: LABELS,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers,
    });
    this.lastDuration = new Gauge({ name: "jcs_sync_last_run_duration_seconds", help: "Duration of the last finished sync run.", labelNames: LABELS, registers });

    // Scrape-time gauges from the stream statuses in the store.
    let snapshot: Promise<Awaited<ReturnType<SyncStore["runs"]["listStreamStatuses"]>>> | null = null;
    // One store read per scrape, shared by the gauges below.
    const statuses = () => (snapshot ??= store.runs.listStreamStatuses().finally(() => setTimeout(() => (snapshot = null), 0).unref()));
    new Gauge({
      name: "jcs_sync_last_success_timestamp_seconds",
      help: "Unix time of the last successful sync run (absent: never succeeded).",
      labelNames: LABELS,
      registers,
      async collect() {
        this.reset();
        for (const s of await statuses()) if (s.lastSuccessAt !== null) this.set({ scope: s.scopeId, stream: s.stream }, s.lastSuccessAt.getTime() / 1000);
      },
    });
    new Gauge({
      name: "jcs_sync_lag_seconds",
      help: "Seconds since the last successful sync run.",
      labelNames: LABELS,
      registers,
      async collect() {
        this.reset();
        const now = clock.now().getTime();
        for (const s of await statuses()) if (s.lastSuccessAt !== null) this.set({ scope: s.scopeId, stream: s.stream }, Math.max(0, (now - s.lastSuccessAt.getTime()) / 1000));
      },
    });
    // The freshness target per scope × stream (the directory's follows its account's schedule) and
    // whether the stream is past it now: a flag to alert on, beside the lag.
    const targets = async (): Promise<{ scope: string; stream: string; targetMs: number; past: boolean }[]> => {
      const accounts = new Map((await store.accounts.listAccounts()).map((a) => [a.id, a]));
      const accountOf = new Map((await store.accounts.listScopes()).flatMap((sc) => (accounts.has(sc.accountId) ? [[sc.id, accounts.get(sc.accountId)!] as const] : [])));
      const now = clock.now().getTime();
      return (await statuses()).flatMap((s) => {
        const account = accountOf.get(s.scopeId);
        if (account === undefined || !streamRegistry.has(s.stream)) return [];
        const targetMs = streamRegistry.freshnessMs(s.stream, account);
        return [{ scope: s.scopeId, stream: s.stream, targetMs, past: streamAge(s, targetMs, now).pastTarget }];
      });
    };
    new Gauge({
      name: "jcs_sync_freshness_target_seconds",
      help: "How old a scope's stream may get (its freshness target).",
      labelNames: LABELS,
      registers,
      async collect() {
        this.reset();
        for (const t of await targets()) this.set({ scope: t.scope, stream: t.stream }, t.targetMs / 1000);
      },
    });
    new Gauge({
      name: "jcs_sync_past_freshness_target",
      help: "1 while a scope's stream is older than its freshness target (flagged, not a failure).",
      labelNames: LABELS,
      registers,
      async collect() {
        this.reset();
        for (const t of await targets()) this.set({ scope: t.scope, stream: t.stream }, t.past ? 1 : 0);
      },
    });
    new Gauge({
      name: "jcs_sync_consecutive_failures",
      help: "Failed runs in a row.",
      labelNames: LABELS,
      registers,
      async collect() {
        this.reset();
        for (const s of await statuses()) this.set({ scope: s.scopeId, stream: s.stream }, s.consecutiveFailures);
      },
    });
    new Gauge({
      name: "jcs_sync_needs_attention",
      help: "1 per reason a scope's stream needs a person (revoked key, vanished organization, refused mass deletion, repeated failures).",
      labelNames: ["scope", "stream", "reason"],
      registers,
      async collect() {
        this.reset();
        for (const s of await statuses()) for (const a of s.attention) this.set({ scope: s.scopeId, stream: s.stream, reason: a.code }, 1);
      },
    });
    new Gauge({
      name: "jcs_sync_stream_unavailable",
      help: "1 while the scope does not offer a stream's source (e.g. Directory Insights not enabled): a capability, not a failure.",
      labelNames: ["scope", "stream", "reason"],
      registers,
      async collect() {
        this.reset();
        for (const s of await statuses()) if (s.unavailable !== null) this.set({ scope: s.scopeId, stream: s.stream, reason: s.unavailable.reason }, 1);
      },
    });
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.record(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  private record(event: SyncEvent): void {
    if (event.kind !== "run-finished") return;
    const labels = { scope: event.scopeId, stream: event.stream };
    for (const [field, counter] of this.counters) counter.inc(labels, event.counters[field]);
    for (const r of ROW_CHANGES) this.rows.inc({ ...labels, change: r.change }, event.counters[r.field]);
    this.runs.inc({ ...labels, state: event.state, outcome: event.outcome });
    this.duration.observe(labels, event.durationMs / 1000);
    this.lastDuration.set(labels, event.durationMs / 1000);
  }
}
