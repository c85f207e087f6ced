import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { appKeyOf, INVENTORY_TABLES, type InventoryTable } from "@jumpcloud-sync/domain";
import { addSimAccount, bootService, describeOnDatabases, ranOk, streamOf, type Service } from "../support/harness.js";

const SI_ROUTE = (t: InventoryTable): string => `GET /api/v2/systeminsights/${t}`;

describeOnDatabases("inventory stream: System Insights against the stand-in's ground truth", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  async function boot(): Promise<string> {
    sim = await startSim({ scenario: "demo", seed: 12 });
    service = await bootService({ db: db(), clock: sim.clock, env: { JCS_INVENTORY_ENABLED: "true" } });
    const { scopes } = await addSimAccount(service, sim);
    return scopes[0]!.id;
  }

  /** What the store says each device has, per table: `device/table/appKey` → row. */
  async function storedLive(scopeId: string): Promise<Map<string, { name: string; version: string | null; lastOpened: string | null }>> {
    const out = new Map<string, { name: string; version: string | null; lastOpened: string | null }>();
    for (const r of await service.store.inventory.listInventoryRows(scopeId)) {
      if (r.removedAt === null) out.set(`${r.deviceId}/${r.sourceRef}/${r.appKey}`, { name: r.name, version: r.version, lastOpened: r.lastOpened });
    }
    return out;
  }

  /** The stand-in's truth: every row each table serves for each device (first row per app, as the sync keeps). */
  function truthLive(): Map<string, { name: string; lastOpened: unknown }> {
    const out = new Map<string, { name: string; lastOpened: unknown }>();
    for (const d of sim.truth().devices) {
      // A device without System Insights serves no row (truth: 0); the store's earlier rows are checked apart.
      if (d.systemInsights !== "enabled") continue;
      for (const table of INVENTORY_TABLES) {
        const rows = sim.world.inventoryRows(d.id, table);
        expect(rows.length).toBe(d.inventoryRows[table]);
        for (const row of rows) {
          const key = `${d.id}/${table}/${appKeyOf(row["name"] as string)}`;
          if (!out.has(key)) out.set(key, { name: row["name"] as string, lastOpened: row["last_opened_time"] });
        }
      }
    }
    return out;
  }

  async function expectInventoryMatchesTruth(scopeId: string): Promise<void> {
    const reporting = new Set(sim.truth().devices.filter((d) => d.systemInsights === "enabled").map((d) => d.id));
    const stored = new Map([...(await storedLive(scopeId))].filter(([k]) => reporting.has(k.slice(0, k.indexOf("/")))));
    const truth = truthLive();
    expect([...stored.keys()].sort()).toEqual([...truth.keys()].sort());
    for (const [key, t] of truth) {
      const s = stored.get(key)!;
      expect(s.name).toBe(t.name);
      if (key.includes("/apps/")) {
        // -1 = never opened; a number is epoch seconds.
        expect(s.lastOpened).toBe(t.lastOpened === -1 ? "never" : new Date(Math.floor((t.lastOpened as number) * 1000)).toISOString());
      } else expect(s.lastOpened).toBeNull();
    }
    // Every device reports (or is unavailable) as its System Insights state says.
    const statuses = await service.store.inventory.loadInventoryStatuses(scopeId);
    for (const d of sim.truth().devices) {
      const s = statuses.get(d.id);
      expect(s?.availability, d.id).toBe(d.systemInsights === "enabled" ? "available" : "unavailable");
      expect(s?.rows).toBe(d.systemInsights === "enabled" ? new Set(INVENTORY_TABLES.flatMap((t) => sim.world.inventoryRows(d.id, t).map((r) => `${t}/${appKeyOf(r["name"] as string)}`))).size : 0);
    }
  }

  it("first sync: every table read across all devices in pages, exact against the truth; a no-op writes nothing", async () => {
    const scopeId = await boot();
    const before = sim.stats().byRoute;
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result)).toBe(true);
    expect(streamOf(result, "inventory")).toMatchObject({ kind: "ran", state: "succeeded" });
    await expectInventoryMatchesTruth(scopeId);

    // Requests: exactly the stand-in's minimum per table (⌈rows/10,000⌉, one for an empty or short last page).
    const plan = sim.truth().minimumRequests.mdm.byRoute;
    const after = sim.stats().byRoute;
    for (const t of INVENTORY_TABLES) {
      const served = (after[SI_ROUTE(t)]?.total ?? 0) - (before[SI_ROUTE(t)]?.total ?? 0);
      expect(served, t).toBe(plan[SI_ROUTE(t)]);
    }
    const [run] = (await service.store.runs.listRuns({ scopeId, stream: "inventory", limit: 1 })).items;
    expect(run?.counters.removed).toBe(0);
    expect(run?.counters.created).toBeGreaterThan(0);
    // The stream's own requests are the System Insights pages alone: the devices come from the devices stream, which ran first.
    expect(run?.counters.requests).toBe(INVENTORY_TABLES.reduce((n, t) => n + (plan[SI_ROUTE(t)] ?? 0), 0));
    const [devicesRun] = (await service.store.runs.listRuns({ scopeId, stream: "devices", limit: 1 })).items;
    expect(devicesRun?.state).toBe("succeeded");
    expect(run!.startedAt.getTime()).toBeGreaterThanOrEqual(devicesRun!.finishedAt!.getTime());

    const [again] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(streamOf(again, "inventory")).toMatchObject({ kind: "ran", state: "succeeded" });
    const runs = (await service.store.runs.listRuns({ scopeId, stream: "inventory", limit: 10 })).items;
    expect(runs).toHaveLength(2);
    const noop = runs.find((r) => r.id !== run?.id);
    expect(noop?.counters).toMatchObject({ created: 0, updated: 0, removed: 0 });
    await expectInventoryMatchesTruth(scopeId);
  });

  it("a device without System Insights is 'inventory unavailable', never 'nothing installed'; removals and installs follow the next snapshot", async () => {
    const scopeId = await boot();
    const mac = sim.world.addDevice({ osFamily: "darwin", hostname: "si-off-mac", systemInsights: "enabled" });
    sim.world.installSoftware(mac.id, { product: "slack" });
    sim.world.installSoftware(mac.id, { product: "zoom" });
    await service.sync.syncNow({ scopeIds: [scopeId] });
    await expectInventoryMatchesTruth(scopeId);
    const slackKey = [...(await storedLive(scopeId)).keys()].find((k) => k.startsWith(`${mac.id}/apps/slack`));
    expect(slackKey).toBeDefined();

    // Off: the stand-in serves no rows for it; the store keeps what it knew and says why it is unknown now.
    sim.world.setSystemInsights(mac.id, "disabled");
    sim.clock.advance(61 * 60_000);
    const [r2] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(r2)).toBe(true);
    const off = (await service.store.inventory.loadInventoryStatuses(scopeId)).get(mac.id);
    expect(off).toMatchObject({ availability: "unavailable", reason: "system-insights-disabled" });
    expect((await storedLive(scopeId)).has(slackKey!)).toBe(true);

    // On again, with Zoom removed: the snapshot is authoritative, Zoom is tombstoned at its collection time.
    sim.world.setSystemInsights(mac.id, "enabled");
    const zoom = sim.world.inventoryRows(mac.id, "apps").find((r) => String(r["name"]).toLowerCase().startsWith("zoom"))!;
    sim.world.removeSoftware(mac.id, zoom["name"] as string);
    sim.clock.advance(61 * 60_000);
    await service.sync.syncNow({ scopeIds: [scopeId] });
    await expectInventoryMatchesTruth(scopeId);
    const rows = await service.store.inventory.listInventoryRows(scopeId);
    const zoomRow = rows.find((r) => r.deviceId === mac.id && r.name === zoom["name"]);
    expect(zoomRow?.removedAt).not.toBeNull();
    expect((await service.store.inventory.loadInventoryStatuses(scopeId)).get(mac.id)).toMatchObject({ availability: "available" });
  });

  it("reads the devices the devices stream stored: a device stored as enabled that serves no row is unknown (rows kept), never 'nothing installed'", async () => {
    const scopeId = await boot();
    const mac = sim.world.addDevice({ osFamily: "darwin", hostname: "si-stale-mac", systemInsights: "enabled" });
    sim.world.installSoftware(mac.id, { product: "slack" });
    await service.sync.syncNow({ scopeIds: [scopeId] });
    const live = async (): Promise<number> => (await service.store.inventory.listInventoryRows(scopeId)).filter((r) => r.deviceId === mac.id && r.removedAt === null).length;
    const rows = await live();
    expect(rows).toBe(sim.world.inventoryRows(mac.id, "apps").length + sim.world.inventoryRows(mac.id, "safari_extensions").length + sim.world.inventoryRows(mac.id, "chrome_extensions").length + sim.world.inventoryRows(mac.id, "firefox_addons").length);
    expect(rows).toBeGreaterThan(0);

    // System Insights turned off after the devices stream read the device: the inventory alone runs,
    // the stored state still says enabled, the stand-in serves nothing for it.
    sim.world.setSystemInsights(mac.id, "disabled");
    sim.clock.advance(61 * 60_000);
    const [only] = await service.sync.syncNow({ scopeIds: [scopeId], streams: ["inventory"] });
    expect(streamOf(only, "inventory")).toMatchObject({ kind: "ran", state: "succeeded" });
    expect((await service.store.inventory.loadInventoryStatuses(scopeId)).get(mac.id)).toMatchObject({ availability: "unavailable", reason: "system-insights-unknown" });
    expect(await live()).toBe(rows);

    // The next pass: the devices stream reads the state first; the device is unavailable as System Insights says, rows still kept.
    const [next] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(next)).toBe(true);
    expect((await service.store.inventory.loadInventoryStatuses(scopeId)).get(mac.id)).toMatchObject({ availability: "unavailable", reason: "system-insights-disabled" });
    expect(await live()).toBe(rows);
    await expectInventoryMatchesTruth(scopeId);
  });
});
