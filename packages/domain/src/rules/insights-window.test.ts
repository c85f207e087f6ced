import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InsightsCursor } from "../model/usage.js";
import { coverageFromCursor, cursorAfterPage, cursorAfterWindow, DEFAULT_INSIGHTS_WINDOW, lastUsedOf, nextInsightsWindow, planInsightsWindow, type InsightsWindowOptions } from "./usage.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const MIN = 60_000;
const DAY = 86_400_000;
const opts: InsightsWindowOptions = { overlapMs: 15 * MIN, maxLookbackMs: 90 * DAY, lagMs: 1000 };
const iso = (ms: number) => new Date(ms).toISOString();

describe("planInsightsWindow", () => {
  it("reads the whole lookback on a first sync, up to now minus the lag", () => {
    expect(planInsightsWindow(null, NOW, opts)).toEqual({ start: iso(NOW.getTime() - 90 * DAY), end: iso(NOW.getTime() - 1000), searchAfter: null, resumed: false });
  });

  it("re-reads the overlap before the cursor", () => {
    const w = planInsightsWindow({ readThrough: "2026-03-01T11:00:00.000Z", coverageSince: "2026-01-01T00:00:00.000Z" }, NOW, opts);
    expect(w).toMatchObject({ start: "2026-03-01T10:45:00.000Z", end: "2026-03-01T11:59:59.000Z", resumed: false });
  });

  it("never starts before the lookback, even for a cursor from long ago", () => {
    const w = planInsightsWindow({ readThrough: "2025-01-01T00:00:00.000Z", coverageSince: "2024-12-01T00:00:00.000Z" }, NOW, opts);
    expect(w?.start).toBe(iso(NOW.getTime() - 90 * DAY));
  });

  it("plans nothing when the cursor is at or past now (no empty or inverted window)", () => {
    expect(planInsightsWindow({ readThrough: iso(NOW.getTime() + 20 * MIN), coverageSince: null }, NOW, opts)).toBeNull();
    expect(planInsightsWindow(null, NOW, { ...opts, maxLookbackMs: 500 })).toBeNull();
  });

  it("resumes the pending window after a crash with the identical query", () => {
    const cursor: InsightsCursor = {
      readThrough: "2026-02-28T00:00:00.000Z",
      coverageSince: null,
      pending: { start: "2026-02-27T23:45:00.000Z", end: "2026-03-01T10:00:00.000Z", searchAfter: [1772359200000, "abc"], earliestEventAt: "2026-02-27T23:50:00.000Z" },
    };
    expect(planInsightsWindow(cursor, NOW, opts)).toEqual({ start: "2026-02-27T23:45:00.000Z", end: "2026-03-01T10:00:00.000Z", searchAfter: [1772359200000, "abc"], resumed: true });
  });

  it("drops a corrupt pending window or one starting in the future, and survives an unreadable cursor", () => {
    const base = { readThrough: "2026-03-01T11:00:00.000Z", coverageSince: null };
    const inverted = { ...base, pending: { start: "2026-03-01T10:00:00.000Z", end: "2026-03-01T09:00:00.000Z", searchAfter: null, earliestEventAt: null } };
    const future = { ...base, pending: { start: "2026-03-02T00:00:00.000Z", end: "2026-03-03T00:00:00.000Z", searchAfter: null, earliestEventAt: null } };
    expect(planInsightsWindow(inverted, NOW, opts)).toMatchObject({ start: "2026-03-01T10:45:00.000Z", resumed: false });
    expect(planInsightsWindow(future, NOW, opts)).toMatchObject({ start: "2026-03-01T10:45:00.000Z", resumed: false });
    expect(planInsightsWindow({ readThrough: "garbage", coverageSince: null }, NOW, opts)?.start).toBe(iso(NOW.getTime() - 90 * DAY));
  });

  it("has defaults that read 90 days with a small overlap", () => {
    expect(DEFAULT_INSIGHTS_WINDOW.maxLookbackMs).toBe(90 * DAY);
    expect(planInsightsWindow(null, NOW)?.resumed).toBe(false);
  });

  it("never plans start >= end, a start in the future, or a start before the lookback", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: -200 * DAY, max: 2 * DAY }), { nil: null }),
        fc.record({ overlapMs: fc.integer({ min: -MIN, max: DAY }), maxLookbackMs: fc.integer({ min: -DAY, max: 100 * DAY }), lagMs: fc.integer({ min: -MIN, max: DAY }) }),
        (offset, options) => {
          const cursor = offset === null ? null : { readThrough: iso(NOW.getTime() + offset), coverageSince: null };
          const w = planInsightsWindow(cursor, NOW, options);
          if (w === null) return;
          const s = Date.parse(w.start);
          const e = Date.parse(w.end);
          expect(s).toBeLessThan(e);
          expect(e).toBeLessThanOrEqual(NOW.getTime());
          expect(s).toBeGreaterThanOrEqual(NOW.getTime() - Math.max(0, options.maxLookbackMs));
          // The window covers the cursor's position (minus the overlap): no gap is ever left.
          if (cursor !== null) expect(s).toBeLessThanOrEqual(Math.max(NOW.getTime() - Math.max(0, options.maxLookbackMs), Date.parse(cursor.readThrough)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("leaves no gap: successive windows, planned as time passes, chain without holes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 * DAY }), { minLength: 1, maxLength: 8 }), (steps) => {
        let now = NOW.getTime();
        let cursor: InsightsCursor | null = null;
        let coveredUntil: number | null = null;
        for (const step of steps) {
          now += step;
          const w = planInsightsWindow(cursor, new Date(now), opts);
          if (w === null) continue;
          if (coveredUntil !== null) expect(Date.parse(w.start)).toBeLessThanOrEqual(coveredUntil);
          cursor = cursorAfterWindow(cursor, w, null);
          coveredUntil = Date.parse(w.end);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("nextInsightsWindow: a run that resumes after a crash still ends current", () => {
  it("follows a resumed window with a fresh one to now; a fresh window ends the run", () => {
    const planned = planInsightsWindow(null, NOW, opts)!;
    const crashed = cursorAfterPage(null, planned, { searchAfter: [NOW.getTime() - DAY, "e1"], earliestEventAt: iso(NOW.getTime() - 80 * DAY) });
    const later = new Date(NOW.getTime() + 6 * 3_600_000);
    const resumed = nextInsightsWindow(crashed, null, later, opts)!;
    expect(resumed).toMatchObject({ start: planned.start, end: planned.end, resumed: true });
    const afterResumed = cursorAfterWindow(crashed, resumed, null);
    const followUp = nextInsightsWindow(afterResumed, resumed, later, opts);
    expect(followUp).toEqual({ start: iso(Date.parse(planned.end) - opts.overlapMs), end: iso(later.getTime() - opts.lagMs), searchAfter: null, resumed: false });
    expect(nextInsightsWindow(cursorAfterWindow(afterResumed, followUp!, null), followUp, later, opts)).toBeNull();
  });

  it("never resumes twice in a run, even if handed a cursor that is still pending", () => {
    const planned = planInsightsWindow(null, NOW, opts)!;
    const stillPending = cursorAfterPage(null, planned, { searchAfter: [1, "x"], earliestEventAt: null });
    expect(nextInsightsWindow(stillPending, { resumed: true }, NOW, opts)?.resumed).toBe(false);
  });

  /** Covered intervals, merged: [[a, b], …] in milliseconds. */
  function cover(into: [number, number][], a: number, b: number): void {
    into.push([a, b]);
    into.sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [s, e] of into) {
      const last = merged.at(-1);
      if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    into.splice(0, into.length, ...merged);
  }
  const covers = (intervals: readonly [number, number][], a: number, b: number): boolean => intervals.some(([s, e]) => s <= a && e >= b);

  it("after any sequence of crashes and restarts, each successful run has read [first start, its start - lag] with no gap", () => {
    const run = fc.record({
      gapMs: fc.integer({ min: 0, max: 2 * DAY }),
      // Pages stored before the process dies; null: the run completes.
      crashAfterPages: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
      pagesPerWindow: fc.integer({ min: 1, max: 6 }),
      msPerPage: fc.integer({ min: 0, max: 10 * MIN }),
    });
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 10 }), (runs) => {
        let now = NOW.getTime();
        let cursor: InsightsCursor | null = null;
        let firstStart: number | null = null;
        const read: [number, number][] = [];
        for (const r of runs) {
          now += r.gapMs;
          const runStart = now;
          let crashed = false;
          let pagesLeftBeforeCrash = r.crashAfterPages;
          for (let w = nextInsightsWindow(cursor, null, new Date(now), opts); w !== null; w = nextInsightsWindow(cursor, w, new Date(now), opts)) {
            firstStart ??= Date.parse(w.start);
            const from = w.searchAfter === null ? Date.parse(w.start) : w.searchAfter[0];
            const end = Date.parse(w.end);
            // The window's remaining events split into pages; a page's search_after is its last event.
            let position = from;
            for (let p = 1; p <= r.pagesPerWindow; p += 1) {
              if (pagesLeftBeforeCrash === 0) {
                crashed = true;
                break;
              }
              const last = p === r.pagesPerWindow ? end : from + Math.floor(((end - from) * p) / r.pagesPerWindow);
              cover(read, position, last);
              position = last;
              now += r.msPerPage;
              if (p < r.pagesPerWindow) cursor = cursorAfterPage(cursor, w, { searchAfter: [last, `e${last}`], earliestEventAt: null });
              if (pagesLeftBeforeCrash !== null) pagesLeftBeforeCrash -= 1;
            }
            if (crashed) break;
            cursor = cursorAfterWindow(cursor, w, null);
          }
          if (crashed || firstStart === null) continue;
          // The run reports success: everything from the first window's start (or the lookback,
          // once the first start has aged out) to the run's own start minus the lag was read.
          const target: [number, number] = [Math.max(firstStart, runStart - opts.maxLookbackMs), runStart - opts.lagMs];
          expect(covers(read, ...target), JSON.stringify({ target: target.map(iso), read: read.map(([a, b]) => [iso(a), iso(b)]) })).toBe(true);
          expect(Date.parse(cursor!.readThrough)).toBeGreaterThanOrEqual(runStart - opts.lagMs);
          expect(cursor!.pending).toBeUndefined();
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("cursors and coverage", () => {
  const window = { start: "2025-12-01T12:00:00.000Z", end: "2026-03-01T11:59:59.000Z" };

  it("a first window's pages stay pending, then measured coverage is the earliest event returned", () => {
    const p1 = cursorAfterPage(null, window, { searchAfter: [1, "a"], earliestEventAt: "2025-12-05T08:00:00.123456789Z" });
    expect(p1).toEqual({
      readThrough: window.start,
      coverageSince: null,
      pending: { ...window, searchAfter: [1, "a"], earliestEventAt: "2025-12-05T08:00:00.123Z" },
    });
    expect(coverageFromCursor(p1)).toEqual({ kind: "not-synced" });
    // Pages of an ascending read: later pages have later events, the earliest stays.
    const p2 = cursorAfterPage(p1, window, { searchAfter: [2, "b"], earliestEventAt: "2026-01-01T00:00:00Z" });
    expect(p2.pending?.earliestEventAt).toBe("2025-12-05T08:00:00.123Z");
    const done = cursorAfterWindow(p2, window, "2026-02-01T00:00:00Z");
    expect(done).toEqual({ readThrough: window.end, coverageSince: "2025-12-05T08:00:00.123Z", pending: undefined });
    expect(coverageFromCursor(done)).toEqual({ kind: "available", since: "2025-12-05T08:00:00.123Z" });
    expect(lastUsedOf(undefined, coverageFromCursor(done))).toEqual({ kind: "not-seen-since", since: "2025-12-05T08:00:00.123Z" });
  });

  it("never assumes the retention: with no event at all, coverage starts at the end of the first window", () => {
    const done = cursorAfterWindow(null, window, null);
    expect(done.coverageSince).toBe(window.end);
    expect(done.coverageSince).not.toBe(window.start);
  });

  it("keeps the first measured coverage as later windows complete", () => {
    const first = cursorAfterWindow(null, window, "2025-12-10T00:00:00.000Z");
    const next = cursorAfterWindow(first, { end: "2026-03-01T13:00:00.000Z" }, "2026-03-01T12:30:00.000Z");
    expect(next).toEqual({ readThrough: "2026-03-01T13:00:00.000Z", coverageSince: "2025-12-10T00:00:00.000Z", pending: undefined });
  });

  it("compares instants, not text, when offsets and precisions differ", () => {
    const c = cursorAfterWindow(null, window, "2025-12-10T01:00:00+02:00");
    expect(c.coverageSince).toBe("2025-12-09T23:00:00.000Z");
    const d = cursorAfterWindow(c, { end: "2026-03-02T00:00:00Z" }, "2025-12-09T23:00:00.5Z");
    expect(d.coverageSince).toBe("2025-12-09T23:00:00.000Z");
  });

  it("never moves readThrough backwards", () => {
    const ahead: InsightsCursor = { readThrough: "2026-03-01T12:00:00.000Z", coverageSince: "2025-12-01T00:00:00.000Z" };
    expect(cursorAfterWindow(ahead, { end: "2026-03-01T11:00:00.000Z" }, null).readThrough).toBe("2026-03-01T12:00:00.000Z");
  });

  it("keeps events measured in an abandoned pending window when another window completes", () => {
    const abandoned = cursorAfterPage(null, { start: "2025-12-01T00:00:00.000Z", end: "2025-12-02T00:00:00.000Z" }, { searchAfter: [1, "x"], earliestEventAt: "2025-12-01T06:00:00.000Z" });
    const other = cursorAfterPage(abandoned, window, { searchAfter: null, earliestEventAt: "2025-12-03T00:00:00.000Z" });
    expect(other.pending).toMatchObject({ start: window.start, searchAfter: null, earliestEventAt: "2025-12-01T06:00:00.000Z" });
    expect(cursorAfterWindow(other, window, null).coverageSince).toBe("2025-12-01T06:00:00.000Z");
  });

  it("resumes exactly where a crash left it: plan → page → crash → plan gives the same window and search_after", () => {
    const w = planInsightsWindow(null, NOW, opts);
    if (w === null) throw new Error("expected a window");
    const stored = cursorAfterPage(null, w, { searchAfter: [1772359200000, "ev-999"], earliestEventAt: "2025-12-03T00:00:00Z" });
    const resumed = planInsightsWindow(stored, new Date(NOW.getTime() + 5 * MIN), opts);
    expect(resumed).toEqual({ start: w.start, end: w.end, searchAfter: [1772359200000, "ev-999"], resumed: true });
  });
});
