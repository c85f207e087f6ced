import type { Sim, SimOptions } from "./api.types.js";

/** Starts the stand-in on its own port. The implementation lands in the next commits. */
export async function startSim(_options: SimOptions = {}): Promise<Sim> {
  throw new Error("jumpcloud-sim: startSim is being implemented (interface published first)");
}
