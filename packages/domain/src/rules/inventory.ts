import type { AppObservation } from "../identity/app-observation.js";
import type { EntityChanges, Removal, Tracked } from "../model/directory.js";
import { NEVER_OPENED, type InventoryDevice, type InventoryDeviceStatus, type InventoryInstallation, type InventoryRow, type InventoryTable, type LastOpened } from "../model/inventory.js";
import { installationKey, type InstallationKey, type InstallationSource, type StoredInstallation } from "../model/mdm.js";
import { diffEntities } from "./entity-changes.js";
import { appKeyOf } from "./mdm.js";
import { normalizeTimestamp } from "./usage.js";

export type StoredInventoryInstallation = Tracked<InventoryInstallation>;

function text(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** The row's app name: what the device's OS reports (the same `name` a software event carries). */
export function inventoryRowName(row: InventoryRow): string | null {
  return text(row.name) ?? text(row.display_name) ?? text(row.bundle_name);
}

/** `apps.last_opened_time`: epoch seconds (with a fraction), `-1` = never opened; other tables: null. */
export function lastOpenedOf(table: InventoryTable, row: InventoryRow): LastOpened {
  if (table !== "apps") return null;
  const raw = row.last_opened_time;
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof n !== "number" || !Number.isFinite(n)) return null;
  if (n < 0) return NEVER_OPENED;
  if (n === 0) return null;
  return new Date(Math.floor(n * 1000)).toISOString();
}

/** The row as the identity normalizer reads it (per table: bundle id, publisher, package format, extension id). */
export function inventoryObservation(table: InventoryTable, row: InventoryRow, name: string): AppObservation {
  switch (table) {
    case "apps":
      return {
        source: "macos-app",
        name,
        displayName: text(row.display_name),
        bundleName: text(row.bundle_name),
        bundleIdentifier: text(row.bundle_identifier),
        bundleShortVersion: text(row.bundle_short_version),
        path: text(row.path),
      };
    case "programs":
      return { source: "windows-program", name, version: text(row.version), publisher: text(row.publisher), identifyingNumber: text(row.identifying_number) };
    case "linux_packages":
      return { source: "linux-package", name, version: text(row.version), packageFormat: text(row.package_format), maintainerOrVendor: text(row.maintainer_or_vendor) };
    case "chrome_extensions":
    case "firefox_addons":
    case "safari_extensions":
      return {
        source: table === "chrome_extensions" ? "chrome-extension" : table === "firefox_addons" ? "firefox-addon" : "safari-extension",
        name,
        identifier: text(row.identifier),
        author: text(row.author) ?? text(row.creator),
        developerId: text(row.developer_id),
        version: text(row.version),
      };
  }
}

/**
 * The instant a device's rows of one table are authoritative at: their latest `collection_time`;
 * for rows without one (`linux_packages` has none), the device's last contact; null when neither.
 */
export function inventorySnapshotAt(rows: readonly InventoryRow[], device: Pick<InventoryDevice, "lastContact"> | undefined): string | null {
  let at: string | null = null;
  let missing = rows.length === 0;
  for (const r of rows) {
    const c = typeof r.collection_time === "string" ? normalizeTimestamp(r.collection_time) : null;
    if (c === null) missing = true;
    else if (at === null || c > at) at = c;
  }
  if (at !== null && !missing) return at;
  const contact = device?.lastContact === null || device?.lastContact === undefined ? null : normalizeTimestamp(device.lastContact);
  if (at === null) return contact;
  return contact !== null && contact > at ? contact : at;
}

/** Whether System Insights reports for the device: only `enabled` devices have rows (API-NOTES §8). */
export function inventoryAvailability(device: InventoryDevice): InventoryDeviceStatus["availability"] {
  return device.systemInsights === "enabled" ? "available" : "unavailable";
}

/**
 * The installation rows one table's rows imply for one device, and what changed against the stored
 * rows of that device and table. The rows are authoritative at the device's snapshot instant: an app
 * missing from them is removed (tombstoned at that instant), an app in them is present with its
 * name, version and last opened; first seen survives re-listing, so an unchanged listing changes
 * nothing. Duplicate rows (same app twice, e.g. two versions) keep the first.
 */
export function reconcileInventoryDevice(
  table: InventoryTable,
  device: InventoryDevice,
  rows: readonly InventoryRow[],
  previous: ReadonlyMap<InstallationKey, StoredInventoryInstallation>,
  now: Date,
): { readonly changes: EntityChanges<InventoryInstallation, InstallationKey>; readonly snapshotAt: string; readonly rows: number } {
  const snapshotAt = inventorySnapshotAt(rows, device) ?? now.toISOString();
  const created: InventoryInstallation[] = [];
  const updated: InventoryInstallation[] = [];
  const seen = new Set<InstallationKey>();
  for (const row of rows) {
    const name = inventoryRowName(row);
    const appKey = appKeyOf(name);
    if (name === null || appKey === null) continue;
    const base = { deviceId: device.id, appKey, source: "inventory" as const, sourceRef: table };
    const key = installationKey(base);
    if (seen.has(key)) continue;
    seen.add(key);
    const collected = (typeof row.collection_time === "string" ? normalizeTimestamp(row.collection_time) : null) ?? snapshotAt;
    const before = previous.get(key);
    const live = before !== undefined && before.removedAt === null ? before : undefined;
    const version = table === "apps" ? (text(row.bundle_short_version) ?? text(row.bundle_version)) : text(row.version);
    const record: InventoryInstallation = {
      ...base,
      name,
      version,
      packageManager: table === "linux_packages" ? text(row.package_format) : null,
      firstSeenAt: live?.firstSeenAt ?? collected,
      lastSeenAt: live !== undefined && live.lastSeenAt !== null && live.lastSeenAt > collected ? live.lastSeenAt : collected,
      evidenceAt: collected,
      evidenceId: `${table}:${device.id}`,
      evidenceKind: "inventory",
      lastOpened: lastOpenedOf(table, row),
      observation: inventoryObservation(table, row, name),
    };
    if (live === undefined) created.push(record);
    else if (!sameInventoryInstallation(live, record)) updated.push(record);
  }
  const removed: Removal<InstallationKey>[] = [];
  for (const [key, before] of previous) {
    if (before.removedAt === null && before.deviceId === device.id && before.sourceRef === table && !seen.has(key)) removed.push({ key, removedAt: snapshotAt });
  }
  return { changes: { created, updated, removed }, snapshotAt, rows: seen.size };
}

export function sameInventoryInstallation(a: InventoryInstallation, b: InventoryInstallation): boolean {
  return (
    a.deviceId === b.deviceId &&
    a.appKey === b.appKey &&
    a.sourceRef === b.sourceRef &&
    a.name === b.name &&
    a.version === b.version &&
    a.packageManager === b.packageManager &&
    a.firstSeenAt === b.firstSeenAt &&
    a.lastSeenAt === b.lastSeenAt &&
    a.evidenceAt === b.evidenceAt &&
    a.evidenceId === b.evidenceId &&
    a.lastOpened === b.lastOpened &&
    JSON.stringify(a.observation) === JSON.stringify(b.observation)
  );
}

export function sameInventoryDeviceStatus(a: InventoryDeviceStatus, b: InventoryDeviceStatus): boolean {
  return (
    a.deviceId === b.deviceId &&
    a.availability === b.availability &&
    a.collectedAt === b.collectedAt &&
    a.rows === b.rows &&
    (a.availability === "unavailable" ? b.availability === "unavailable" && a.reason === b.reason : true)
  );
}

/** Why an unavailable device reports nothing. */
export function inventoryUnavailableReason(device: InventoryDevice): Extract<InventoryDeviceStatus, { availability: "unavailable" }>["reason"] {
  return device.systemInsights === "disabled" ? "system-insights-disabled" : device.systemInsights === "deferred" ? "system-insights-deferred" : "system-insights-unknown";
}

// ---- software on a device: inventory snapshot, events on top, managed ---------------------------

/** What the store knows of one device's software: every installation row (tombstones included) and its inventory status. */
export interface DeviceSoftwareInput {
  readonly deviceId: string;
  /** Null when the inventory never ran for the device (events alone then). */
  readonly inventory: Pick<InventoryDeviceStatus, "availability" | "collectedAt"> | null;
  readonly rows: readonly StoredInstallation[];
}

/** One app present on a device after merging: the live rows that prove it. */
export interface PresentApp {
  readonly deviceId: string;
  readonly appKey: string;
  readonly sources: readonly InstallationSource[];
  readonly rows: readonly StoredInstallation[];
}

/**
 * The apps present on a device. Inventory is a snapshot authoritative at its instant; software
 * events apply on top of it by time: a `software_remove` after the snapshot removes an app the
 * snapshot lists, an add (or change) before the snapshot of an app the snapshot does not list is
 * overruled (the snapshot says it is gone), an add after the snapshot adds it. Without an available
 * inventory, events alone decide. A live managed status (`INSTALLED`) always counts. Pure and
 * independent of the rows' order.
 */
export function presentApps(input: DeviceSoftwareInput): PresentApp[] {
  const byApp = new Map<string, StoredInstallation[]>();
  for (const r of input.rows) {
    if (r.deviceId !== input.deviceId) continue;
    const list = byApp.get(r.appKey);
    if (list === undefined) byApp.set(r.appKey, [r]);
    else list.push(r);
  }
  const available = input.inventory?.availability === "available";
  const snapshotAt = available ? (input.inventory?.collectedAt ?? null) : null;
  const out: PresentApp[] = [];
  for (const [appKey, rows] of [...byApp].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const inventory = rows.filter((r) => r.source === "inventory" && r.removedAt === null);
    const events = rows.filter((r) => r.source === "events");
    const managed = rows.filter((r) => r.source === "managed" && r.removedAt === null);
    // The latest event decides for the events source (rows are one per device × app already).
    const event = events.reduce<StoredInstallation | undefined>((best, r) => (best === undefined || evidenceAfter(r, best) ? r : best), undefined);
    const proof: StoredInstallation[] = [];
    if (inventory.length > 0 && available) {
      const at = inventory.reduce((m, r) => (r.evidenceAt > m ? r.evidenceAt : m), "");
      const removedLater = event !== undefined && event.removedAt !== null && event.evidenceAt > at;
      if (!removedLater) {
        proof.push(...inventory);
        if (event !== undefined && event.removedAt === null) proof.push(event);
      }
    } else if (event !== undefined && event.removedAt === null) {
      // No live inventory row: a snapshot taken after the event says the app is not there.
      if (snapshotAt === null || event.evidenceAt > snapshotAt) proof.push(event);
    }
    proof.push(...managed);
    if (proof.length === 0) continue;
    const sources = [...new Set(proof.map((r) => r.source))].sort();
    out.push({ deviceId: input.deviceId, appKey, sources, rows: proof.sort(compareRows) });
  }
  return out;
}

function evidenceAfter(a: StoredInstallation, b: StoredInstallation): boolean {
  return a.evidenceAt > b.evidenceAt || (a.evidenceAt === b.evidenceAt && a.evidenceId > b.evidenceId);
}

function compareRows(a: StoredInstallation, b: StoredInstallation): number {
  const ka = installationKey(a);
  const kb = installationKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The device statuses of a run against the stored ones: changed rows only (a device gone from the listing is tombstoned). */
export function reconcileInventoryStatuses(
  previous: ReadonlyMap<string, Tracked<InventoryDeviceStatus>>,
  observed: readonly InventoryDeviceStatus[],
  now: Date,
): EntityChanges<InventoryDeviceStatus> {
  return diffEntities(previous, observed, (s) => s.deviceId, sameInventoryDeviceStatus, now.toISOString());
}
