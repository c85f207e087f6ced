import type { InsightsCursor } from "../model/usage.js";
import type {
  DeviceChangeSet,
  DeviceState,
  InstallationKey,
  InstallationSource,
  ManagedAppChangeSet,
  ManagedAppState,
  SoftwareEventsCoverage,
  StoredInstallation,
} from "../model/mdm.js";
import type { WriteStats } from "./directory-store.port.js";

/**
 * Reads and writes one scope's MDM data. Implemented by persistence. Each stream has one
 * "write data (+ advance cursor)" unit of work, atomic: `applyDeviceChanges` (devices),
 * `applyManagedAppChanges` (managed-apps), `applySoftwareEvents` (software-events).
 * Applying the same changes twice changes nothing; an empty change set writes no row.
 */
export interface MdmStorePort {
  /** Devices and bindings, tombstones included (20,000 devices fit in memory). */
  loadDevices(scopeId: string): Promise<DeviceState>;
  applyDeviceChanges(scopeId: string, changes: DeviceChangeSet): Promise<WriteStats>;

  /** Managed apps, their statuses and links, and the `managed` installation rows, tombstones included. */
  loadManagedApps(scopeId: string): Promise<ManagedAppState>;
  /** Apps, statuses, links and `managed` installations in one transaction. */
  applyManagedAppChanges(scopeId: string, changes: ManagedAppChangeSet): Promise<WriteStats>;

  /**
   * The stored installation rows (tombstones included) with the given keys: a software-events page
   * loads only what it touches (`installationKeysOfEvents`), never the whole scope. Unknown keys are
   * absent from the map. Keys of any source are accepted.
   */
  loadInstallations(scopeId: string, keys: readonly InstallationKey[]): Promise<ReadonlyMap<InstallationKey, StoredInstallation>>;
  /** Every installation row of one source (tests, checks; O(rows)). */
  listInstallations(scopeId: string, source: InstallationSource): Promise<readonly StoredInstallation[]>;
  /**
   * Writes the `events` installation rows a fold produced **and the software-events cursor in one
   * transaction** (a crash never leaves the cursor ahead of the data). The write merges like the
   * fold (evidence by max (instant, id), first seen min, last seen max), so replaying is a no-op.
   */
  applySoftwareEvents(scopeId: string, changes: readonly StoredInstallation[], cursor: InsightsCursor): Promise<WriteStats>;
  /** The cursor `applySoftwareEvents` last wrote (stream `software-events`), or null. */
  getSoftwareEventsCursor(scopeId: string): Promise<InsightsCursor | null>;
  getSoftwareEventsCoverage(scopeId: string): Promise<SoftwareEventsCoverage>;
  setSoftwareEventsCoverage(scopeId: string, coverage: SoftwareEventsCoverage): Promise<void>;

  /** Removes every MDM row of the scope (devices, bindings, managed apps, installations, cursor, coverage). */
  purgeScope(scopeId: string): Promise<void>;
}
