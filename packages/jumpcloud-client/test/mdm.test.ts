import { afterEach, describe, expect, it } from "vitest";
import { createJumpCloudClient, SOFTWARE_EVENT_TYPES, softwareEventQuery, type ClientEvent } from "../src/index.js";
import { FAST, json, startServer, testKey, type TestServer } from "./http-server.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, extra: { onEvent?: (e: ClientEvent) => void; orgId?: string } = {}) {
  return createJumpCloudClient({ apiKey: testKey(), consoleBaseUrl: url, insightsBaseUrl: `${url}/insights/directory/v1`, ...FAST, ...extra });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const ids = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${String(from + i).padStart(4, "0")}`);

describe("devices", () => {
  it("lists systems with v1 paging (limit 100, sort=_id, fields, $ filters), backfilling id and skipping nulls", async () => {
    const all = ids("s", 0, 230);
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      const rows: unknown[] = all.slice(skip, skip + 100).map((id) => ({ _id: id, hostname: `h-${id}`, osFamily: "windows" }));
      json(res, 200, { totalCount: all.length, results: skip === 100 ? [null, ...rows.slice(1)] : rows });
    });
    const systems = await collect(client(server.url).listSystems({ fields: ["hostname", "lastContact"], filter: ["osFamily:$eq:windows", "active:$eq:true"] }));
    expect(server.requests.map((r) => r.url.searchParams.get("skip"))).toEqual(["0", "100", "200"]);
    const q = server.requests[0]!.url;
    expect(q.pathname).toBe("/api/systems");
    expect([q.searchParams.get("limit"), q.searchParams.get("sort"), q.searchParams.get("fields")]).toEqual(["100", "_id", "_id hostname lastContact"]);
    expect([q.searchParams.get("filter[0]"), q.searchParams.get("filter[1]")]).toEqual(["osFamily:$eq:windows", "active:$eq:true"]);
    expect(systems).toHaveLength(229);
    expect(systems[0]).toEqual({ _id: "s0000", id: "s0000", hostname: "h-s0000", osFamily: "windows" });
  });

  it("reads bindings both ways, associations, memberof and device-group members on their routes", async () => {
    server = await startServer((req, res) => {
      const p = req.url.pathname;
      if (p.endsWith("/associations") || p.endsWith("/members")) return json(res, 200, [{ to: { id: "x1", type: "user" } }, { to: { id: "x1", type: "user" } }], { "x-total-count": "2" });
      return json(res, 200, [{ id: "o1", type: p.endsWith("/users") ? "user" : "system", paths: [[{ to: { id: "o1", type: "user" } }]] }], { "x-total-count": "1" });
    });
    const jc = client(server.url, { orgId: "org-9" });
    expect(await collect(jc.listSystemUsers("s1"))).toMatchObject([{ id: "o1", type: "user" }]);
    expect(await collect(jc.listUserSystems("u1"))).toMatchObject([{ id: "o1", type: "system" }]);
    // Repeated edges to one target count once.
    expect(await collect(jc.listSystemAssociations("s1", ["user", "user_group", "user"]))).toHaveLength(1);
    expect(await collect(jc.listSystemMemberOf("s1"))).toHaveLength(1);
    expect(await collect(jc.listSystemGroupMembers("sg1"))).toHaveLength(1);
    expect(server.requests.map((r) => r.url.pathname)).toEqual([
      "/api/v2/systems/s1/users",
      "/api/v2/users/u1/systems",
      "/api/v2/systems/s1/associations",
      "/api/v2/systems/s1/memberof",
      "/api/v2/systemgroups/sg1/members",
    ]);
    expect(server.requests[2]!.url.search).toBe("?targets=user,user_group&limit=100&skip=0");
    expect(server.requests.every((r) => r.headers["x-org-id"] === "org-9")).toBe(true);
    expect(() => jc.listSystemAssociations("s1", [])).toThrow(RangeError);
  });

  it("v2 traversals page by 100 across pages until x-total-count", async () => {
    const all = ids("u", 0, 150);
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      json(res, 200, all.slice(skip, skip + 100).map((id) => ({ id, type: "user", paths: [] })), { "x-total-count": "150" });
    });
    expect(await collect(client(server.url).listSystemUsers("s1"))).toHaveLength(150);
    expect(server.requests.map((r) => r.url.search)).toEqual(["?limit=100&skip=0", "?limit=100&skip=100"]);
  });
});

describe("managed software", () => {
  it("lists software apps, gets one, and rejects an app without an id", async () => {
    const apps = ids("a", 0, 120).map((id) => ({ id, displayName: `App ${id}`, settings: [{ packageId: `pkg.${id}`, packageManager: "WINGET", autoUpdate: false, allowUpdateDelay: false, desiredState: "Install" }] }));
    server = await startServer((req, res) => {
      const p = req.url.pathname;
      if (p === "/api/v2/softwareapps/a0001") return json(res, 200, apps[1]);
      if (p === "/api/v2/softwareapps/broken") return json(res, 200, { displayName: "no id" });
      if (p === "/api/v2/softwareapps" && req.headers["x-org-id"] === "bad") return json(res, 200, [{ displayName: "no id" }], { "x-total-count": "1" });
      const skip = Number(req.url.searchParams.get("skip"));
      return json(res, 200, apps.slice(skip, skip + 100), { "x-total-count": String(apps.length) });
    });
    const jc = client(server.url);
    const listed = await collect(jc.listSoftwareApps());
    expect(listed.map((a) => a.id)).toEqual(apps.map((a) => a.id));
    expect(listed[0]?.settings?.[0]?.packageManager).toBe("WINGET");
    expect(await jc.getSoftwareApp("a0001")).toMatchObject({ id: "a0001", displayName: "App a0001" });
    await expect(jc.getSoftwareApp("broken")).rejects.toMatchObject({ kind: "invalid-response", operation: "getSoftwareApp" });
    await expect(collect(jc.withOrg("bad").listSoftwareApps())).rejects.toMatchObject({ kind: "invalid-response" });
  });

  it("statuses (every state, deduped by device), the app's systems, its associations and a device's app statuses", async () => {
    server = await startServer((req, res) => {
      const p = req.url.pathname;
      if (p === "/api/v2/softwareapps/a1/statuses") {
        return json(
          res,
          200,
          [
            { id: "st1", softwareAppId: "a1", systemId: "s1", state: "INSTALLED", version: "4.1", timestamp: "2026-11-01T00:00:00Z" },
            { id: "st2", softwareAppId: "a1", systemId: "s2", state: "FAILED", details: "disk full", code: 3 },
            { id: "st1", softwareAppId: "a1", systemId: "s1", state: "INSTALLED" },
          ],
          { "x-total-count": "3" },
        );
      }
      if (p === "/api/v2/softwareapps/a2/statuses") return json(res, 200, [{ id: "st9", state: "PENDING" }], { "x-total-count": "1" });
      if (p === "/api/v2/softwareapps/a1/systems") return json(res, 200, [{ id: "s1", type: "system", paths: [[{ to: { id: "sg1", type: "system_group" } }, { to: { id: "s1", type: "system" } }]] }], { "x-total-count": "1" });
      if (p === "/api/v2/softwareapps/a1/associations") return json(res, 200, [{ to: { id: "sg1", type: "system_group" } }, { to: { id: "s3", type: "system" } }], { "x-total-count": "2" });
      if (p === "/api/v2/systems/s1/softwareappstatuses") return json(res, 200, [{ app: { id: "a1", displayName: "Slack" }, status: { systemId: "s1", state: "INSTALLED" } }], { "x-total-count": "1" });
      return json(res, 404, { message: "not found" });
    });
    const jc = client(server.url);
    const statuses = await collect(jc.listSoftwareAppStatuses("a1"));
    expect(statuses.map((s) => [s.systemId, s.state])).toEqual([
      ["s1", "INSTALLED"],
      ["s2", "FAILED"],
    ]);
    await expect(collect(jc.listSoftwareAppStatuses("a2"))).rejects.toMatchObject({ kind: "invalid-response" });
    expect((await collect(jc.listSoftwareAppSystems("a1")))[0]?.paths?.[0]).toHaveLength(2);
    expect(await collect(jc.listSoftwareAppAssociations("a1", ["system", "system_group"]))).toHaveLength(2);
    expect(server.requests.find((r) => r.url.pathname.endsWith("/associations"))!.url.search).toBe("?targets=system,system_group&limit=100&skip=0");
    expect(await collect(jc.listSystemSoftwareAppStatuses("s1"))).toEqual([{ app: { id: "a1", displayName: "Slack" }, status: { systemId: "s1", state: "INSTALLED" } }]);
    await expect(collect(jc.listSoftwareAppStatuses("missing"))).rejects.toMatchObject({ kind: "not-found", status: 404 });
  });
});

describe("System Insights for many devices", () => {
  it("chunks system ids into system_id:in filters, ANDs the caller's filter, and pages each chunk", async () => {
    const systems = ids("s", 0, 250);
    server = await startServer((req, res) => {
      const filter = req.url.searchParams.get("filter") ?? "";
      const wanted = /^system_id:in:([^,]+)/u.exec(filter)?.[1]?.split("|") ?? [];
      const skip = Number(req.url.searchParams.get("skip"));
      const limit = Number(req.url.searchParams.get("limit"));
      const rows = wanted.flatMap((id) => [{ system_id: id, name: "Chrome", version: "1" }, { system_id: id, name: "Zoom", version: "2" }]);
      json(res, 200, rows.slice(skip, skip + limit));
    });
    const rows = await collect(client(server.url).listSystemInsightsForSystems("programs", [...systems, "s0000"], { filter: ["name:eq:Chrome"], limit: 150 }));
    expect(rows).toHaveLength(500);
    const filters = [...new Set(server.requests.map((r) => r.url.searchParams.get("filter")))];
    expect(filters).toHaveLength(3);
    expect(filters[0]).toBe(`system_id:in:${systems.slice(0, 100).join("|")},name:eq:Chrome`);
    expect(filters[2]).toBe(`system_id:in:${systems.slice(200).join("|")},name:eq:Chrome`);
    expect(server.requests.every((r) => r.url.pathname === "/api/v2/systeminsights/programs" && r.url.searchParams.get("limit") === "150")).toBe(true);
  });

  it("refuses ids that would change the query and bad chunk sizes", async () => {
    const jc = createJumpCloudClient({ apiKey: testKey(), consoleBaseUrl: "http://127.0.0.1:9" });
    await expect(collect(jc.listSystemInsightsForSystems("apps", ["a|b"]))).rejects.toThrow(RangeError);
    await expect(collect(jc.listSystemInsightsForSystems("apps", ["a"], { chunkSize: 0 }))).rejects.toThrow(RangeError);
    expect(await collect(jc.listSystemInsightsForSystems("apps", []))).toEqual([]);
  });
});

describe("software events", () => {
  it("softwareEventQuery asks for service software and the three event types, paged by search_after", async () => {
    expect(SOFTWARE_EVENT_TYPES).toEqual(["software_add", "software_change", "software_remove"]);
    server = await startServer((req, res) => {
      const n = server!.requests.length - 1;
      const count = n === 0 ? 2 : 1;
      json(res, 200, Array.from({ length: count }, (_, i) => ({ id: `e${n}${i}`, event_type: "software_add", service: "software", timestamp: "2026-11-01T00:00:00Z", system: { id: "s1" }, application: { name: "Slack" } })), {
        "X-Result-Count": String(count),
        "X-Limit": "2",
        "X-Search_after": JSON.stringify([1_700_000_000_000 + n, `c${n}`]),
      });
    });
    const query = softwareEventQuery({ start_time: "2026-08-03T00:00:00.000Z", end_time: "2026-11-01T00:00:00.000Z", limit: 2 });
    const pages = await collect(client(server.url).events(query));
    expect(pages.map((p) => p.events.length)).toEqual([2, 1]);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies[0]).toEqual({
      service: ["software"],
      start_time: "2026-08-03T00:00:00.000Z",
      end_time: "2026-11-01T00:00:00.000Z",
      limit: 2,
      sort: "ASC",
      search_term: { and: [{ event_type: ["software_add", "software_change", "software_remove"] }] },
    });
    expect(bodies[1]).toEqual({ ...bodies[0], search_after: [1_700_000_000_000, "c0"] });
    // A resumed window carries its search_after from the start.
    expect(softwareEventQuery({ start_time: "2026-08-03T00:00:00.000Z", search_after: [1, "x"] }).search_after).toEqual([1, "x"]);
  });
});
