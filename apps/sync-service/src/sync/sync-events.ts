import { EventEmitter } from "node:events";
import { Injectable } from "@nestjs/common";
import type { StreamName, SyncCounters, SyncRunState } from "@jumpcloud-sync/domain";

export type SyncEvent =
  | { readonly kind: "run-started"; readonly scopeId: string; readonly stream: StreamName; readonly runId: string }
  | {
      readonly kind: "progress";
      readonly scopeId: string;
      readonly stream: StreamName;
      readonly stage: string;
      readonly done?: number;
      readonly total?: number;
      readonly counters: Readonly<SyncCounters>;
    }
  | {
      readonly kind: "run-finished";
      readonly scopeId: string;
      readonly stream: StreamName;
      readonly runId: string;
      readonly state: Extract<SyncRunState, "succeeded" | "failed">;
      readonly outcome: string;
      /** The run's summary or reason (for `unavailable`: why the source is not offered). */
      readonly message: string;
      readonly error: string | null;
      readonly counters: Readonly<SyncCounters>;
      readonly durationMs: number;
    }
  | { readonly kind: "run-skipped"; readonly scopeId: string; readonly stream: StreamName; readonly reason: string };

/** Progress of the sync, for the CLI's display and (issue 7) metrics; never holds a secret. */
@Injectable()
export class SyncEvents {
  private readonly emitter = new EventEmitter();

  emit(event: SyncEvent): void {
    // A throwing listener (a broken progress display) must not fail a sync.
    for (const listener of this.emitter.listeners("event")) {
      try {
        (listener as (e: SyncEvent) => void)(event);
      } catch {
        /* ignored on purpose */
      }
    }
  }

  subscribe(listener: (event: SyncEvent) => void): () => void {
    this.emitter.on("event", listener);
    return () => this.emitter.off("event", listener);
  }
}
