// Its own file on purpose: vitest isolates modules per file, and the sim (at cd1bdf0) caches
// `/api/organizations` views module-wide under a key that is not scoped to the sim instance, so a
// second sim in the same module can be served the first one's organizations.
import { startSim } from "@jumpcloud-sync/jumpcloud-sim";
import { describe, expect, it } from "vitest";
import { JumpCloudApiError } from "../src/index.js";
import { assertMatchesTruth, clientFor, collect, sorted } from "./sim-helpers.js";

describe("against the JumpCloud stand-in (multi-tenant)", () => {

  it("organizations with the provider key, then each org through withOrg; no x-org-id → unauthorized with a hint", async () => {
    const sim = await startSim({ scenario: "msp", seed: 5 });
    try {
      const jc = clientFor(sim);
      const orgs = await collect(jc.listOrganizations());
      expect(sorted(orgs.map((o) => o.id))).toEqual(sorted(sim.credentials.orgs.map((o) => o.id)));
      for (const org of orgs) await assertMatchesTruth(jc.withOrg(org.id), sim, org.id);

      const err = await collect(jc.listUsers()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JumpCloudApiError);
      expect(err).toMatchObject({ kind: "unauthorized", status: 401 });
      expect((err as JumpCloudApiError).hint).toMatch(/multi-tenant .*withOrg/);

      // Directory Insights per org, through the same org-scoped sibling.
      const scoped = jc.withOrg(orgs[0]!.id);
      const truth = sim.truth(orgs[0]!.id);
      const start = new Date(Date.parse(truth.asOf) - 90 * 86_400_000).toISOString();
      const count = await scoped.countEvents({ service: ["all"], start_time: start, end_time: truth.asOf });
      let seen = 0;
      for await (const page of scoped.events({ service: ["all"], start_time: start, end_time: truth.asOf, limit: 1000 })) {
        seen += page.events.length;
        expect(page.events.every((e) => e.organization === orgs[0]!.id)).toBe(true);
      }
      expect(seen).toBe(count);
    } finally {
      await sim.close();
    }
  });
});
