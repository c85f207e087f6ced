import { createHash } from "node:crypto";

export interface RateLimiterConfig {
  requestsPerMinute: number;
  concurrency: number;
  /** The rolling window; a minute in production, shorter in tests. */
  windowMs?: number;
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * Requests per rolling window + requests in flight, FIFO. One instance per API key (see
 * `limiterForKey`): JumpCloud's limits, whatever they are, apply to the key, not to one client.
 */
export class RateLimiter {
  #rpm: number;
  #concurrency: number;
  readonly #windowMs: number;
  #active = 0;
  /** Start times inside the current window, oldest first. */
  #starts: number[] = [];
  #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #pausedUntil = 0;

  constructor(config: RateLimiterConfig) {
    this.#rpm = positive(config.requestsPerMinute, "requestsPerMinute");
    this.#concurrency = positive(config.concurrency, "concurrency");
    this.#windowMs = config.windowMs ?? 60_000;
  }

  configure(config: Partial<RateLimiterConfig>): void {
    if (config.requestsPerMinute !== undefined) this.#rpm = positive(config.requestsPerMinute, "requestsPerMinute");
    if (config.concurrency !== undefined) this.#concurrency = positive(config.concurrency, "concurrency");
    this.#pump();
  }

  get inFlight(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Resolves with a release function once a slot is free. Call it exactly once. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal?.reason as Error);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** After a 429: nobody using this key starts a request before `ms` from now. */
  pauseFor(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + ms);
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#active < this.#concurrency) {
      const now = Date.now();
      while (this.#starts.length > 0 && this.#starts[0]! <= now - this.#windowMs) this.#starts.shift();
      let wakeAt = 0;
      if (this.#pausedUntil > now) wakeAt = this.#pausedUntil;
      else if (this.#starts.length >= this.#rpm) wakeAt = this.#starts[0]! + this.#windowMs;
      if (wakeAt > 0) {
        this.#schedule(wakeAt - now);
        return;
      }
      const waiter = this.#queue.shift()!;
      waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.#active++;
      this.#starts.push(now);
      let released = false;
      waiter.resolve(() => {
        if (released) return;
        released = true;
        this.#active--;
        this.#pump();
      });
    }
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#pump();
      },
      Math.max(1, delayMs),
    );
    // A limiter with nothing to do must not keep the process alive; waiters hold their own promises.
    this.#timer.unref();
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`rateLimit.${name} must be a number ≥ 1 (got ${value})`);
  return Math.floor(value);
}

export const DEFAULT_RATE_LIMIT = { requestsPerMinute: 200, concurrency: 8 } as const;

// Keyed by a hash so the registry itself never holds the key as a map key.
const registry = new Map<string, RateLimiter>();

/**
 * The limiter shared by every client built with `apiKey` in this process. An explicit
 * configuration reconfigures it (last explicit one wins); omitted settings keep their value.
 */
export function limiterForKey(apiKey: string, config?: Partial<RateLimiterConfig>): RateLimiter {
  const id = createHash("sha256").update(apiKey).digest("hex");
  let limiter = registry.get(id);
  if (limiter === undefined) {
    limiter = new RateLimiter({ ...DEFAULT_RATE_LIMIT, ...stripUndefined(config) });
    registry.set(id, limiter);
  } else if (config !== undefined) {
    limiter.configure(stripUndefined(config));
  }
  return limiter;
}

function stripUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
