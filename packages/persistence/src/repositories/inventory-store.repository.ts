import {
  installationKey,
  isInventoryTable,
  parseInstallationKey,
  type AppObservation,
  type EntityChanges,
  type InstallationKey,
  type InventoryDeviceStatus,
  type InventoryInstallation,
  type InventoryStorePort,
  type InventoryTable,
  type StoredInventoryInstallation,
  type Tracked,
  type WriteStats,
} from "@jumpcloud-sync/domain";
import { chunks, parseIso, str, strOrNull, toIsoOrNull, type Db, type Param } from "../db.js";
import { installationFromRow } from "./mdm-store.repository.js";
import { addStats, writeEntityChanges, ZERO, type TableSpec } from "./table-writer.js";

const INVENTORY_INSTALLATION: TableSpec<InventoryInstallation> = {
  table: "installation",
  keys: ["device_id", "app_key", "source", "source_ref"],
  values: ["name", "version", "package_manager", "first_seen_at", "last_seen_at", "evidence_at", "evidence_id", "evidence_kind", "last_opened", "observation"],
  row: (i) => [
    i.deviceId,
    i.appKey,
    i.source,
    i.sourceRef,
    i.name,
    i.version,
    i.packageManager,
    i.firstSeenAt === null ? null : parseIso(i.firstSeenAt, "firstSeenAt"),
    i.lastSeenAt === null ? null : parseIso(i.lastSeenAt, "lastSeenAt"),
    parseIso(i.evidenceAt, "evidenceAt"),
    i.evidenceId,
    i.evidenceKind,
    i.lastOpened,
    JSON.stringify(i.observation),
  ],
  keyParts: (k) => {
    const p = parseInstallationKey(k);
    return [p.deviceId, p.appKey, p.source, p.sourceRef];
  },
};

const INVENTORY_DEVICE: TableSpec<InventoryDeviceStatus> = {
  table: "inventory_device",
  keys: ["device_id"],
  values: ["availability", "reason", "collected_at", "row_count"],
  row: (d) => [d.deviceId, d.availability, d.availability === "unavailable" ? d.reason : null, d.collectedAt === null ? null : parseIso(d.collectedAt, "collectedAt"), d.rows],
  keyParts: (k) => [k],
};

export function inventoryInstallationFromRow(r: Record<string, unknown>): StoredInventoryInstallation {
  const base = installationFromRow(r);
  const table = base.sourceRef;
  if (base.source !== "inventory" || !isInventoryTable(table)) throw new TypeError(`not an inventory installation row: ${base.source}/${table}`);
  const observation = strOrNull(r["observation"]);
  return {
    ...base,
    source: "inventory",
    sourceRef: table,
    lastOpened: strOrNull(r["last_opened"]),
    observation: observation === null ? { source: "software-event", name: base.name } : (JSON.parse(observation) as AppObservation),
  };
}

function statusFromRow(r: Record<string, unknown>): Tracked<InventoryDeviceStatus> {
  const common = { deviceId: str(r["device_id"]), collectedAt: toIsoOrNull(r["collected_at"]), rows: Number(r["row_count"]), removedAt: toIsoOrNull(r["removed_at"]) };
  return str(r["availability"]) === "available"
    ? { ...common, availability: "available" }
    : { ...common, availability: "unavailable", reason: str(r["reason"]) as Extract<InventoryDeviceStatus, { availability: "unavailable" }>["reason"] };
}

/** `InventoryStorePort` over the shared `installation` table (source `inventory`) and `inventory_device`. */
export class InventoryStoreRepository implements InventoryStorePort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async loadInventoryRows(scopeId: string, table: InventoryTable, deviceIds: readonly string[]): Promise<ReadonlyMap<InstallationKey, StoredInventoryInstallation>> {
    const out = new Map<InstallationKey, StoredInventoryInstallation>();
    if (deviceIds.length === 0) return out;
    return this.#db.session(async (s) => {
      for (const batch of chunks([...new Set(deviceIds)], Math.max(1, this.#db.batchSize(1) - 2))) {
        const rows = await s.all(
          `select * from installation where scope_id = ? and source = 'inventory' and source_ref = ? and device_id in (${batch.map(() => "?").join(", ")})`,
          [scopeId, table, ...batch] as Param[],
        );
        for (const r of rows) {
          const i = inventoryInstallationFromRow(r);
          out.set(installationKey(i), i);
        }
      }
      return out;
    });
  }

  async devicesWithInventory(scopeId: string, table: InventoryTable): Promise<readonly string[]> {
    return this.#db.session(async (s) =>
      (await s.all(`select distinct device_id from installation where scope_id = ? and source = 'inventory' and source_ref = ? and removed_at is null`, [scopeId, table])).map((r) => str(r["device_id"])),
    );
  }

  async applyInventoryChanges(scopeId: string, changes: EntityChanges<InventoryInstallation, InstallationKey>): Promise<WriteStats> {
    if (changes.created.length + changes.updated.length + changes.removed.length === 0) return ZERO;
    const now = new Date();
    return this.#db.tx(async (s) => addStats(ZERO, await writeEntityChanges(s, this.#db, scopeId, INVENTORY_INSTALLATION, changes, installationKey, now)));
  }

  async listInventoryRows(scopeId: string): Promise<readonly StoredInventoryInstallation[]> {
    return this.#db.session(async (s) =>
      (await s.all(`select * from installation where scope_id = ? and source = 'inventory' order by device_id, app_key, source_ref`, [scopeId])).map(inventoryInstallationFromRow),
    );
  }

  async loadInventoryStatuses(scopeId: string): Promise<ReadonlyMap<string, Tracked<InventoryDeviceStatus>>> {
    return this.#db.session(async (s) => new Map((await s.all(`select * from inventory_device where scope_id = ?`, [scopeId])).map((r) => [str(r["device_id"]), statusFromRow(r)])));
  }

  async applyInventoryStatuses(scopeId: string, changes: EntityChanges<InventoryDeviceStatus>): Promise<WriteStats> {
    if (changes.created.length + changes.updated.length + changes.removed.length === 0) return ZERO;
    const now = new Date();
    return this.#db.tx(async (s) => writeEntityChanges(s, this.#db, scopeId, INVENTORY_DEVICE, changes, (d) => d.deviceId, now));
  }
}
