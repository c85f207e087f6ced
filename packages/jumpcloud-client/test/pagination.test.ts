import { afterEach, describe, expect, it } from "vitest";
import { createJumpCloudClient, JumpCloudApiError, type ClientEvent } from "../src/index.js";
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

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `u${String(from + i).padStart(4, "0")}`);

describe("v1 pagination", () => {
  it("pages with limit 100 and sort=_id, advances skip by the limit across a short page, dedupes, stops at totalCount", async () => {
    // 250 users; page 1 is short (3 null records and one missing row), page 2 repeats a row of page 1.
    const all = ids(0, 250);
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      let rows: unknown[] = all.slice(skip, skip + 100).map((id) => ({ _id: id, id, username: `n${id}` }));
      if (skip === 0) rows = [...rows.slice(0, 96), null, null, null];
      if (skip === 100) rows = [{ _id: "u0000", id: "u0000", username: "dup" }, ...rows];
      json(res, 200, { totalCount: 250, results: rows });
    });
    const events: ClientEvent[] = [];
    const users = await collect(client(server.url, { onEvent: (e) => events.push(e) }).listUsers({ fields: ["username", "email"], filter: ["department:$eq:Finance", "state:$eq:ACTIVATED"] }));

    expect(server.requests.map((r) => r.url.searchParams.get("skip"))).toEqual(["0", "100", "200"]);
    const q = server.requests[0]!.url;
    expect(q.pathname).toBe("/api/systemusers");
    expect(q.searchParams.get("limit")).toBe("100");
    expect(q.searchParams.get("sort")).toBe("_id");
    expect(q.searchParams.get("fields")).toBe("_id username email");
    expect(q.search).toContain("fields=_id%20username%20email");
    expect(q.searchParams.get("filter[0]")).toBe("department:$eq:Finance");
    expect(q.searchParams.get("filter[1]")).toBe("state:$eq:ACTIVATED");
    // Rows 96..99 were missing from the short page: they are not invented, and nothing after them is lost.
    expect(users.map((u) => u.id)).toEqual([...all.slice(0, 96), ...all.slice(100)]);
    expect(users.find((u) => u.id === "u0000")!.username).toBe("nu0000");
    expect(events.filter((e) => e.type === "page")).toEqual([
      { type: "page", operation: "listUsers", family: "v1", rows: 99 },
      { type: "page", operation: "listUsers", family: "v1", rows: 101 },
      { type: "page", operation: "listUsers", family: "v1", rows: 50 },
    ]);
  });

  it("backfills id from _id (spec gap) and sends a single filter unbracketed", async () => {
    server = await startServer((req, res) => json(res, 200, { totalCount: 1, results: [{ _id: "a1", name: "aws", displayLabel: "AWS" }] }));
    const jc = client(server.url);
    const apps = await collect(jc.listApplications());
    expect(apps).toEqual([{ _id: "a1", id: "a1", name: "aws", displayLabel: "AWS" }]);
    await collect(jc.listUsers({ filter: ["department:$eq:IT"] }));
    expect(server.requests[1]!.url.searchParams.get("filter")).toBe("department:$eq:IT");
  });

  it("lists organizations across pages and never sends x-org-id there", async () => {
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      json(res, 200, { totalCount: 150, results: ids(skip, Math.min(150, skip + 100)).map((id) => ({ _id: id, displayName: id })) });
    });
    const orgs = await collect(client(server.url, { orgId: "org-1" }).listOrganizations());
    expect(orgs).toHaveLength(150);
    expect(server.requests.every((r) => r.headers["x-org-id"] === undefined)).toBe(true);
  });

  it("rejects a body of the wrong shape and malformed JSON as invalid-response", async () => {
    server = await startServer((req, res) => {
      if (req.url.pathname === "/api/systemusers") return json(res, 200, { totalCount: 3, users: [] });
      if (req.url.pathname === "/api/applications") {
        res.writeHead(200, { "content-type": "application/json" });
        return res.end('{"totalCount": 2, "results": [');
      }
      json(res, 200, { totalCount: 1, results: [{ name: "no id" }] });
    });
    const jc = client(server.url);
    await expect(collect(jc.listUsers())).rejects.toMatchObject({ kind: "invalid-response", operation: "listUsers", status: 200 });
    await expect(collect(jc.listApplications())).rejects.toMatchObject({ kind: "invalid-response", operation: "listApplications" });
    await expect(collect(jc.listOrganizations())).rejects.toBeInstanceOf(JumpCloudApiError);
  });
});

describe("v2 pagination", () => {
  it("reads x-total-count, comma-joins nothing it does not need, skips by the limit across a short page", async () => {
    const all = ids(0, 230);
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      let rows = all.slice(skip, skip + 100).map((id) => ({ id, name: `g${id}`, type: "user_group" }));
      if (skip === 100) rows = rows.slice(0, 60);
      json(res, 200, rows, { "x-total-count": "230" });
    });
    const events: ClientEvent[] = [];
    const groups = await collect(client(server.url, { onEvent: (e) => events.push(e) }).listUserGroups());
    expect(server.requests.map((r) => r.url.search)).toEqual(["?limit=100&skip=0", "?limit=100&skip=100", "?limit=100&skip=200"]);
    expect(groups.map((g) => g.id)).toEqual([...all.slice(0, 160), ...all.slice(200)]);
    expect(events.filter((e) => e.type === "page").map((e) => (e.type === "page" ? [e.family, e.rows] : null))).toEqual([
      ["v2", 100],
      ["v2", 60],
      ["v2", 30],
    ]);
  });

  it("without x-total-count keeps going past short pages and stops on an empty page", async () => {
    const pages: Record<string, unknown[]> = {
      "0": ids(0, 100).map((id) => ({ id, type: "user", paths: [] })),
      "100": ids(100, 140).map((id) => ({ id, type: "user", paths: [] })),
      "200": ids(200, 210).map((id) => ({ id, type: "user", paths: [] })),
      "300": [],
    };
    server = await startServer((req, res) => json(res, 200, pages[req.url.searchParams.get("skip")!] ?? []));
    const users = await collect(client(server.url).listApplicationUsers("app1"));
    expect(server.requests.map((r) => r.url.pathname)).toEqual(Array(4).fill("/api/v2/applications/app1/users"));
    expect(users).toHaveLength(150);
  });

  it("associations send targets and dedupe edges by their target", async () => {
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      const edge = (id: string) => ({ to: { id, type: "user" }, attributes: null });
      json(res, 200, skip === 0 ? ids(0, 100).map(edge) : [edge("u0099"), edge("x1")], { "x-total-count": "102" });
    });
    const jc = client(server.url);
    const edges = await collect(jc.listApplicationAssociations("app9", "user"));
    expect(server.requests[0]!.url.searchParams.get("targets")).toBe("user");
    expect(edges).toHaveLength(101);
    await collect(jc.listApplicationAssociations("app9", ["user", "user_group"]));
    expect(server.requests[2]!.url.search).toBe("?targets=user,user_group&limit=100&skip=0");
    server.requests.splice(2);
    const members = await collect(jc.listUserGroupMembers("g1"));
    expect(server.requests[2]!.url.pathname).toBe("/api/v2/usergroups/g1/members");
    expect(members).toHaveLength(101);
  });

  it("memberof and application usergroups use their routes", async () => {
    server = await startServer((req, res) => json(res, 200, [{ id: "g1", type: "user_group", paths: [[{ to: { id: "g1", type: "user_group" } }]] }], { "x-total-count": "1" }));
    const jc = client(server.url);
    expect(await collect(jc.listUserMemberOf("u1"))).toHaveLength(1);
    expect(await collect(jc.listApplicationUserGroups("a1"))).toHaveLength(1);
    expect(server.requests.map((r) => r.url.pathname)).toEqual(["/api/v2/users/u1/memberof", "/api/v2/applications/a1/usergroups"]);
  });

  it("a v2 row without an id is invalid-response, a bad x-total-count too", async () => {
    server = await startServer((req, res) =>
      req.url.pathname.endsWith("usergroups") ? json(res, 200, [{ name: "x" }], { "x-total-count": "1" }) : json(res, 200, [], { "x-total-count": "lots" }),
    );
    const jc = client(server.url);
    await expect(collect(jc.listUserGroups())).rejects.toMatchObject({ kind: "invalid-response" });
    await expect(collect(jc.listUserMemberOf("u"))).rejects.toMatchObject({ kind: "invalid-response" });
  });
});

describe("System Insights pagination", () => {
  it("uses limit 10000, comma-joined eq/in filters and sort, and pages across a short page", async () => {
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      const n = skip === 0 ? 10_000 : skip === 10_000 ? 9_000 : skip === 20_000 ? 5 : 0;
      json(res, 200, Array.from({ length: n }, (_, i) => ({ system_id: "s1", name: `app${skip + i}` })));
    });
    const rows = await collect(client(server.url).listSystemInsights("programs", { filter: ["system_id:in:s1|s2", "name:eq:Chrome"], sort: ["name", "-version"] }));
    const q = server.requests[0]!.url;
    expect(q.pathname).toBe("/api/v2/systeminsights/programs");
    expect(q.search).toBe("?limit=10000&skip=0&filter=system_id%3Ain%3As1%7Cs2,name%3Aeq%3AChrome&sort=name,-version");
    expect(server.requests.map((r) => r.url.searchParams.get("skip"))).toEqual(["0", "10000", "20000", "30000"]);
    expect(rows).toHaveLength(19_005);
  });

  it("with endOnShortPage, stops on the first page shorter than the limit (one request for a small table)", async () => {
    server = await startServer((req, res) => {
      const skip = Number(req.url.searchParams.get("skip"));
      const n = skip === 0 ? 10_000 : skip === 10_000 ? 9_000 : 5;
      json(res, 200, Array.from({ length: n }, (_, i) => ({ system_id: "s1", name: `app${skip + i}` })));
    });
    const rows = await collect(client(server.url).listSystemInsights("apps", { endOnShortPage: true }));
    expect(server.requests.map((r) => r.url.searchParams.get("skip"))).toEqual(["0", "10000"]);
    expect(rows).toHaveLength(19_000);
  });

  it("refuses operators System Insights does not support", () => {
    const jc = createJumpCloudClient({ apiKey: testKey(), consoleBaseUrl: "http://127.0.0.1:9" });
    expect(() => jc.listSystemInsights("apps", { filter: ["name:search:x"] })).toThrow(RangeError);
    expect(() => jc.listSystemInsights("apps", { limit: 20_000 })).toThrow(RangeError);
  });
});

describe("Directory Insights pagination", () => {
  it("re-posts the identical query with search_after from X-Search_after until X-Result-Count < X-Limit", async () => {
    const sizes = [3, 3, 1];
    server = await startServer((req, res) => {
      const n = server!.requests.length - 1;
      const count = sizes[n]!;
      const events = Array.from({ length: count }, (_, i) => ({ id: `e${n}-${i}`, event_type: "user_login_attempt", service: "directory", timestamp: "2026-11-01T00:00:00Z" }));
      json(res, 200, events, {
        "X-Result-Count": String(count),
        "X-Limit": "3",
        "X-Sort": "ASC",
        // Sent even on the last page.
        "X-Search_after": JSON.stringify([1_700_000_000_000 + n, `cursor${n}`]),
      });
    });
    const jc = client(server.url, { orgId: "o1" });
    const pages = await collect(jc.events({ service: ["directory", "sso"], start_time: "2026-11-01T00:00:00Z", limit: 3 }));
    expect(pages.map((p) => [p.resultCount, p.limit, p.searchAfter])).toEqual([
      [3, 3, [1_700_000_000_000, "cursor0"]],
      [3, 3, [1_700_000_000_001, "cursor1"]],
      [1, 3, [1_700_000_000_002, "cursor2"]],
    ]);
    const bodies = server.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    const base = { service: ["directory", "sso"], start_time: "2026-11-01T00:00:00Z", limit: 3, sort: "ASC" };
    expect(bodies).toEqual([base, { ...base, search_after: [1_700_000_000_000, "cursor0"] }, { ...base, search_after: [1_700_000_000_001, "cursor1"] }]);
    expect(server.requests.every((r) => r.method === "POST" && r.url.pathname === "/insights/directory/v1/events")).toBe(true);
    expect(server.requests[0]!.headers["x-org-id"]).toBe("o1");
  });

  it("defaults to limit 10000 and ASC, and counts events", async () => {
    server = await startServer((req, res) =>
      req.url.pathname.endsWith("/count") ? json(res, 200, { count: 4242 }) : json(res, 200, [], { "X-Result-Count": "0", "X-Limit": "10000", "X-Search_after": "[]" }),
    );
    const jc = client(server.url);
    const pages = await collect(jc.events({ service: ["all"], start_time: "2026-11-01T00:00:00Z" }));
    // An empty first page has no cursor to point at: `[]` reads as null.
    expect(pages).toEqual([{ events: [], resultCount: 0, limit: 10_000, searchAfter: null }]);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({ limit: 10_000, sort: "ASC" });
    expect(await jc.countEvents({ service: ["all"], start_time: "2026-11-01T00:00:00Z", limit: 5, search_after: [1, "x"], sort: "DESC" })).toBe(4242);
    expect(JSON.parse(server.requests[1]!.body)).toEqual({ service: ["all"], start_time: "2026-11-01T00:00:00Z" });
  });

  it("an unparsable X-Search_after, or a full page without one, is invalid-response", async () => {
    server = await startServer((req, res) => {
      const bad = server!.requests.length === 1;
      json(res, 200, [{ id: "e1" }], bad ? { "X-Result-Count": "1", "X-Limit": "1", "X-Search_after": "[1, 2" } : { "X-Result-Count": "1", "X-Limit": "1" });
    });
    const jc = client(server.url);
    const q = { service: ["all" as const], start_time: "2026-11-01T00:00:00Z", limit: 1 };
    await expect(collect(jc.events(q))).rejects.toMatchObject({ kind: "invalid-response", operation: "events" });
    await expect(collect(jc.events(q))).rejects.toMatchObject({ kind: "invalid-response" });
  });

  it("maps 402 to insights-not-enabled", async () => {
    server = await startServer((req, res) => json(res, 402, { message: "Directory Insights is not enabled for your organization" }));
    const err = await collect(client(server.url).events({ service: ["all"], start_time: "2026-11-01T00:00:00Z" })).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "insights-not-enabled", status: 402, operation: "events" });
    expect(server.requests).toHaveLength(1);
  });
});
