import { Inject, Injectable } from "@nestjs/common";
import { isJumpCloudApiError, type EventQuery, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import { deviceBindingKey, deviceChangeCount, reconcileDevices, type Clock, type Device, type DeviceBinding, type DeviceState } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { STORE, type MdmAreaStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { mapLimit } from "../sync/limiter.js";
import { checkpoint, type StreamJobContext, type StreamOutcome } from "../sync/stream-job.js";
import { DEVICE_CHANGE_SEARCH_TERM, deviceChangesOf, type DeviceChangeEvent, type DeviceChanges } from "./device-changes.js";
import { bindingsOfDevice, bindingsOfUser, toDevice, type TraversalRow } from "./mdm-mapper.js";
import { DEVICES_STREAM } from "./mdm-streams.js";
import { mdmSourceOf, type MdmSource } from "./mdm-source.js";

/** Which side the binding traversal starts from: one request per device, or one per user. */
export type TraversalPlan = "per-device" | "per-user";

/** The devices stream's durable position (through the CursorPort). */
export interface DevicesCursor {
  /** Start of the last run that traversed every device's (or user's) bindings. */
  readonly lastFullTraversalAt: string | null;
  /** Directory Insights changes are read from here (minus the overlap) on the next run. */
  readonly changesSince: string | null;
  readonly lastPlan: TraversalPlan | null;
}

const EMPTY_CURSOR: DevicesCursor = { lastFullTraversalAt: null, changesSince: null, lastPlan: null };
const PAGE = 100;

/** Requests one traversal costs: one page per 100 rows, at least one. */
const pagesFor = (rows: number): number => Math.max(1, Math.ceil(rows / PAGE));

/**
 * Devices and the users bound to them. Every run lists the systems (v1, pages of 100). Bindings
 * have no bulk listing (one traversal per parent is unavoidable), so:
 *
 * - a **full** traversal (the first run, then every `JCS_MDM_FULL_TRAVERSAL_HOURS`, and whenever
 *   Directory Insights cannot say what changed) goes from whichever side costs fewer requests —
 *   per device or per user — estimated from the counts and the bindings already stored;
 * - an **incremental** run re-traverses only devices that are new or that Directory Insights
 *   reports changed (`association_change`, `system_*` since the checkpoint, with the overlap), and
 *   users whose group memberships changed; every other stored binding stands.
 *
 * The result is reconciled with the store (tombstones for what vanished, the mass-deletion guard)
 * and applied in one transaction; the cursor moves after it.
 */
@Injectable()
export class DevicesJob {
  constructor(
    @Inject(STORE) private readonly store: MdmAreaStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async run(client: JumpCloudClient, ctx: StreamJobContext, source: MdmSource = mdmSourceOf(client)): Promise<StreamOutcome> {
    const scopeId = ctx.scope.id;
    const startedAt = this.clock.now();
    const cursor = (await this.store.cursors.getCursor<DevicesCursor>(scopeId, DEVICES_STREAM)) ?? EMPTY_CURSOR;

    ctx.progress("devices");
    const devices: Device[] = [];
    for await (const system of source.listSystems()) {
      devices.push(toDevice(system));
      if (devices.length % PAGE === 0) ctx.progress("devices", devices.length);
    }
    ctx.progress("devices", devices.length, devices.length);
    checkpoint(ctx.signal);

    const previous = await this.store.mdm.loadDevices(scopeId);
    const changes = await this.changesToTraverse(client, cursor, startedAt);
    const fullReason = this.fullTraversalReason(cursor, startedAt, changes);

    let bindings: DeviceBinding[];
    let plan: TraversalPlan;
    let traversed: string;
    if (fullReason !== null) {
      plan = await this.choosePlan(source, devices, previous);
      bindings = plan === "per-device" ? await this.traverseDevices(source, ctx, devices.map((d) => d.id)) : await this.traverseUsers(source, ctx, await this.liveUserIds(scopeId), devices);
      traversed = `full traversal ${plan} (${fullReason})`;
    } else {
      plan = cursor.lastPlan ?? "per-device";
      const known = new Set([...previous.devices.values()].filter((d) => d.removedAt === null).map((d) => d.id));
      const listed = new Set(devices.map((d) => d.id));
      const deviceIds = [...new Set([...devices.map((d) => d.id).filter((id) => !known.has(id)), ...[...changes!.deviceIds].filter((id) => listed.has(id))])];
      const userIds = [...changes!.userIds];
      const fromDevices = await this.traverseDevices(source, ctx, deviceIds);
      const fromUsers = await this.traverseUsers(source, ctx, userIds, devices);
      const redone = new Set(deviceIds);
      const redoneUsers = new Set(userIds);
      const kept = [...previous.bindings.values()].filter((b) => b.removedAt === null && listed.has(b.deviceId) && !redone.has(b.deviceId) && !redoneUsers.has(b.userId));
      bindings = [...kept.map((b) => ({ deviceId: b.deviceId, userId: b.userId })), ...fromDevices, ...fromUsers];
      traversed = `incremental: ${deviceIds.length} device(s) and ${userIds.length} user(s) re-traversed`;
    }
    checkpoint(ctx.signal);

    ctx.progress("reconciling");
    const result = reconcileDevices(previous, { devices, bindings: dedupe(bindings) }, { now: this.clock.now() });
    if (result.status === "refused") return { kind: "refused", attention: "mass-deletion-refused", message: result.reason };
    checkpoint(ctx.signal);
    ctx.progress("applying");
    const c = result.changes;
    await this.store.mdm.applyDeviceChanges(scopeId, c);
    // What the change set created, updated and removed (tombstoned), as the directory snapshot counts it.
    ctx.counters.created += c.devices.created.length + c.bindings.created.length;
    ctx.counters.updated += c.devices.updated.length + c.bindings.updated.length;
    ctx.counters.removed += c.devices.removed.length + c.bindings.removed.length;
    await this.store.cursors.saveCursor(scopeId, DEVICES_STREAM, {
      lastFullTraversalAt: fullReason !== null ? startedAt.toISOString() : cursor.lastFullTraversalAt,
      // The bindings are now known as of this run's start: changes made while it read are read
      // again next time (the next window starts here, minus the overlap).
      changesSince: startedAt.toISOString(),
      lastPlan: plan,
    } satisfies DevicesCursor);
    const liveBindings = dedupe(bindings).length;
    return { kind: "succeeded", summary: `devices: ${devices.length} devices, ${liveBindings} bindings; ${traversed}; ${deviceChangeCount(c)} changes` };
  }

  /** Null: traverse incrementally. Otherwise why everything is traversed. */
  private fullTraversalReason(cursor: DevicesCursor, now: Date, changes: DeviceChanges | null): string | null {
    if (cursor.lastFullTraversalAt === null) return "first run";
    if (now.getTime() - Date.parse(cursor.lastFullTraversalAt) >= this.config.sync.mdm.fullTraversalMs) return "cadence";
    if (changes === null) return "Directory Insights cannot say what changed";
    if (changes.full !== null) return changes.full;
    return null;
  }

  /**
   * The binding changes Directory Insights reports since the checkpoint (minus the overlap, so late
   * events are seen), or null when it cannot tell (first run, not enabled, not permitted).
   */
  private async changesToTraverse(client: JumpCloudClient, cursor: DevicesCursor, now: Date): Promise<DeviceChanges | null> {
    if (cursor.changesSince === null || cursor.lastFullTraversalAt === null) return null;
    if (now.getTime() - Date.parse(cursor.lastFullTraversalAt) >= this.config.sync.mdm.fullTraversalMs) return null;
    const start = new Date(Math.max(Date.parse(cursor.changesSince) - this.config.sync.insights.overlapMs, now.getTime() - this.config.sync.insights.maxLookbackMs));
    const query: EventQuery = { service: ["directory"], start_time: start.toISOString(), end_time: now.toISOString(), sort: "ASC", limit: 10_000, search_term: DEVICE_CHANGE_SEARCH_TERM };
    const events: DeviceChangeEvent[] = [];
    try {
      for await (const page of client.events(query)) for (const e of page.events) events.push(e);
    } catch (error) {
      if (isJumpCloudApiError(error) && (error.kind === "insights-not-enabled" || error.kind === "forbidden")) return null;
      throw error;
    }
    return deviceChangesOf(events);
  }

  /**
   * Per device or per user, whichever costs fewer requests: each traversal is one page per 100
   * rows, estimated from the bindings already stored (one page for a parent never seen). The
   * per-user plan visits every user of the directory, so it needs their number (one request).
   * Ties go to the per-device plan.
   */
  private async choosePlan(source: MdmSource, devices: readonly Device[], previous: DeviceState): Promise<TraversalPlan> {
    if (devices.length === 0) return "per-device";
    const perDevice = new Map<string, number>();
    const perUser = new Map<string, number>();
    for (const b of previous.bindings.values()) {
      if (b.removedAt !== null) continue;
      perDevice.set(b.deviceId, (perDevice.get(b.deviceId) ?? 0) + 1);
      perUser.set(b.userId, (perUser.get(b.userId) ?? 0) + 1);
    }
    let deviceCost = 0;
    for (const d of devices) deviceCost += pagesFor(perDevice.get(d.id) ?? 0);
    // Cheap bound first: the per-user plan costs at least one request per user.
    const users = await source.countUsers();
    if (users >= deviceCost) return "per-device";
    let userCost = users;
    for (const n of perUser.values()) userCost += pagesFor(n) - 1;
    return userCost < deviceCost ? "per-user" : "per-device";
  }

  private async liveUserIds(scopeId: string): Promise<string[]> {
    const directory = await this.store.directory.loadDirectory(scopeId);
    return [...directory.users.values()].filter((u) => u.removedAt === null).map((u) => u.id);
  }

  private async traverseDevices(source: MdmSource, ctx: StreamJobContext, deviceIds: readonly string[]): Promise<DeviceBinding[]> {
    if (deviceIds.length === 0) return [];
    let done = 0;
    ctx.progress("bindings (per device)", 0, deviceIds.length);
    const lists = await mapLimit(deviceIds, this.config.jumpcloud.concurrency, async (id) => {
      checkpoint(ctx.signal);
      const rows = await collect(source.listSystemUsers(id));
      ctx.progress("bindings (per device)", ++done, deviceIds.length);
      return bindingsOfDevice(id, rows ?? []);
    });
    return lists.flat();
  }

  private async traverseUsers(source: MdmSource, ctx: StreamJobContext, userIds: readonly string[], devices: readonly Device[]): Promise<DeviceBinding[]> {
    if (userIds.length === 0) return [];
    const listed = new Set(devices.map((d) => d.id));
    let done = 0;
    ctx.progress("bindings (per user)", 0, userIds.length);
    const lists = await mapLimit(userIds, this.config.jumpcloud.concurrency, async (id) => {
      checkpoint(ctx.signal);
      const rows = await collect(source.listUserSystems(id));
      ctx.progress("bindings (per user)", ++done, userIds.length);
      // Only devices of this listing: one enrolled after it is bound on the next run.
      return bindingsOfUser(id, rows ?? []).filter((b) => listed.has(b.deviceId));
    });
    return lists.flat();
  }
}

/** A traversal's rows; null when its parent is gone (404: deleted since the listing, so no bindings). */
async function collect(rows: AsyncIterable<TraversalRow>): Promise<TraversalRow[] | null> {
  const out: TraversalRow[] = [];
  try {
    for await (const row of rows) out.push(row);
  } catch (error) {
    if (isJumpCloudApiError(error) && error.kind === "not-found") return null;
    throw error;
  }
  return out;
}

function dedupe(bindings: readonly DeviceBinding[]): DeviceBinding[] {
  const seen = new Map<string, DeviceBinding>();
  for (const b of bindings) seen.set(deviceBindingKey(b), b);
  return [...seen.values()];
}
