import { expect } from "vitest";
import type { GroundTruth } from "@jumpcloud-sync/jumpcloud-sim";
import { agedOutKept, compareMdmWithTruth, expectedUserAppKeys } from "../../src/demo/mdm-truth-check.js";
import type { SyncStore } from "../../src/store/store.types.js";
import type { ScopeSyncResult } from "../../src/sync/sync-facade.service.js";
import type { StreamRunResult } from "../../src/sync/stream-runner.service.js";

export const MDM_STREAM_NAMES = ["devices", "managed-apps", "software-events"] as const;

/** Requests the MDM streams of a pass made (the directory streams' are counted apart). */
export function mdmRequests(result: ScopeSyncResult | undefined): number {
  return (result?.streams ?? []).filter((s) => (MDM_STREAM_NAMES as readonly string[]).includes(s.stream)).reduce((n, s) => n + (s.kind === "ran" ? s.counters.requests : 0), 0);
}

/** Rows the MDM streams of a pass created, updated or removed. */
export function mdmRowsWritten(result: ScopeSyncResult | undefined): number {
  return (result?.streams ?? [])
    .filter((s): s is Extract<StreamRunResult, { kind: "ran" }> => s.kind === "ran" && (MDM_STREAM_NAMES as readonly string[]).includes(s.stream))
    .reduce((n, s) => n + s.counters.created + s.counters.updated + s.counters.removed, 0);
}

/** Every run of the pass, as `stream: state` (outcome when it is not a plain success). */
export function streamStates(result: ScopeSyncResult | undefined): Record<string, string> {
  return Object.fromEntries((result?.streams ?? []).map((s) => [s.stream, s.kind === "ran" ? s.state : s.kind]));
}

/**
 * The whole synced MDM picture equals the stand-in's ground truth: the store, field by field
 * (`compareMdmWithTruth`), and what the API serves per user (the merged per-user list, every page).
 */
export async function expectMdmMatchesTruth(store: SyncStore, scopeId: string, truth: GroundTruth): Promise<void> {
  const synced = {
    devices: await store.mdm.loadDevices(scopeId),
    managed: await store.mdm.loadManagedApps(scopeId),
    eventRows: await store.mdm.listInstallations(scopeId, "events"),
    coverage: await store.mdm.getSoftwareEventsCoverage(scopeId),
  };
  expect(compareMdmWithTruth(synced, truth)).toEqual([]);
  // Independent of the comparer: live counts.
  const liveDevices = [...synced.devices.devices.values()].filter((d) => d.removedAt === null).length;
  expect(liveDevices).toBe(truth.devices.length);
  const liveBindings = [...synced.devices.bindings.values()].filter((b) => b.removedAt === null).length;
  expect(liveBindings).toBe(truth.devices.reduce((n, d) => n + d.userIds.length, 0));
  // Installations whose evidence has since passed the retention are kept (history); the truth drops them.
  const aged = agedOutKept(synced.eventRows, truth);
  for (const u of truth.userSoftware) {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.mdmQuery.listUserInstalledApps(scopeId, u.userId, { limit: 50, ...(cursor === undefined ? {} : { cursor }) });
      keys.push(...page.items.map((i) => i.appKey));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const kept = aged.filter((r) => u.deviceIds.includes(r.deviceId)).map((r) => r.appKey);
    expect(keys.sort(), `apps of user ${u.userId}`).toEqual([...new Set([...expectedUserAppKeys(truth, u.userId), ...kept])].sort());
  }
}
