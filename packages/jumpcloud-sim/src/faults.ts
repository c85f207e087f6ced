// Fault injection. Every draw is a hash of (seed, request number, kind), so a run with the same
// seed and the same request order sees the same faults.
import type { FaultConfig } from "./api.types.js";
import { mix32 } from "./rng.js";

export type FaultDecision =
  | { kind: "none" }
  | { kind: "drop" }
  | { kind: "429"; retryAfter: number | null }
  | { kind: "5xx"; status: number }
  | { kind: "malformed" }
  | { kind: "stall"; ms: number; afterApply: boolean };

const KIND = { drop: 1, r429: 2, r5xx: 3, malformed: 4, status: 5, stall: 6 } as const;

function checkRate(name: string, v: number | undefined): void {
  if (v !== undefined && !(v >= 0 && v <= 1)) throw new RangeError(`faults.${name} must be within [0, 1]`);
}

export class FaultEngine {
  private config: FaultConfig = {};
  /** Requests seen since the config was set (revokeKeyAfterRequests counts from here). */
  seq = 0;

  set(config: FaultConfig): void {
    checkRate("rate429", config.rate429);
    checkRate("rate5xx", config.rate5xx);
    checkRate("dropConnectionRate", config.dropConnectionRate);
    checkRate("malformedBodyRate", config.malformedBodyRate);
    checkRate("stallRate", config.stallRate);
    if (config.stallMs !== undefined && !(Number.isInteger(config.stallMs) && config.stallMs >= 0)) throw new RangeError("faults.stallMs must be a non-negative integer");
    if (config.firstN !== undefined && !(Number.isInteger(config.firstN) && config.firstN >= 0)) throw new RangeError("faults.firstN must be a non-negative integer");
    if (config.statuses5xx !== undefined && (config.statuses5xx.length === 0 || config.statuses5xx.some((s) => s < 500 || s > 599)))
      throw new RangeError("faults.statuses5xx must be a non-empty list of 5xx statuses");
    if (config.revokeKeyAfterRequests !== undefined && !(Number.isInteger(config.revokeKeyAfterRequests) && config.revokeKeyAfterRequests >= 0))
      throw new RangeError("faults.revokeKeyAfterRequests must be a non-negative integer");
    this.config = { ...config };
    this.seq = 0;
    this.matched = 0;
  }

  clear(): void {
    this.config = {};
    this.seq = 0;
    this.matched = 0;
  }

  /** Requests the probabilistic faults applied to since set() (`firstN` counts these). */
  private matched = 0;

  get current(): Readonly<FaultConfig> {
    return this.config;
  }

  /** Counts the request; true once the key must be revoked. */
  next(): number {
    this.seq++;
    return this.seq;
  }

  shouldRevoke(seq: number): boolean {
    const n = this.config.revokeKeyAfterRequests;
    return n !== undefined && seq > n;
  }

  private applies(method: string, template: string): boolean {
    const only = this.config.onlyRoutes;
    if (only === undefined) return true;
    return only.includes(`${method} ${template}`) || only.includes(template);
  }

  decide(seq: number, method: string, template: string): FaultDecision {
    if (!this.applies(method, template)) return { kind: "none" };
    this.matched++;
    if (this.config.firstN !== undefined && this.matched > this.config.firstN) return { kind: "none" };
    const seed = this.config.seed ?? 0;
    const draw = (k: number) => mix32(seed, seq, k) / 4294967296;
    const c = this.config;
    if ((c.dropConnectionRate ?? 0) > 0 && draw(KIND.drop) < (c.dropConnectionRate ?? 0)) return { kind: "drop" };
    if ((c.rate429 ?? 0) > 0 && draw(KIND.r429) < (c.rate429 ?? 0)) return { kind: "429", retryAfter: c.retryAfterSeconds === undefined ? 1 : c.retryAfterSeconds };
    if ((c.rate5xx ?? 0) > 0 && draw(KIND.r5xx) < (c.rate5xx ?? 0)) {
      const statuses = c.statuses5xx ?? [502, 503, 504, 500];
      return { kind: "5xx", status: statuses[Math.floor(draw(KIND.status) * statuses.length)] ?? 503 };
    }
    if ((c.malformedBodyRate ?? 0) > 0 && draw(KIND.malformed) < (c.malformedBodyRate ?? 0)) return { kind: "malformed" };
    if ((c.stallRate ?? 0) > 0 && draw(KIND.stall) < (c.stallRate ?? 0)) return { kind: "stall", ms: c.stallMs ?? 60_000, afterApply: c.stallAfterApply ?? true };
    return { kind: "none" };
  }

  shortPage(method: string, template: string): boolean {
    const sp = this.config.shortPageOnV2;
    if (sp === undefined || sp === false) return false;
    if (!template.startsWith("/api/v2/") || method !== "GET") return false;
    if (sp === true || sp.route === undefined) return true;
    return sp.route === `${method} ${template}` || sp.route === template;
  }
}
