import type { SimClock } from "./api.types.js";

/** The default start of a new clock: fixed, so a default world is reproducible byte for byte. */
export const DEFAULT_START = new Date("2026-06-01T12:00:00.000Z");

/** A manual clock: time moves only through advance() and set(). */
export function createClock(start: Date = DEFAULT_START): SimClock {
  let ms = start.getTime();
  if (!Number.isFinite(ms)) throw new TypeError("createClock: invalid start date");
  return {
    now: () => new Date(ms),
    advance(delta: number) {
      if (!Number.isFinite(delta)) throw new TypeError("advance: ms must be a finite number");
      ms += delta;
    },
    set(d: Date) {
      const next = d.getTime();
      if (!Number.isFinite(next)) throw new TypeError("set: invalid date");
      ms = next;
    },
  };
}

/**
 * A clock that follows wall time from `start` (the CLI uses it so that a client's "now" is not in
 * the sim's future); advance() and set() still shift it.
 */
export function createTickingClock(start: Date = new Date()): SimClock {
  let offset = start.getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    advance(delta: number) {
      offset += delta;
    },
    set(d: Date) {
      offset = d.getTime() - Date.now();
    },
  };
}

export function isSimClock(value: unknown): value is SimClock {
  return typeof value === "object" && value !== null && typeof (value as SimClock).now === "function"
    && typeof (value as SimClock).advance === "function" && typeof (value as SimClock).set === "function";
}
