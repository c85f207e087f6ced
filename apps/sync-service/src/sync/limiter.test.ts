import { describe, expect, it } from "vitest";
import { mapLimit } from "./limiter.js";

describe("mapLimit", () => {
  it("keeps at most `concurrency` calls in flight and the input order", async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });

  it("starts no new item after a failure", async () => {
    const started: number[] = [];
    const failing = mapLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await Promise.resolve();
      if (n === 2) throw new Error("boom");
      await new Promise((r) => setTimeout(r, 5));
      return n;
    });
    await expect(failing).rejects.toThrow("boom");
    await new Promise((r) => setTimeout(r, 30));
    expect(started).toEqual([1, 2]);
  });
});
