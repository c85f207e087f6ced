import type { Clock } from "@jumpcloud-sync/domain";

/** The injectable clock (`Clock` from the domain): the system clock in production, the stand-in's in tests. */
export const CLOCK = Symbol("CLOCK");
export type { Clock };
