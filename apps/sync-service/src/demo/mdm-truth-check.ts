import { appDeviceKey, appKeyOf, managedAppKey, type DeviceState, type ManagedAppState, type SoftwareEventsCoverage, type StoredInstallation } from "@jumpcloud-sync/domain";
import type { MdmTruth } from "@jumpcloud-sync/jumpcloud-sim";

export interface MdmTruthDifference {
  readonly area: "devices" | "bindings" | "managed-apps" | "managed-statuses" | "managed-links" | "installed-events" | "installed-managed" | "user-software" | "coverage";
  readonly id: string;
  readonly field: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** What the comparison reads from the store (live rows and tombstones; only live rows count). */
export interface SyncedMdm {
  readonly devices: DeviceState;
  readonly managed: ManagedAppState;
  /** Every `events` installation row of the scope. */
  readonly eventRows: readonly StoredInstallation[];
  readonly coverage: SoftwareEventsCoverage;
}

/** The stand-in sends "" for unset text; the store keeps null. */
function t(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === "" ? null : value;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();
const sameList = (a: Iterable<string>, b: Iterable<string>): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/**
 * Compares a scope's synced MDM picture with the stand-in's ground truth: devices field by field,
 * bound users, managed apps with their statuses (every state) and linked devices, installations
 * per device (Directory Insights events by app key and version; managed apps whose status is
 * INSTALLED), per user the union over their devices, and the software-events coverage.
 * The truth keeps event names and managed app ids apart (the contract joins them nowhere); so does
 * this comparison, while the merged view per app key is what the API serves.
 */
export function compareMdmWithTruth(synced: SyncedMdm, truth: MdmTruth & { readonly asOf: string }): MdmTruthDifference[] {
  const diffs: MdmTruthDifference[] = [];
  const push = (area: MdmTruthDifference["area"], id: string, field: string, expected: unknown, actual: unknown): void => {
    diffs.push({ area, id, field, expected, actual });
  };

  // ---- devices and bindings
  const liveDevices = new Map([...synced.devices.devices].filter(([, d]) => d.removedAt === null));
  const bindingsOf = new Map<string, string[]>();
  const devicesOfUser = new Map<string, string[]>();
  for (const b of synced.devices.bindings.values()) {
    if (b.removedAt !== null || !liveDevices.has(b.deviceId)) continue;
    bindingsOf.set(b.deviceId, [...(bindingsOf.get(b.deviceId) ?? []), b.userId]);
    devicesOfUser.set(b.userId, [...(devicesOfUser.get(b.userId) ?? []), b.deviceId]);
  }
  const unmatchedDevices = new Set(liveDevices.keys());
  for (const td of truth.devices) {
    const d = liveDevices.get(td.id);
    if (d === undefined) {
      push("devices", td.id, "(record)", "present", "missing");
      continue;
    }
    unmatchedDevices.delete(td.id);
    const fields: [string, unknown, unknown][] = [
      ["hostname", t(td.hostname), d.hostname],
      ["displayName", t(td.displayName), d.displayName],
      ["serialNumber", t(td.serialNumber), d.serialNumber],
      ["os", t(td.os), d.os],
      ["osFamily", t(td.osFamily), d.osFamily],
      ["version", t(td.version), d.version],
      ["arch", t(td.arch), d.arch],
      ["active", td.active, d.active],
      ["lastContact", td.lastContact, d.lastContact === null ? null : new Date(d.lastContact).toISOString()],
      ["systemInsights", td.systemInsights, d.systemInsights],
      ["mdm.vendor", td.mdm.vendor, d.mdm?.vendor ?? null],
      ["mdm.enrollmentType", td.mdm.enrollmentType, d.mdm?.enrollmentType ?? null],
    ];
    for (const [field, expected, actual] of fields) if (expected !== actual) push("devices", td.id, field, expected, actual);
    const users = bindingsOf.get(td.id) ?? [];
    if (!sameList(td.userIds, users)) push("bindings", td.id, "userIds", sorted(td.userIds), sorted(users));
  }
  for (const id of unmatchedDevices) push("devices", id, "(record)", "absent", "present");

  // ---- managed apps, statuses, links
  const liveApps = new Map([...synced.managed.apps].filter(([, a]) => a.removedAt === null));
  const liveStatuses = new Map([...synced.managed.statuses].filter(([, s]) => s.removedAt === null));
  const liveLinks = new Map([...synced.managed.links].filter(([, l]) => l.removedAt === null));
  const groupsOfDevice = new Map(truth.devices.map((d) => [d.id, new Set(d.systemGroupIds)]));
  const unmatchedApps = new Set(liveApps.keys());
  for (const ta of truth.softwareApps) {
    const a = liveApps.get(ta.id);
    if (a === undefined) push("managed-apps", ta.id, "(record)", "present", "missing");
    else {
      unmatchedApps.delete(ta.id);
      const setting = a.settings[0];
      const fields: [string, unknown, unknown][] = [
        ["displayName", ta.displayName, a.displayName],
        ["packageManager", t(ta.packageManager), setting?.packageManager ?? null],
        ["packageId", t(ta.packageId), setting?.packageId ?? null],
        ["bundleId", t(ta.bundleId), setting?.bundleId ?? null],
        ["desiredState", t(ta.desiredState), setting?.desiredState ?? null],
      ];
      for (const [field, expected, actual] of fields) if (expected !== actual) push("managed-apps", ta.id, field, expected, actual);
    }
    for (const s of ta.statuses) {
      const key = appDeviceKey({ appId: ta.id, deviceId: s.systemId });
      const row = liveStatuses.get(key);
      liveStatuses.delete(key);
      if (row === undefined) push("managed-statuses", key, "(record)", "present", "missing");
      else {
        if (row.state !== s.state) push("managed-statuses", key, "state", s.state, row.state);
        if (row.version !== t(s.version)) push("managed-statuses", key, "version", t(s.version), row.version);
      }
    }
    for (const deviceId of ta.linkedSystemIds) {
      const key = appDeviceKey({ appId: ta.id, deviceId });
      const link = liveLinks.get(key);
      liveLinks.delete(key);
      if (link === undefined) {
        push("managed-links", key, "(record)", "present", "missing");
        continue;
      }
      const direct = ta.systemIds.includes(deviceId);
      const memberOf = groupsOfDevice.get(deviceId) ?? new Set<string>();
      const groupIds = ta.systemGroupIds.filter((g) => memberOf.has(g));
      if (link.direct !== direct) push("managed-links", key, "direct", direct, link.direct);
      if (!sameList(groupIds, link.groupIds)) push("managed-links", key, "groupIds", sorted(groupIds), sorted(link.groupIds));
    }
  }
  for (const id of unmatchedApps) push("managed-apps", id, "(record)", "absent", "present");
  for (const key of liveStatuses.keys()) push("managed-statuses", key, "(record)", "absent", "present");
  for (const key of liveLinks.keys()) push("managed-links", key, "(record)", "absent", "present");

  // ---- installations per device
  const truthSoftware = new Map(truth.devices.map((d) => [d.id, new Set(d.software.map((sw) => appKeyOf(sw.name) ?? sw.name))]));
  const eventRowsOf = new Map<string, StoredInstallation[]>();
  for (const r of agedOutKept(synced.eventRows, truth, truthSoftware, true)) {
    if (r.removedAt !== null || !liveDevices.has(r.deviceId)) continue;
    eventRowsOf.set(r.deviceId, [...(eventRowsOf.get(r.deviceId) ?? []), r]);
  }
  const managedOf = new Map<string, string[]>();
  for (const r of synced.managed.installations.values()) {
    if (r.removedAt !== null || r.source !== "managed" || !liveDevices.has(r.deviceId)) continue;
    managedOf.set(r.deviceId, [...(managedOf.get(r.deviceId) ?? []), r.sourceRef]);
  }
  for (const td of truth.devices) {
    if (!liveDevices.has(td.id)) continue;
    const rows = new Map((eventRowsOf.get(td.id) ?? []).map((r) => [r.appKey, r]));
    for (const sw of td.software) {
      const key = appKeyOf(sw.name) ?? sw.name;
      const row = rows.get(key);
      rows.delete(key);
      const id = `${td.id}/${sw.name}`;
      if (row === undefined) push("installed-events", id, "(record)", "present", "missing");
      else {
        if (row.version !== t(sw.version)) push("installed-events", id, "version", t(sw.version), row.version);
        if (row.evidenceId !== sw.eventId) push("installed-events", id, "evidenceId", sw.eventId, row.evidenceId);
      }
    }
    for (const key of rows.keys()) push("installed-events", `${td.id}/${key}`, "(record)", "absent", "present");
    const managed = managedOf.get(td.id) ?? [];
    if (!sameList(td.installedManagedAppIds, managed)) push("installed-managed", td.id, "managedAppIds", sorted(td.installedManagedAppIds), sorted(managed));
  }

  // ---- per user: the union over the user's devices
  const truthUsers = new Map(truth.userSoftware.map((u) => [u.userId, u]));
  for (const userId of new Set([...truthUsers.keys(), ...devicesOfUser.keys()])) {
    const tu = truthUsers.get(userId);
    const deviceIds = devicesOfUser.get(userId) ?? [];
    if (tu === undefined) {
      push("user-software", userId, "(record)", "absent", "present");
      continue;
    }
    if (!sameList(tu.deviceIds, deviceIds)) push("user-software", userId, "deviceIds", sorted(tu.deviceIds), sorted(deviceIds));
    const names = deviceIds.flatMap((d) => (eventRowsOf.get(d) ?? []).map((r) => r.appKey));
    const expectedNames = tu.softwareNames.map((n) => appKeyOf(n) ?? n);
    if (!sameList(expectedNames, names)) push("user-software", userId, "software", sorted(expectedNames), sorted(names));
    const managed = deviceIds.flatMap((d) => managedOf.get(d) ?? []);
    if (!sameList(tu.installedManagedAppIds, managed)) push("user-software", userId, "managedAppIds", sorted(tu.installedManagedAppIds), sorted(managed));
  }

  // ---- coverage of the events source
  const c = truth.softwareCoverage;
  if (!c.readable) {
    if (synced.coverage.kind !== "unavailable") push("coverage", "software-events", "kind", "unavailable", synced.coverage.kind);
  } else if (c.earliestVisibleEventAt !== null) {
    // The earliest event ever returned: equal to the truth's right after a first sync, earlier once
    // the retention has moved on (what was read stays known), never later.
    const since = synced.coverage.kind === "available" ? synced.coverage.since : synced.coverage.kind;
    if (synced.coverage.kind !== "available" || Date.parse(synced.coverage.since) > Date.parse(c.earliestVisibleEventAt)) push("coverage", "software-events", "since", `at or before ${c.earliestVisibleEventAt}`, since);
  }
  return diffs;
}

/**
 * Installations the sync keeps while the truth no longer can: the deciding add or change has since
 * passed the Directory Insights retention (the stand-in's clock moves on), nothing later removed
 * the app, and the truth, which sees only what is still visible, drops it. An installation proven
 * once stays until a remove says otherwise: history, not a difference. `keep = true` returns the
 * other rows instead.
 */
export function agedOutKept(
  rows: readonly StoredInstallation[],
  truth: MdmTruth & { readonly asOf: string },
  truthSoftware: ReadonlyMap<string, ReadonlySet<string>> = new Map(truth.devices.map((d) => [d.id, new Set(d.software.map((sw) => appKeyOf(sw.name) ?? sw.name))])),
  keep = false,
): StoredInstallation[] {
  const cutoff = Date.parse(truth.asOf) - truth.softwareCoverage.retentionDays * 86_400_000;
  const aged = (r: StoredInstallation): boolean => r.removedAt === null && Date.parse(r.evidenceAt) < cutoff && truthSoftware.get(r.deviceId)?.has(r.appKey) !== true;
  return rows.filter((r) => aged(r) !== keep);
}

/**
 * The app keys a user's merged installed-app list must hold: event names and managed apps whose
 * status is INSTALLED, over the user's devices, each as its app key (what the API's per-user
 * list serves).
 */
export function expectedUserAppKeys(truth: MdmTruth, userId: string): string[] {
  const u = truth.userSoftware.find((x) => x.userId === userId);
  if (u === undefined) return [];
  const apps = new Map(truth.softwareApps.map((a) => [a.id, a]));
  const keys = u.softwareNames.map((n) => appKeyOf(n) ?? n);
  for (const id of u.installedManagedAppIds) {
    const app = apps.get(id);
    keys.push(managedAppKey({ id, displayName: app?.displayName ?? "" }));
  }
  return sorted(keys);
}
