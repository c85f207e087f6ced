import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GroundTruth, type Sim, startSim } from "../src/index.js";
import { allEvents, get } from "./helpers.js";
import { SpecValidator } from "./spec.js";

const consoleSpec = new SpecValidator("jumpcloud-console-unified.openapi.yaml", "unified");
const diSpec = new SpecValidator("jumpcloud-directory-insights-v1.openapi.yaml", "di");
const DAY = 86_400_000;

describe("MDM responses match the official spec schemas", () => {
  let sim: Sim;
  let t: GroundTruth;
  beforeAll(async () => {
    sim = await startSim({ scenario: "demo", seed: 11 });
    t = sim.truth();
  });
  afterAll(() => sim.close());

  const expectValid = (path: string, body: unknown) => {
    expect(consoleSpec.check(path, "GET", 200, body), `GET ${path}`).toBeNull();
  };

  it("the validators see the new schemas: a broken body fails", () => {
    expect(consoleSpec.check("/api/systems", "GET", 200, { totalCount: 1, results: [{ systemInsights: { state: "on" } }] })).not.toBeNull();
    expect(consoleSpec.check("/api/v2/systeminsights/apps", "GET", 200, [{ last_opened_time: "never", system_id: "x", collection_time: "t" }])).not.toBeNull();
    expect(consoleSpec.check("/api/v2/softwareapps/{software_app_id}/statuses", "GET", 200, [{ code: "0" }])).not.toBeNull();
  });

  it("systems: list and record", async () => {
    const list = await get(sim, "/api/systems?limit=100");
    expect(list.status).toBe(200);
    expect(list.body.results.length).toBe(t.devices.length);
    expectValid("/api/systems", list.body);
    for (const d of list.body.results) expect(d.id).toBe(d._id);
    const one = await get(sim, `/api/systems/${t.devices[0]!.id}`);
    expectValid("/api/systems/{id}", one.body);
  });

  it("every v2 MDM route, on ids that have rows", async () => {
    const withUsers = t.devices.find((d) => d.directUserIds.length > 0 && d.managedApps.length > 0)!;
    const viaGroup = t.devices.find((d) => d.userGroupIds.length > 0)!;
    const user = t.userSoftware[0]!.userId;
    const app = t.softwareApps.find((a) => a.statuses.length > 0 && a.systemGroupIds.length > 0)!;
    const direct = t.softwareApps.find((a) => a.systemIds.length > 0)!;
    const checks: [string, string][] = [
      ["/api/v2/systems/{system_id}/users", `/api/v2/systems/${withUsers.id}/users?limit=100`],
      ["/api/v2/systems/{system_id}/users", `/api/v2/systems/${viaGroup.id}/users?limit=100`],
      ["/api/v2/users/{user_id}/systems", `/api/v2/users/${user}/systems?limit=100`],
      ["/api/v2/systems/{system_id}/associations", `/api/v2/systems/${withUsers.id}/associations?targets=user&limit=100`],
      ["/api/v2/systems/{system_id}/associations", `/api/v2/systems/${viaGroup.id}/associations?targets=user_group&limit=100`],
      ["/api/v2/systems/{system_id}/softwareappstatuses", `/api/v2/systems/${withUsers.id}/softwareappstatuses?limit=100`],
      ["/api/v2/softwareapps", "/api/v2/softwareapps?limit=100"],
      ["/api/v2/softwareapps/{software_app_id}/statuses", `/api/v2/softwareapps/${app.id}/statuses?limit=100`],
      ["/api/v2/softwareapps/{software_app_id}/systems", `/api/v2/softwareapps/${app.id}/systems?limit=100`],
      ["/api/v2/softwareapps/{software_app_id}/systems", `/api/v2/softwareapps/${direct.id}/systems?limit=100`],
      ["/api/v2/softwareapps/{software_app_id}/associations", `/api/v2/softwareapps/${app.id}/associations?targets=system_group&limit=100`],
      ["/api/v2/softwareapps/{software_app_id}/associations", `/api/v2/softwareapps/${direct.id}/associations?targets=system,system_group&limit=100`],
    ];
    for (const [template, path] of checks) {
      const r = await get(sim, path);
      expect(r.status, path).toBe(200);
      expect(r.body.length, path).toBeGreaterThan(0);
      expect(r.headers.get("x-total-count"), path).toBe(String(r.body.length));
      expectValid(template, r.body);
    }
    const one = await get(sim, `/api/v2/softwareapps/${app.id}`);
    expect(one.status).toBe(200);
    expectValid("/api/v2/softwareapps/{id}", one.body);
  });

  it("every System Insights table", async () => {
    for (const table of ["apps", "programs", "linux_packages", "chrome_extensions", "firefox_addons", "safari_extensions"]) {
      const r = await get(sim, `/api/v2/systeminsights/${table}?limit=10000`);
      expect(r.status, table).toBe(200);
      expect(r.body.length, table).toBeGreaterThan(0);
      expectValid(`/api/v2/systeminsights/${table}`, r.body);
    }
  });

  it("software events are DI events", async () => {
    const now = sim.clock.now().getTime();
    const read = await allEvents(sim, { service: ["software"], start_time: new Date(now - 90 * DAY).toISOString(), limit: 10_000 });
    expect(read.rows.length).toBe(t.softwareCoverage.visibleEvents);
    expect(diSpec.check("/events", "POST", 200, read.rows)).toBeNull();
    const types = new Set(read.rows.map((e) => e.event_type));
    expect([...types].sort()).toEqual(["software_add", "software_change", "software_remove"]);
  });
});
