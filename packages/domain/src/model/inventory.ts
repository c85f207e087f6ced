// The System Insights inventory (issue 12): what each device reports installed, table by table,
// as installation rows of source `inventory`, and whether a device reports at all. Pure data: the
// rules live in ../rules/inventory.ts.
import type { AppObservation } from "../identity/app-observation.js";
import type { Installation } from "./mdm.js";

/** The inventory stream of a scope (registered by the service's inventory module). */
export const INVENTORY_STREAM = "inventory";

/**
 * The System Insights tables read for installed software (API-NOTES §8): `apps` (macOS, with
 * `last_opened_time`), `programs` (Windows), `linux_packages`, and the browser extensions.
 */
export const INVENTORY_TABLES = ["apps", "programs", "linux_packages", "chrome_extensions", "firefox_addons", "safari_extensions"] as const;
export type InventoryTable = (typeof INVENTORY_TABLES)[number];

export function isInventoryTable(v: string): v is InventoryTable {
  return (INVENTORY_TABLES as readonly string[]).includes(v);
}

/**
 * One System Insights row, structurally: the fields the inventory reads, across all six tables
 * (every one may be missing, as in real rows). Numbers may arrive as strings.
 */
export interface InventoryRow {
  readonly system_id?: string | null;
  readonly name?: string | null;
  readonly display_name?: string | null;
  readonly bundle_name?: string | null;
  readonly bundle_identifier?: string | null;
  readonly bundle_short_version?: string | null;
  readonly bundle_version?: string | null;
  readonly path?: string | null;
  readonly version?: string | null;
  readonly publisher?: string | null;
  readonly identifying_number?: string | null;
  readonly package_format?: string | null;
  readonly maintainer_or_vendor?: string | null;
  readonly identifier?: string | null;
  readonly author?: string | null;
  readonly creator?: string | null;
  readonly developer_id?: string | null;
  readonly last_opened_time?: number | string | null;
  readonly collection_time?: string | null;
}

/**
 * When the app was last opened, as System Insights `apps.last_opened_time` says: an instant,
 * `never` (osquery's `-1`), or null when the table does not report it (every table but `apps`).
 */
export type LastOpened = string | null;
/** The {@link LastOpened} value of an app System Insights reports as never opened (`-1`). */
export const NEVER_OPENED = "never";

/** An installation row of source `inventory`: `sourceRef` is the table. */
export interface InventoryInstallation extends Installation {
  readonly source: "inventory";
  readonly sourceRef: InventoryTable;
  readonly lastOpened: LastOpened;
  /** The row's observation for the app identity normalizer (`identifyApp`), as JSON-safe data. */
  readonly observation: AppObservation;
}

/** Why a device's inventory cannot be read: System Insights is off, deferred, or the state is unknown. */
export type InventoryUnavailableReason = "system-insights-disabled" | "system-insights-deferred" | "system-insights-unknown";

/**
 * What the scope knows of one device's inventory. `available`: its rows are the device's software
 * at `collectedAt`; `unavailable`: System Insights does not report for it, so "no rows" means
 * "not known", never "nothing installed".
 */
export type InventoryDeviceStatus =
  | { readonly deviceId: string; readonly availability: "available"; readonly collectedAt: string | null; readonly rows: number }
  | { readonly deviceId: string; readonly availability: "unavailable"; readonly reason: InventoryUnavailableReason; readonly collectedAt: string | null; readonly rows: number };

/** The device facts the inventory needs (from the `devices` stream, or a listing of `/api/systems`). */
export interface InventoryDevice {
  readonly id: string;
  readonly systemInsights: "enabled" | "disabled" | "deferred" | "unknown";
  /** Last agent check-in: the snapshot instant of rows without `collection_time` (Linux). */
  readonly lastContact: string | null;
}
