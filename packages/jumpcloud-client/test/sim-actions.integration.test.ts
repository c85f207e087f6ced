// The user actions against the stand-in: each write, then the state read back.
import { startSim } from "@jumpcloud-sync/jumpcloud-sim";
import { describe, expect, it } from "vitest";
import { JumpCloudApiError } from "../src/index.js";
import { clientFor, collect } from "./sim-helpers.js";

describe("user actions against the JumpCloud stand-in", () => {
  it("create (staged), activate, suspend, unsuspend, delete — each read back", async () => {
    const sim = await startSim({ scenario: "demo", seed: 3 });
    try {
      const jc = clientFor(sim);
      const created = await jc.createUser({ username: "Jane.van.Doe", email: "jane.vandoe@example.com", firstname: "Jane", lastname: "van Doe", state: "STAGED" });
      expect(created).toMatchObject({ username: "Jane.van.Doe", state: "STAGED" });
      expect(created.id).toBe(created._id);
      const found = await collect(jc.listUsers({ filter: ["username:$eq:Jane.van.Doe"] }));
      expect(found.map((u) => u.id)).toEqual([created.id]);

      await expect(jc.activateUser(created.id, { email: false })).resolves.toBeUndefined();
      expect((await jc.getUser(created.id)).state).toBe("ACTIVATED");
      await expect(jc.suspendUser(created.id)).resolves.toBeUndefined();
      expect((await jc.getUser(created.id)).state).toBe("SUSPENDED");
      const back = await jc.updateUser(created.id, { state: "ACTIVATED", suspended: false });
      expect(back.state).toBe("ACTIVATED");
      expect((await jc.deleteUser(created.id)).id).toBe(created.id);
      const gone = await jc.getUser(created.id).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(JumpCloudApiError);
      expect((gone as JumpCloudApiError).kind).toBe("not-found");
    } finally {
      await sim.close();
    }
  });
});
