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
/**
 * Rows gathered before a group of whole devices is reconciled against its stored rows (bounded
 * memory: the group, its stored rows and their changes are held at a time, beside the page).
 */
const GROUP_ROWS = 2_500;
/** Changes gathered before they are written in one transaction. */
const WRITE_ROWS = 5_000;

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
 * the store held for that device and table. Which devices report, and their last contact, come
 * from the devices the `devices` stream stored (the stream runs after it): no listing of its own.
 * Devices whose System Insights is not enabled are "inventory unavailable": their rows are left as
 * they were and nothing is inferred from silence — nor from a device stored as enabled that served
 * no row of any table (its System Insights may have been turned off since the devices stream read
 * it: unknown, rows kept). Writes are batched and skip unchanged rows, so a no-op run writes no
 * installation row.
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
    const devices = await this.devices(scopeId);
    const tallies = new Map<string, DeviceTally>();
    const listed = new Map<InventoryTable, ReadonlySet<string>>();
    let rowsRead = 0;
    for (const table of INVENTORY_TABLES) {
      checkpoint(ctx.signal);
      ctx.progress(table, rowsRead);
      const read = await this.readTable(client, ctx, table, devices, tallies, now);
      rowsRead += read.rows;
      listed.set(table, read.devices);
    }
    checkpoint(ctx.signal);
    // Devices that served a row of any table: System Insights reports for them, whatever the stored state says.
    const reporting = new Set<string>();
    for (const ids of listed.values()) for (const id of ids) reporting.add(id);
    // A device the stored state calls reporting that served no row of any table, though the store
    // holds rows of it, is not known to have nothing installed: its System Insights may have been
    // turned off since the devices stream read it. Its rows stay; it is unknown until it reports.
    const silent = new Set<string>();
    for (const table of INVENTORY_TABLES) {
      const empty = new Map<string, InventoryRow[]>();
      for (const id of await this.store.inventory.devicesWithInventory(scopeId, table)) {
        const device = devices.get(id);
        if (listed.get(table)?.has(id) === true || device === undefined || inventoryAvailability(device) !== "available") continue;
        if (!reporting.has(id)) silent.add(id);
        // Reporting devices that listed no row of this table any more: their stored rows are gone.
        else empty.set(id, []);
      }
      await this.removeListedNone(ctx, table, devices, empty, tallies, now);
    }
    checkpoint(ctx.signal);
    const observed: InventoryDeviceStatus[] = [];
    const status = (d: InventoryDevice): InventoryDeviceStatus => {
      const tally = tallies.get(d.id);
      const collectedAt = tally?.collectedAt ?? null;
      const rows = tally?.rows ?? 0;
      if (reporting.has(d.id) || (inventoryAvailability(d) === "available" && !silent.has(d.id))) return { deviceId: d.id, availability: "available", collectedAt, rows };
      return { deviceId: d.id, availability: "unavailable", reason: silent.has(d.id) ? "system-insights-unknown" : inventoryUnavailableReason(d), collectedAt, rows };
    };
    for (const d of devices.values()) observed.push(status(d));
    // Devices the devices stream has not stored yet (enrolled since it ran) that served rows.
    for (const id of reporting) if (!devices.has(id)) observed.push(status({ id, systemInsights: "enabled", lastContact: null }));
    const previous = await this.store.inventory.loadInventoryStatuses(scopeId);
    const statusChanges = reconcileInventoryStatuses(previous, observed, now);
    await this.store.inventory.applyInventoryStatuses(scopeId, statusChanges);
    const unavailable = observed.filter((s) => s.availability === "unavailable").length;
    return {
      kind: "succeeded",
      summary: `inventory: ${rowsRead} System Insights rows from ${INVENTORY_TABLES.length} tables; ${observed.length - unavailable} devices reporting, ${unavailable} without System Insights${silent.size > 0 ? ` (${silent.size} of them enabled but silent: rows kept)` : ""}; ${ctx.counters.created} rows created, ${ctx.counters.updated} updated, ${ctx.counters.removed} removed`,
    };
  }

  /**
   * The devices the `devices` stream stored (the inventory runs after it, in the same pass when both
   * are due): each one's System Insights state and last contact (the snapshot instant of Linux
   * rows). No request: the devices stream already lists `/api/systems`. Devices removed upstream
   * are left out (their statuses are tombstoned).
   */
  private async devices(scopeId: string): Promise<Map<string, InventoryDevice>> {
    const out = new Map<string, InventoryDevice>();
    for (const d of (await this.store.mdm.loadDevices(scopeId)).devices.values()) {
      if (d.removedAt === null) out.set(d.id, { id: d.id, systemInsights: d.systemInsights, lastContact: d.lastContact });
    }
    return out;
  }

  /** Reads one table across all devices, page by page, reconciling and writing whole devices as it goes. */
  private async readTable(
    client: JumpCloudClient,
    ctx: StreamJobContext,
    table: InventoryTable,
    devices: ReadonlyMap<string, InventoryDevice>,
    tallies: Map<string, DeviceTally>,
    now: Date,
  ): Promise<{ rows: number; devices: ReadonlySet<string> }> {
    const sink = this.sink(ctx, table, devices, tallies, now);
    const done = new Set<string>();
    let group = new Map<string, InventoryRow[]>();
    let groupRows = 0;
    let read = 0;

    const flush = async (): Promise<void> => {
      const late = new Set([...group.keys()].filter((id) => done.has(id)));
      const current = group;
      group = new Map();
      groupRows = 0;
      for (const id of current.keys()) done.add(id);
      await sink.reconcile(current, late);
    };

    for await (const row of client.listSystemInsights(table, { limit: PAGE_LIMIT, endOnShortPage: true })) {
      const deviceId = typeof row.system_id === "string" ? row.system_id : null;
      if (deviceId === null || deviceId === "") continue;
      read += 1;
      if (groupRows >= GROUP_ROWS && !group.has(deviceId)) {
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
    await sink.write(true);
    return { rows: read, devices: done };
  }

  /** Reporting devices that listed no row of a table any more: their stored rows of it are gone (tombstoned at the snapshot instant). */
  private async removeListedNone(
    ctx: StreamJobContext,
    table: InventoryTable,
    devices: ReadonlyMap<string, InventoryDevice>,
    empty: ReadonlyMap<string, readonly InventoryRow[]>,
    tallies: Map<string, DeviceTally>,
    now: Date,
  ): Promise<void> {
    const sink = this.sink(ctx, table, devices, tallies, now);
    await sink.reconcile(empty, new Set());
    await sink.write(true);
  }

  /**
   * Reconciles groups of whole devices of one table against their stored rows and writes the
   * changes in batches (bounded memory: one group's rows and stored rows at a time).
   */
  private sink(ctx: StreamJobContext, table: InventoryTable, devices: ReadonlyMap<string, InventoryDevice>, tallies: Map<string, DeviceTally>, now: Date) {
    const scopeId = ctx.scope.id;
    const pending: Pending = { created: [], updated: [], removed: [] };

    const write = async (force: boolean): Promise<void> => {
      const n = pending.created.length + pending.updated.length + pending.removed.length;
      if (n === 0 || (!force && n < WRITE_ROWS)) return;
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
        // A device the devices stream has not stored yet (enrolled since) still reports: its rows count as enabled.
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

    return { reconcile, write };
  }
}
