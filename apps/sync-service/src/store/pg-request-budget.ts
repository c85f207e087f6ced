import { createHash } from "node:crypto";
import type { RequestBudget } from "@jumpcloud-sync/jumpcloud-client";
import type { SyncStore } from "./store.types.js";

interface Connection {
  execute(sql: string, params?: unknown[]): Promise<unknown>;
}

/** A key's fingerprint in the budget tables: never the key itself. */
export function keyFingerprint(apiKey: string): string {
  return createHash("sha256").update(`jumpcloud-sync budget:${apiKey}`).digest("hex").slice(0, 32);
}

const quote = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

/**
 * The per-key request budget shared by every replica, in PostgreSQL: a rolling window of request
 * start times per key fingerprint, taken one at a time under the key's row lock by a PL/pgSQL
 * function (each statement inside sees what the previous holder committed; the database's clock
 * is the one clock of all replicas). `take` answers 0 (go) or how long to wait; a 429 sets the
 * key's `paused_until`, so every replica on that key waits for `Retry-After`.
 */
export class PgRequestBudgets {
  private ready: Promise<void> | null = null;
  /**
   * A request counts against the budget for its window plus 10% (at least 1 s, at most 3 s): between taking a
   * slot and reaching JumpCloud a request may wait on a busy event loop or the network, and that
   * jitter must not squeeze two windows' requests into one at JumpCloud's end.
   */
  private readonly heldMs: number;
  private readonly budgets = new Map<string, RequestBudget>();

  constructor(
    private readonly store: SyncStore,
    private readonly schema: string,
    private readonly requests: number,
    private readonly windowMs: number,
  ) {
    this.heldMs = windowMs + Math.min(3_000, Math.max(1_000, Math.ceil(windowMs / 10)));
  }

  private get connection(): Connection {
    return this.store.orm.em.getConnection();
  }

  /** Creates the tables and the function once per process (idempotent; serialised across replicas by an advisory lock). */
  private setUp(): Promise<void> {
    this.ready ??= (async () => {
      const s = quote(this.schema);
      // One simple-protocol query: the statements run in one transaction, after the lock.
      await this.connection.execute(`
        select pg_advisory_xact_lock(7215340);
        create schema if not exists ${s};
        create table if not exists ${s}.jcs_request_budget_key (key_id text primary key, paused_until timestamptz);
        create table if not exists ${s}.jcs_request_budget_use (key_id text not null, at timestamptz not null);
        create index if not exists jcs_request_budget_use_key_at on ${s}.jcs_request_budget_use (key_id, at);
        create or replace function ${s}.jcs_take_request(p_key text, p_budget integer, p_window_ms integer) returns integer
        language plpgsql as $fn$
        declare
          v_now timestamptz := clock_timestamp();
          v_window interval := make_interval(secs => p_window_ms / 1000.0);
          v_paused timestamptz;
          v_used integer;
          v_oldest timestamptz;
        begin
          insert into ${s}.jcs_request_budget_key (key_id) values (p_key) on conflict (key_id) do nothing;
          select paused_until into v_paused from ${s}.jcs_request_budget_key where key_id = p_key for update;
          if v_paused is not null and v_paused > v_now then
            return greatest(1, ceil(extract(epoch from v_paused - v_now) * 1000))::integer;
          end if;
          delete from ${s}.jcs_request_budget_use where key_id = p_key and at <= v_now - v_window;
          select count(*), min(at) into v_used, v_oldest from ${s}.jcs_request_budget_use where key_id = p_key;
          if v_used < p_budget then
            insert into ${s}.jcs_request_budget_use (key_id, at) values (p_key, v_now);
            return 0;
          end if;
          return greatest(1, ceil(extract(epoch from (v_oldest + v_window) - v_now) * 1000))::integer;
        end
        $fn$;
      `);
    })().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  /** The budget of one API key (every client and MSP org using that key shares it, in every replica). */
  forKey(apiKey: string): RequestBudget {
    const id = keyFingerprint(apiKey);
    const existing = this.budgets.get(id);
    if (existing !== undefined) return existing;
    const s = quote(this.schema);
    const budget: RequestBudget = {
      take: async (signal) => {
        await this.setUp();
        for (;;) {
          signal.throwIfAborted();
          const rows = (await this.connection.execute(`select ${s}.jcs_take_request(?, ?, ?) as wait_ms`, [id, this.requests, this.heldMs])) as { wait_ms: number }[];
          const waitMs = Number(rows[0]?.wait_ms ?? 0);
          if (waitMs <= 0) return;
          await sleep(Math.min(waitMs, this.windowMs), signal);
        }
      },
      pauseFor: (ms) => {
        void this.setUp()
          .then(() =>
            this.connection.execute(
              `insert into ${s}.jcs_request_budget_key (key_id, paused_until) values (?, clock_timestamp() + make_interval(secs => ? / 1000.0))
               on conflict (key_id) do update set paused_until = greatest(coalesce(${s}.jcs_request_budget_key.paused_until, excluded.paused_until), excluded.paused_until)`,
              [id, ms],
            ),
          )
          // The local limiter already paused this process; the other replicas learn of it from their own 429s.
          .catch(() => undefined);
      },
    };
    this.budgets.set(id, budget);
    return budget;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
