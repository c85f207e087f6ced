import { Inject, Injectable } from "@nestjs/common";
import type { JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import {
  reconcileInventoryStatuses,
  INVENTORY_TABLES,
  inventoryAvailability,
  inventoryUnavailableReason,
  reconcileInventoryDevice,
  type Clock,
  type InstallationKey,
  type InventoryDevice,
  type InventoryDeviceStatus,
  type InventoryInstallation,
  type InventoryRow,
  type InventoryTable,
  type Removal,
} from "@jumpcloud-sync/domain";
import { STORE, type InventoryAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";

/** System Insights' largest page (API-NOTES §8). */
const PAGE_LIMIT = 10_000;
/** Rows gathered before a group of whole devices is reconciled and written (bounded memory). */
const FLUSH_ROWS = 10_000;

interface Pending {
  created: InventoryInstallation[];
  updated: InventoryInstallation[];
  removed: Removal<InstallationKey>[];
}

/** Per device, what this run learnt: the latest snapshot instant over its tables and its row count. */
interface DeviceTally {
  collectedAt: string | null;
  rows: number;
}

/**
 * The `inventory` stream: each System Insights software table read across all devices, unfiltered,
 * in pages of 10,000 (`skip` paging to a short page, as API-NOTES §8 says: ⌈rows / 10,000⌉ requests, one for an empty
 * table), never one request per device. Rows arrive grouped by device; each device's rows of a table
 * are its snapshot at their `collection_time` (Linux: the device's last contact) and replace what
 * the store held for that device and table. Devices whose System Insights is not enabled are
 * "inventory unavailable": their rows are left as they were and nothing is inferred from silence.
 * Writes are batched and skip unchanged rows, so a no-op run writes no installation row.
 */
@Injectable()
export class InventoryJob {
  constructor(
    @Inject(STORE) private readonly store: InventoryAreaStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(client: JumpCloudClient, ctx: StreamJobContext): Promise<StreamOutcome> {
    const scopeId = ctx.scope.id;
    const now = this.clock.now();
    ctx.progress("devices");
    const devices = await this.devices(client, ctx.signal);
    const tallies = new Map<string, DeviceTally>();
    let rowsRead = 0;
    for (const table of INVENTORY_TABLES) {
      checkpoint(ctx.signal);
      ctx.progress(table, rowsRead);
      rowsRead += await this.readTable(client, ctx, table, devices, tallies, now);
    }
    checkpoint(ctx.signal);
    const observed: InventoryDeviceStatus[] = [];
    for (const d of devices.values()) {
      const tally = tallies.get(d.id);
      const collectedAt = tally?.collectedAt ?? null;
      const rows = tally?.rows ?? 0;
      observed.push(
        inventoryAvailability(d) === "available"
          ? { deviceId: d.id, availability: "available", collectedAt, rows }
          : { deviceId: d.id, availability: "unavailable", reason: inventoryUnavailableReason(d), collectedAt, rows },
      );
    }
    const previous = await this.store.inventory.loadInventoryStatuses(scopeId);
    const statusChanges = reconcileInventoryStatuses(previous, observed, now);
    await this.store.inventory.applyInventoryStatuses(scopeId, statusChanges);
    const unavailable = observed.filter((s) => s.availability === "unavailable").length;
    return {
      kind: "succeeded",
      summary: `inventory: ${rowsRead} System Insights rows from ${INVENTORY_TABLES.length} tables; ${observed.length - unavailable} devices reporting, ${unavailable} without System Insights; ${ctx.counters.created} rows created, ${ctx.counters.updated} updated, ${ctx.counters.removed} removed`,
    };
  }

  /**
   * A listing of `/api/systems` with only the fields the inventory needs (⌈devices / 100⌉ requests),
   * read in the same run as the rows (the devices stream owns the device rows).
   */
  private async devices(client: JumpCloudClient, signal: AbortSignal): Promise<Map<string, InventoryDevice>> {
    const out = new Map<string, InventoryDevice>();
    for await (const s of client.listSystems({ fields: ["systemInsights", "lastContact"] })) {
      checkpoint(signal);
      const state = s.systemInsights?.state;
      out.set(s.id, {
        id: s.id,
        systemInsights: state === "enabled" || state === "disabled" || state === "deferred" ? state : "unknown",
        lastContact: typeof s.lastContact === "string" ? s.lastContact : null,
      });
    }
    return out;
  }

  private async readTable(
    client: JumpCloudClient,
    ctx: StreamJobContext,
    table: InventoryTable,
    devices: ReadonlyMap<string, InventoryDevice>,
    tallies: Map<string, DeviceTally>,
    now: Date,
  ): Promise<number> {
    const scopeId = ctx.scope.id;
    const pending: Pending = { created: [], updated: [], removed: [] };
    const done = new Set<string>();
    let group = new Map<string, InventoryRow[]>();
    let groupRows = 0;
    let read = 0;

    const write = async (force: boolean): Promise<void> => {
      const n = pending.created.length + pending.updated.length + pending.removed.length;
      if (n === 0 || (!force && n < FLUSH_ROWS)) return;
      const stats = await this.store.inventory.applyInventoryChanges(scopeId, { created: pending.created, updated: pending.updated, removed: pending.removed });
      ctx.counters.created += stats.inserted;
      // The store counts a tombstone stamped as an update; the removals were all live rows.
      const removed = Math.min(stats.updated, pending.removed.length);
      ctx.counters.updated += stats.updated - removed;
      ctx.counters.removed += removed;
      pending.created = [];
      pending.updated = [];
      pending.removed = [];
    };

    const reconcile = async (byDevice: ReadonlyMap<string, readonly InventoryRow[]>, late: ReadonlySet<string>): Promise<void> => {
      if (byDevice.size === 0) return;
      const previous = await this.store.inventory.loadInventoryRows(scopeId, table, [...byDevice.keys()]);
      for (const [deviceId, rows] of byDevice) {
        // A device absent from the listing (created since) still reports: its rows count as enabled.
        const device = devices.get(deviceId) ?? { id: deviceId, systemInsights: "enabled", lastContact: null };
        const result = reconcileInventoryDevice(table, device, rows, previous, now);
        pending.created.push(...result.changes.created);
        pending.updated.push(...result.changes.updated);
        // Rows of one device split by the listing's order: the later part adds, it never removes.
        if (!late.has(deviceId)) pending.removed.push(...result.changes.removed);
        const tally = tallies.get(deviceId) ?? { collectedAt: null, rows: 0 };
        if (rows.length > 0 && (tally.collectedAt === null || result.snapshotAt > tally.collectedAt)) tally.collectedAt = result.snapshotAt;
        tally.rows += late.has(deviceId) ? 0 : result.rows;
        tallies.set(deviceId, tally);
      }
      await write(false);
    };

    const flush = async (): Promise<void> => {
      const late = new Set([...group.keys()].filter((id) => done.has(id)));
      const current = group;
      group = new Map();
      groupRows = 0;
      for (const id of current.keys()) done.add(id);
      await reconcile(current, late);
    };

    for await (const row of client.listSystemInsights(table, { limit: PAGE_LIMIT, endOnShortPage: true })) {
      const deviceId = typeof row.system_id === "string" ? row.system_id : null;
      if (deviceId === null || deviceId === "") continue;
      read += 1;
      if (groupRows >= FLUSH_ROWS && !group.has(deviceId)) {
        checkpoint(ctx.signal);
        await flush();
        ctx.progress(table, read);
      }
      const rows = group.get(deviceId);
      if (rows === undefined) group.set(deviceId, [row]);
      else rows.push(row);
      groupRows += 1;
    }
    await flush();

    // Reporting devices that listed no row of this table any more: their stored rows are gone.
    const empty = new Map<string, InventoryRow[]>();
    for (const id of await this.store.inventory.devicesWithInventory(scopeId, table)) {
      const device = devices.get(id);
      if (done.has(id) || device === undefined || inventoryAvailability(device) !== "available") continue;
      empty.set(id, []);
    }
    await reconcile(empty, new Set());
    await write(true);
    return read;
  }
}
