import { Injectable } from "@nestjs/common";

/**
 * The scope syncs this process is running, each with an AbortSignal: raised on shutdown (stop after
 * the current page) and when the scope's account is paused or removed.
 */
@Injectable()
export class ScopeRuns {
  private readonly running = new Map<string, { accountId: string; controller: AbortController; done: Promise<unknown> }>();
  private stopping = false;

  get isStopping(): boolean {
    return this.stopping;
  }

  isRunning(scopeId: string): boolean {
    return this.running.has(scopeId);
  }

  get size(): number {
    return this.running.size;
  }

  /** Runs a scope sync unless this process already runs that scope (then null). */
  launch<T>(scopeId: string, accountId: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> | null {
    if (this.running.has(scopeId)) return null;
    const controller = new AbortController();
    const entry: { accountId: string; controller: AbortController; done: Promise<unknown> } = { accountId, controller, done: Promise.resolve() };
    this.running.set(scopeId, entry);
    const done = (async () => {
      try {
        return await task(controller.signal);
      } finally {
        if (this.running.get(scopeId) === entry) this.running.delete(scopeId);
      }
    })();
    entry.done = done;
    return done;
  }

  /** Asks the account's running scope syncs to stop at the next checkpoint and waits for them. */
  async cancelAccount(accountId: string, reason: string): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const entry of this.running.values()) {
      if (entry.accountId !== accountId) continue;
      entry.controller.abort(new Error(reason));
      waits.push(entry.done.catch(() => undefined));
    }
    await Promise.all(waits);
  }

  /** Shutdown: no new scope starts; running ones stop at their next checkpoint. */
  async stopAll(reason: string): Promise<void> {
    this.stopping = true;
    const waits: Promise<unknown>[] = [];
    for (const entry of this.running.values()) {
      entry.controller.abort(new Error(reason));
      waits.push(entry.done.catch(() => undefined));
    }
    await Promise.all(waits);
  }
}
