import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTickingClock, startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import type { ActionDto, SubmitActionsResultDto } from "../../src/actions/actions.schemas.js";
import type { AccountDto, ProblemDto } from "../../src/api/api.schemas.js";
import { startApiApp, waitFor, type ApiApp } from "../support/api-app.js";
import { testDatabases } from "../support/databases.js";

// An MSP key acts on one managed organization at a time: the scope's x-org-id goes with every
// read and write, and a user of another organization is not found through it.
for (const { name: database, skip } of testDatabases("actions MSP suite")) describe.skipIf(skip)(`actions with an MSP key (${database})`, () => {
  let sim: Sim;
  let api: ApiApp;

  beforeAll(async () => {
    sim = await startSim({ scenario: "msp", seed: 8, lateEventMaxMs: 0, clock: createTickingClock() });
    api = await startApiApp({ clock: sim.clock, database });
    api.token = (await api.store.tokens.createToken("msp-ops", sim.clock.now())).secret;
  });
  afterAll(async () => {
    await api?.close();
    await sim?.close();
  });

  it("suspends a user of the second organization through its scope; another organization's user is a 404 there", async () => {
    const added = await api.call<AccountDto>("POST", "/v1/accounts", {
      body: { name: "msp", apiKey: sim.credentials.apiKey, allOrgs: true, permission: "read-and-act", endpoints: { consoleBaseUrl: sim.consoleBaseUrl, insightsBaseUrl: sim.insightsBaseUrl } },
    });
    expect(added.status, added.text).toBe(201);
    const [org1, org2] = sim.credentials.orgs;
    const scope2 = added.body.scopes.find((s) => s.orgId === org2!.id)!;
    const theirs = sim.truth(org2!.id).users.find((u) => u.status === "active" && u.adminRole === null)!;
    const other = sim.truth(org1!.id).users.find((u) => u.status === "active" && u.adminRole === null)!;

    const wrongOrg = await api.call<ProblemDto>("POST", "/v1/actions", { body: { scopeId: scope2.id, action: "suspend", users: [{ userId: other.id }] } });
    expect(wrongOrg.status, wrongOrg.text).toBe(404);
    const res = await api.call<SubmitActionsResultDto>("POST", "/v1/actions", { body: { scopeId: scope2.id, action: "suspend", users: [{ userId: theirs.id }] } });
    expect(res.status, res.text).toBe(202);
    const done = await waitFor("the suspend", async () => {
      const a = (await api.call<ActionDto>("GET", `/v1/actions/${res.body.items[0]!.actionId!}`)).body;
      return a.state === "succeeded" || a.state === "failed" ? a : null;
    });
    expect(done).toMatchObject({ state: "succeeded", scopeId: scope2.id, to: "suspended" });
    expect(sim.world.getUser(theirs.id)?.state).toBe("SUSPENDED");
    expect(sim.world.getUser(other.id)?.state).toBe("ACTIVATED");
  });
});
