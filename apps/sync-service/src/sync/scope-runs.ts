import { Injectable } from "@nestjs/common";
import type { StreamName } from "@jumpcloud-sync/domain";

interface Pass {
  readonly scopeId: string;
  readonly accountId: string;
  readonly streams: ReadonlySet<StreamName>;
  readonly controller: AbortController;
  done: Promise<unknown>;
}

/**
 * The scope passes this process is running, keyed by scope × stream: a pass claims the due streams
 * of one scope that no other pass here runs, so a second pass over the same scope (an MDM stream
 * due while the directory snapshot still runs) takes the streams left free. Each pass has an
 * AbortSignal, raised on shutdown (stop after the current page) and when the scope's account is
 * paused or removed.
 */
@Injectable()
export class ScopeRuns {
  private readonly passes = new Set<Pass>();
  private stopping = false;

  get isStopping(): boolean {
    return this.stopping;
  }

  /** A stream of the scope (any stream without `stream`) runs in this process. */
  isRunning(scopeId: string, stream?: StreamName): boolean {
    for (const pass of this.passes) if (pass.scopeId === scopeId && (stream === undefined || pass.streams.has(stream))) return true;
    return false;
  }

  /** Scopes with at least one stream running here. */
  get size(): number {
    return new Set([...this.passes].map((p) => p.scopeId)).size;
  }

  /**
   * Runs a pass over the wanted streams of a scope that are not already running here; null when
   * every one of them is. The task gets the streams it claimed, in the order asked.
   */
  launch<T>(scopeId: string, accountId: string, wanted: readonly StreamName[], task: (signal: AbortSignal, streams: readonly StreamName[]) => Promise<T>): Promise<T> | null {
    const streams = wanted.filter((s) => !this.isRunning(scopeId, s));
    if (streams.length === 0) return null;
    const pass: Pass = { scopeId, accountId, streams: new Set(streams), controller: new AbortController(), done: Promise.resolve() };
    this.passes.add(pass);
    const done = (async () => {
      try {
        return await task(pass.controller.signal, streams);
      } finally {
        this.passes.delete(pass);
      }
    })();
    pass.done = done;
    return done;
  }

  /** Asks the account's running passes to stop at the next checkpoint and waits for them. */
  async cancelAccount(accountId: string, reason: string): Promise<void> {
    await this.abort((p) => p.accountId === accountId, reason);
  }

  /** Shutdown: no new pass starts; running ones stop at their next checkpoint. */
  async stopAll(reason: string): Promise<void> {
    this.stopping = true;
    await this.abort(() => true, reason);
  }

  private async abort(which: (p: Pass) => boolean, reason: string): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const pass of this.passes) {
      if (!which(pass)) continue;
      pass.controller.abort(new Error(reason));
      waits.push(pass.done.catch(() => undefined));
    }
    await Promise.all(waits);
  }
}
