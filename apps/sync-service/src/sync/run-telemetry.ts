import { AsyncLocalStorage } from "node:async_hooks";
import type { SyncCounters } from "@jumpcloud-sync/domain";

/** What a JumpCloud client reports per request; structural so this file needs no client import. */
export type ClientTelemetryEvent =
  | { readonly type: "request"; readonly status: number | null }
  | { readonly type: "retry" }
  | { readonly type: "rate-limited" }
  | { readonly type: "page"; readonly rows: number };

/** The counters of the run in whose async context a client call happens. */
export interface RunTelemetry {
  readonly scopeId: string;
  readonly counters: SyncCounters;
}

const current = new AsyncLocalStorage<RunTelemetry>();

/**
 * Clients are per account key (their rate limiter is shared by the key's scopes), so a client
 * cannot know which run a request belongs to; the async context of the call does.
 */
export function withRunTelemetry<T>(scopeId: string, counters: SyncCounters, fn: () => Promise<T>): Promise<T> {
  return current.run({ scopeId, counters }, fn);
}


export function recordClientEvent(event: ClientTelemetryEvent): void {
  const t = current.getStore();
  if (t === undefined) return;
  switch (event.type) {
    case "request":
      t.counters.requests += 1;
      break;
    case "retry":
      t.counters.retries += 1;
      break;
    case "rate-limited":
      t.counters.rateLimited += 1;
      break;
    case "page":
      t.counters.pages += 1;
      break;
  }
}
