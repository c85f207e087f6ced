import type { EntityChanges, Tracked } from "../model/directory.js";
import type { InventoryDeviceStatus, InventoryInstallation, InventoryTable } from "../model/inventory.js";
import type { InstallationKey } from "../model/mdm.js";
import type { StoredInventoryInstallation } from "../rules/inventory.js";
import type { WriteStats } from "./directory-store.port.js";

/**
 * The `inventory` stream's store: the `inventory` installation rows (with last opened and the
 * observation the app identity reads) and each device's inventory status. Implemented by
 * persistence. Writes are set-based and skip unchanged rows: applying the same changes twice
 * writes nothing the second time.
 */
export interface InventoryStorePort {
  /** The stored rows (tombstones included) of one table for the given devices. */
  loadInventoryRows(scopeId: string, table: InventoryTable, deviceIds: readonly string[]): Promise<ReadonlyMap<InstallationKey, StoredInventoryInstallation>>;
  /** Devices that hold at least one live row of the table. */
  devicesWithInventory(scopeId: string, table: InventoryTable): Promise<readonly string[]>;
  /** Created / updated rows upserted, removals tombstoned (at the snapshot instant), in one transaction. */
  applyInventoryChanges(scopeId: string, changes: EntityChanges<InventoryInstallation, InstallationKey>): Promise<WriteStats>;
  /** Every `inventory` row of the scope, tombstones included, by device, app, table (tests, read models). */
  listInventoryRows(scopeId: string): Promise<readonly StoredInventoryInstallation[]>;
  loadInventoryStatuses(scopeId: string): Promise<ReadonlyMap<string, Tracked<InventoryDeviceStatus>>>;
  applyInventoryStatuses(scopeId: string, changes: EntityChanges<InventoryDeviceStatus>): Promise<WriteStats>;
}
