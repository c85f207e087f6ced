import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_FAILURE_BACKOFF, nextAttemptAfterFailure } from "./backoff.js";

const NOW = new Date("2026-01-01T00:00:00.000Z");
const after = (failures: number, backoff = DEFAULT_FAILURE_BACKOFF) => nextAttemptAfterFailure(failures, NOW, backoff).getTime() - NOW.getTime();

describe("nextAttemptAfterFailure", () => {
  it("doubles from the base and stops at the cap", () => {
    expect(after(1)).toBe(60_000);
    expect(after(2)).toBe(120_000);
    expect(after(3)).toBe(240_000);
    expect(after(100)).toBe(6 * 3_600_000);
    expect(after(0)).toBe(60_000);
  });
  it("takes the time as a parameter and a custom backoff", () => {
    expect(nextAttemptAfterFailure(3, new Date(0), { baseMs: 10, maxMs: 1_000 }).getTime()).toBe(40);
  });
  it("never shrinks as failures grow, and never exceeds the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (n) => {
        expect(after(n + 1)).toBeGreaterThanOrEqual(after(n));
        expect(after(n)).toBeLessThanOrEqual(DEFAULT_FAILURE_BACKOFF.maxMs);
      }),
    );
  });
});
