import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { InventoryDevice, InventoryRow } from "../model/inventory.js";
import { installationKey, type StoredInstallation } from "../model/mdm.js";
import { inventorySnapshotAt, lastOpenedOf, presentApps, reconcileInventoryDevice, type StoredInventoryInstallation } from "./inventory.js";

const mac: InventoryDevice = { id: "d1", systemInsights: "enabled", lastContact: "2026-11-30T10:00:00.000Z" };
const NOW = new Date("2026-12-01T00:00:00.000Z");

function slackRow(over: Partial<InventoryRow> = {}): InventoryRow {
  return {
    system_id: "d1",
    name: "Slack.app",
    display_name: "Slack",
    bundle_identifier: "com.tinyspeck.slackmacgap",
    bundle_short_version: "4.41.105",
    last_opened_time: 1764500000.25,
    collection_time: "2026-11-30T10:00:00.000Z",
    ...over,
  };
}

function stored(changes: { created: readonly StoredInventoryInstallation[] | readonly Omit<StoredInventoryInstallation, "removedAt">[] }): Map<string, StoredInventoryInstallation> {
  return new Map(changes.created.map((r) => [installationKey(r), { ...r, removedAt: null }]));
}

describe("inventory snapshot of one device", () => {
  it("maps rows to inventory installations with last opened, and a re-listing changes nothing", () => {
    const first = reconcileInventoryDevice("apps", mac, [slackRow(), slackRow({ name: "Notes.app", last_opened_time: -1 })], new Map(), NOW);
    expect(first.changes.created).toHaveLength(2);
    const slack = first.changes.created.find((r) => r.name === "Slack.app")!;
    expect(slack).toMatchObject({ source: "inventory", sourceRef: "apps", appKey: "slack.app", version: "4.41.105", lastOpened: "2025-11-30T10:53:20.250Z", firstSeenAt: "2026-11-30T10:00:00.000Z" });
    expect(first.changes.created.find((r) => r.name === "Notes.app")!.lastOpened).toBe("never");
    const again = reconcileInventoryDevice("apps", mac, [slackRow(), slackRow({ name: "Notes.app", last_opened_time: -1 })], stored(first.changes), NOW);
    expect(again.changes).toEqual({ created: [], updated: [], removed: [] });
  });

  it("an app missing from a later snapshot is removed at that snapshot's instant; first seen survives", () => {
    const first = reconcileInventoryDevice("apps", mac, [slackRow(), slackRow({ name: "Zoom.app" })], new Map(), NOW);
    const later = "2026-11-30T12:00:00.000Z";
    const next = reconcileInventoryDevice("apps", { ...mac, lastContact: later }, [slackRow({ collection_time: later })], stored(first.changes), NOW);
    expect(next.changes.removed).toEqual([{ key: installationKey({ deviceId: "d1", appKey: "zoom.app", source: "inventory", sourceRef: "apps" }), removedAt: later }]);
    expect(next.changes.updated[0]).toMatchObject({ firstSeenAt: "2026-11-30T10:00:00.000Z", lastSeenAt: later, evidenceAt: later });
  });

  it("linux rows have no collection_time: the device's last contact is their instant", () => {
    expect(inventorySnapshotAt([{ name: "slack-desktop" }], { lastContact: "2026-11-29T08:00:00Z" })).toBe("2026-11-29T08:00:00.000Z");
    const r = reconcileInventoryDevice("linux_packages", { id: "d1", systemInsights: "enabled", lastContact: "2026-11-29T08:00:00Z" }, [{ name: "slack-desktop", version: "4.41", package_format: "deb" }], new Map(), NOW);
    expect(r.changes.created[0]).toMatchObject({ evidenceAt: "2026-11-29T08:00:00.000Z", packageManager: "deb", lastOpened: null });
  });

  it("last_opened_time: -1 is never, a number is an instant, absent or other tables are not reported", () => {
    expect(lastOpenedOf("apps", { last_opened_time: -1 })).toBe("never");
    expect(lastOpenedOf("apps", { last_opened_time: "1700000000" })).toBe("2023-11-14T22:13:20.000Z");
    expect(lastOpenedOf("apps", {})).toBeNull();
    expect(lastOpenedOf("programs", { last_opened_time: 1700000000 })).toBeNull();
  });
});

function row(over: Partial<StoredInstallation> & Pick<StoredInstallation, "source" | "evidenceAt">): StoredInstallation {
  return {
    deviceId: "d1",
    appKey: "slack",
    sourceRef: over.source === "inventory" ? "apps" : over.source === "managed" ? "app1" : "",
    name: "Slack",
    version: null,
    packageManager: null,
    firstSeenAt: over.evidenceAt,
    lastSeenAt: over.evidenceAt,
    evidenceId: "e",
    evidenceKind: over.source === "inventory" ? "inventory" : "add",
    removedAt: null,
    ...over,
  };
}

describe("software on a device: inventory snapshot with events on top", () => {
  const snap = { availability: "available" as const, collectedAt: "2026-11-30T10:00:00.000Z" };

  it("a snapshot older than a software_remove: gone", () => {
    const rows = [row({ source: "inventory", evidenceAt: snap.collectedAt }), row({ source: "events", evidenceAt: "2026-11-30T11:00:00.000Z", evidenceKind: "remove", removedAt: "2026-11-30T11:00:00.000Z" })];
    expect(presentApps({ deviceId: "d1", inventory: snap, rows })).toEqual([]);
  });

  it("a snapshot newer than a remove: as the snapshot says (present)", () => {
    const rows = [row({ source: "inventory", evidenceAt: snap.collectedAt }), row({ source: "events", evidenceAt: "2026-11-29T11:00:00.000Z", evidenceKind: "remove", removedAt: "2026-11-29T11:00:00.000Z" })];
    expect(presentApps({ deviceId: "d1", inventory: snap, rows }).map((a) => a.sources)).toEqual([["inventory"]]);
  });

  it("a snapshot newer than an old add, without the app: gone; an add after the snapshot: present", () => {
    expect(presentApps({ deviceId: "d1", inventory: snap, rows: [row({ source: "events", evidenceAt: "2026-11-01T00:00:00.000Z" })] })).toEqual([]);
    expect(presentApps({ deviceId: "d1", inventory: snap, rows: [row({ source: "events", evidenceAt: "2026-11-30T10:00:01.000Z" })] }).map((a) => a.sources)).toEqual([["events"]]);
  });

  it("inventory unavailable (System Insights off): events alone; a managed status always counts", () => {
    const rows = [row({ source: "events", evidenceAt: "2026-11-01T00:00:00.000Z" }), row({ appKey: "zoom", source: "managed", evidenceAt: "2026-11-01T00:00:00.000Z" })];
    expect(presentApps({ deviceId: "d1", inventory: { availability: "unavailable", collectedAt: null }, rows }).map((a) => [a.appKey, a.sources])).toEqual([
      ["slack", ["events"]],
      ["zoom", ["managed"]],
    ]);
    expect(presentApps({ deviceId: "d1", inventory: null, rows }).map((a) => a.appKey)).toEqual(["slack", "zoom"]);
  });

  it("is independent of the rows' order (property)", () => {
    const instant = fc.integer({ min: 0, max: 10 }).map((h) => `2026-11-30T${String(h).padStart(2, "0")}:00:00.000Z`);
    const anyRow = fc.record({
      appKey: fc.constantFrom("slack", "zoom", "code"),
      source: fc.constantFrom("inventory" as const, "events" as const, "managed" as const),
      evidenceAt: instant,
      removed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.uniqueArray(anyRow, { selector: (r) => `${r.appKey}/${r.source}` }), instant, fc.boolean(), (specs, collectedAt, available) => {
        const rows = specs.map((s) => row({ appKey: s.appKey, source: s.source, evidenceAt: s.evidenceAt, removedAt: s.removed ? s.evidenceAt : null }));
        const inventory = { availability: available ? ("available" as const) : ("unavailable" as const), collectedAt };
        const a = presentApps({ deviceId: "d1", inventory, rows });
        const b = presentApps({ deviceId: "d1", inventory, rows: [...rows].reverse() });
        expect(b).toEqual(a);
      }),
    );
  });
});
