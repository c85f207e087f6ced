import { afterEach, expect, it, describe } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { SyncFacade } from "../../src/sync/sync-facade.service.js";
import { simAccountBody, startApiApp, type ApiApp } from "../support/api-app.js";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface AppDto {
  appId: string;
  aliases: string[];
  deviceCount: number;
  userCount: number;
  sources: string[];
}

describe("HTTP API of the app catalog (canonical apps, an app's users, a user's apps, reclaim)", () => {
  let sim: Sim;
  let api: ApiApp;

  afterEach(async () => {
    await api?.close();
    await sim?.close();
  });

  it("serves the catalog the sync built, pages it, validates input, and needs a token", async () => {
    sim = await startSim({ scenario: "demo", seed: 21 });
    api = await startApiApp({ clock: sim.clock, env: { JCS_INVENTORY_ENABLED: "true" } });
    api.token = (await api.store.tokens.createToken("reader", sim.clock.now())).secret;
    const created = await api.call<{ scopes: { id: string }[] }>("POST", "/v1/accounts", { body: simAccountBody(sim) });
    expect(created.status).toBe(201);
    const scopeId = created.body.scopes[0]!.id;
    await api.app.get(SyncFacade).syncNow({ scopeIds: [scopeId] });

    expect((await api.call("GET", `/v1/scopes/${scopeId}/apps`, { token: null })).status).toBe(401);
    const all: AppDto[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Page<AppDto> } = await api.call<Page<AppDto>>("GET", `/v1/scopes/${scopeId}/apps?limit=7${cursor === null ? "" : `&cursor=${cursor}`}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(new Set(all.map((a) => a.appId)).size).toBe(all.length);
    const slack = all.find((a) => a.appId === "slack")!;
    expect(slack.sources).toContain("sso");
    expect(slack.userCount).toBeGreaterThan(0);

    const users = await api.call<Page<{ userId: string; appId: string; lastUsed: { kind: string } }>>("GET", `/v1/scopes/${scopeId}/apps/slack/users?limit=500`);
    expect(users.status).toBe(200);
    expect(users.body.items).toHaveLength(slack.userCount);
    const someone = users.body.items[0]!.userId;
    const mine = await api.call<Page<{ appId: string }>>("GET", `/v1/scopes/${scopeId}/users/${someone}/apps?limit=500`);
    expect(mine.body.items.map((a) => a.appId)).toContain("slack");
    expect((await api.call("GET", `/v1/scopes/${scopeId}/apps/no-such-app/users`)).status).toBe(404);

    const reclaim = await api.call<Page<{ appId: string; userId: string; idleSince: string | null }>>("GET", `/v1/scopes/${scopeId}/app-reclaim?days=30&limit=500`);
    expect(reclaim.status).toBe(200);
    expect(reclaim.body.items.length).toBeGreaterThan(0);
    expect((await api.call("GET", `/v1/scopes/${scopeId}/app-reclaim?days=0`)).status).toBe(400);
    expect((await api.call("GET", `/v1/scopes/${scopeId}/app-reclaim`)).status).toBe(400);

    // An operator merges Zoom into Slack: stored durably, applied on read, and still so after the next sync.
    const zoom = all.find((a) => a.appId === "zoom");
    expect(zoom).toBeDefined();
    const bad = await api.call<{ errors: { path: string }[] }>("PUT", `/v1/scopes/${scopeId}/app-overrides`, { body: { overrides: [{ kind: "merge", from: "zoom", into: "unlisted:nope" }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.path).toBe("overrides.0");
    expect((await api.call<{ overrides: unknown[] }>("GET", `/v1/scopes/${scopeId}/app-overrides`)).body.overrides).toEqual([]);
    const put = await api.call("PUT", `/v1/scopes/${scopeId}/app-overrides`, { body: { overrides: [{ kind: "merge", from: "zoom", into: "slack", displayName: "Slack + Zoom" }] } });
    expect(put.status).toBe(200);
    sim.clock.advance(2 * 60 * 60_000);
    await api.app.get(SyncFacade).syncNow({ scopeIds: [scopeId] });
    const after = await api.call<Page<AppDto & { displayName: string }>>("GET", `/v1/scopes/${scopeId}/apps?limit=500`);
    expect(after.body.items.find((a) => a.appId === "zoom")).toBeUndefined();
    const merged = after.body.items.find((a) => a.appId === "slack")!;
    expect(merged.displayName).toBe("Slack + Zoom");
    for (const alias of zoom!.aliases) expect(merged.aliases).toContain(alias);
    expect((await api.call<{ overrides: unknown[] }>("GET", `/v1/scopes/${scopeId}/app-overrides`)).body.overrides).toHaveLength(1);
    const audit = await api.store.audit.list({ action: "apps.overrides", limit: 10 });
    expect(audit.items.map((e) => e.outcome).sort()).toEqual(["refused", "succeeded"]);
  });

  it("an invalid stored override does not fail reads: it is skipped and reported, the valid ones still apply", async () => {
    sim = await startSim({ scenario: "demo", seed: 21 });
    api = await startApiApp({ clock: sim.clock, env: { JCS_INVENTORY_ENABLED: "true" } });
    api.token = (await api.store.tokens.createToken("reader", sim.clock.now())).secret;
    const created = await api.call<{ scopes: { id: string }[] }>("POST", "/v1/accounts", { body: simAccountBody(sim) });
    const scopeId = created.body.scopes[0]!.id;
    await api.app.get(SyncFacade).syncNow({ scopeIds: [scopeId] });
    // Stored as an older version or a hand edit could leave it: one valid merge, an id the catalog does not ship, a null.
    await api.store.cursors.saveCursor(scopeId, "app-overrides", {
      version: 1,
      overrides: [{ kind: "merge", from: "zoom", into: "slack", displayName: "Slack + Zoom" }, { kind: "merge", from: "retired-product", into: "slack" }, null],
    });
    const apps = await api.call<Page<AppDto & { displayName: string }>>("GET", `/v1/scopes/${scopeId}/apps?limit=500`);
    expect(apps.status).toBe(200);
    expect(apps.body.items.find((a) => a.appId === "zoom")).toBeUndefined();
    expect(apps.body.items.find((a) => a.appId === "slack")?.displayName).toBe("Slack + Zoom");
    expect((await api.call("GET", `/v1/scopes/${scopeId}/app-reclaim?days=30`)).status).toBe(200);
    const stored = await api.call<{ overrides: unknown[]; skipped: { index: number; message: string }[] }>("GET", `/v1/scopes/${scopeId}/app-overrides`);
    expect(stored.status).toBe(200);
    expect(stored.body.overrides).toHaveLength(3);
    expect(stored.body.skipped.map((i) => i.index)).toEqual([1, 2]);
    expect(stored.body.skipped[0]?.message).toMatch(/unknown app id "retired-product"/u);
    // Writing is still strict: the same list is refused, nothing stored changes.
    const refused = await api.call("PUT", `/v1/scopes/${scopeId}/app-overrides`, { body: { overrides: [{ kind: "merge", from: "retired-product", into: "slack" }] } });
    expect(refused.status).toBe(400);
    expect((await api.call<{ overrides: unknown[] }>("GET", `/v1/scopes/${scopeId}/app-overrides`)).body.overrides).toHaveLength(3);
  });
});
