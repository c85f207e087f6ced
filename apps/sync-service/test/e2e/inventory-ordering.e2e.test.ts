import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { AppCatalogService } from "../../src/inventory/app-catalog.service.js";
import { addSimAccount, bootService, describeOnDatabases, ranOk, type Service } from "../support/harness.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

// Snapshot semantics (issue 12): a device's System Insights rows are authoritative at their
// collection_time; software events apply on top by time. The stand-in's `collectInventory`
// freezes what the agent reported at a chosen instant while events and the device move on.
describeOnDatabases("inventory snapshot vs software events, by time, against the stand-in's ground truth", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  it("a snapshot older than a software_remove: gone; newer than an old software_add: as the snapshot says; an add after the snapshot: present", { timeout: 180_000 }, async () => {
    sim = await startSim({ scenario: "demo", seed: 33 });
    service = await bootService({ db: db(), clock: sim.clock, env: { JCS_INVENTORY_ENABLED: "true" } });
    const mac = sim.world.addDevice({ osFamily: "darwin", hostname: "ordering-mac", systemInsights: "enabled" });
    const iso = (ms: number): string => new Date(ms).toISOString();
    const now = (): number => sim.clock.now().getTime();
    sim.world.installSoftware(mac.id, { product: "slack" });
    sim.world.installSoftware(mac.id, { product: "zoom" });
    // Figma: added 20 days ago, removed 5 days ago — a remove Directory Insights will show only in 30 days (late).
    sim.world.installSoftware(mac.id, { product: "figma" }, { at: iso(now() - 20 * DAY) });
    sim.world.removeSoftware(mac.id, "Figma.app", { at: iso(now() - 5 * DAY), visibleAt: iso(now() + 30 * DAY) });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    const [first] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(first)).toBe(true);

    // Two hours on: the agent reports at -30 min (Slack still there), Slack is removed at -10 min,
    // Miro is installed now: neither reaches the snapshot.
    sim.clock.advance(120 * MINUTE);
    const collectedAt = sim.world.collectInventory(mac.id, { at: iso(now() - 30 * MINUTE) });
    const removedAt = iso(now() - 10 * MINUTE);
    sim.world.removeSoftware(mac.id, "Slack.app", { at: removedAt });
    sim.world.installSoftware(mac.id, { product: "miro" });
    sim.clock.advance(5 * MINUTE);

    // The premises, from the stand-in's ground truth.
    const truth = sim.truth();
    const device = truth.devices.find((d) => d.id === mac.id)!;
    expect(device.inventoryCollectedAt).toBe(collectedAt);
    const served = sim.world.inventoryRows(mac.id, "apps");
    const listed = new Set(served.map((r) => String(r["name"])));
    expect(served.every((r) => r["collection_time"] === collectedAt)).toBe(true);
    expect(listed.has("Slack.app")).toBe(true); // the snapshot still lists Slack…
    expect(listed.has("Zoom.app") || listed.has("zoom.us.app")).toBe(true);
    expect([...listed].some((n) => /^figma/iu.test(n))).toBe(false); // …and not Figma…
    expect([...listed].some((n) => /^miro/iu.test(n))).toBe(false); // …nor Miro.
    const events = new Map(device.software.map((s) => [s.name, s]));
    expect(events.has("Slack.app")).toBe(false); // the last visible Slack event is the remove, after the snapshot
    expect(events.get("Figma.app")?.eventType).toBe("software_add"); // the last visible Figma event is the old add
    expect(events.get("Figma.app")!.at < collectedAt).toBe(true);
    expect(events.get("Miro.app")!.at > collectedAt).toBe(true);

    const [second] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(second)).toBe(true);

    // What the stores hold: the inventory row of Slack is live (the snapshot lists it), the events say removed;
    // the events' Figma is live (the old add), the inventory has none.
    const inventory = (await service.store.inventory.listInventoryRows(scopeId)).filter((r) => r.deviceId === mac.id);
    const eventRows = (await service.store.mdm.listInstallations(scopeId, "events")).filter((r) => r.deviceId === mac.id);
    expect(inventory.find((r) => r.name === "Slack.app")).toMatchObject({ removedAt: null, evidenceAt: collectedAt });
    expect(eventRows.find((r) => r.appKey === "slack.app")).toMatchObject({ evidenceAt: removedAt });
    expect(eventRows.find((r) => r.appKey === "slack.app")?.removedAt).not.toBeNull();
    expect(eventRows.find((r) => r.appKey === "figma.app")).toMatchObject({ removedAt: null, evidenceAt: events.get("Figma.app")!.at });
    expect(inventory.some((r) => r.appKey === "figma.app" && r.removedAt === null)).toBe(false);

    // The merged picture: one installation per device and canonical app, by time.
    const view = await service.app.get(AppCatalogService).view(scopeId);
    const on = (appId: string): boolean => view.apps.find((a) => a.appId === appId)?.deviceIds.includes(mac.id) ?? false;
    expect(on("slack")).toBe(false); // snapshot older than the software_remove: gone
    expect(on("figma")).toBe(false); // snapshot newer than the old software_add: as the snapshot says
    expect(on("miro")).toBe(true); // an add after the snapshot: present
    expect(on("zoom")).toBe(true); // in the snapshot, nothing later: present
    const user = view.userApps.filter((u) => u.deviceIds.includes(mac.id)).map((u) => u.appId);
    expect(user).not.toContain("slack");

    // The agent reports again: the snapshot is the device's software now (no Slack, Miro there); the picture holds.
    sim.clock.advance(61 * MINUTE);
    sim.world.collectInventory(mac.id);
    const [third] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(third)).toBe(true);
    const again = await service.app.get(AppCatalogService).view(scopeId);
    const onAgain = (appId: string): boolean => again.apps.find((a) => a.appId === appId)?.deviceIds.includes(mac.id) ?? false;
    expect([onAgain("slack"), onAgain("figma"), onAgain("miro"), onAgain("zoom")]).toEqual([false, false, true, true]);
    expect((await service.store.inventory.listInventoryRows(scopeId)).find((r) => r.deviceId === mac.id && r.name === "Slack.app")?.removedAt).not.toBeNull();
  });
});
