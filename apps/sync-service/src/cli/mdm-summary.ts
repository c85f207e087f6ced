import type { MdmAreaStore, MdmQueryStore } from "../store/store.types.js";

export interface MdmPicture {
  readonly devices: number;
  readonly byOsFamily: Readonly<Record<string, number>>;
  readonly devicesWithoutUsers: number;
  readonly bindings: number;
  readonly usersWithDevices: number;
  readonly managedApps: number;
  readonly statusesByState: Readonly<Record<string, number>>;
  readonly installedApps: number;
  readonly installedAppsBySource: Readonly<Record<string, number>>;
  readonly coverage: string;
}

/** The scope's MDM picture in numbers, from the store and its read models (pages of installed apps, not every row). */
export async function mdmPicture(store: Pick<MdmAreaStore, "mdm"> & MdmQueryStore, scopeId: string): Promise<MdmPicture> {
  const devices = await store.mdm.loadDevices(scopeId);
  const managed = await store.mdm.loadManagedApps(scopeId);
  const live = [...devices.devices.values()].filter((d) => d.removedAt === null);
  const liveIds = new Set(live.map((d) => d.id));
  const bindings = [...devices.bindings.values()].filter((b) => b.removedAt === null && liveIds.has(b.deviceId));
  const bound = new Set(bindings.map((b) => b.deviceId));
  const count = (keys: Iterable<string>): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const k of keys) out[k] = (out[k] ?? 0) + 1;
    return out;
  };
  let installedApps = 0;
  const bySource: Record<string, number> = {};
  let cursor: string | undefined;
  do {
    const page = await store.mdmQuery.listInstalledApps({ scopeId, limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    installedApps += page.items.length;
    for (const app of page.items) for (const s of app.sources) bySource[s] = (bySource[s] ?? 0) + 1;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  const coverage = await store.mdm.getSoftwareEventsCoverage(scopeId);
  return {
    devices: live.length,
    byOsFamily: count(live.map((d) => d.osFamily ?? "unknown")),
    devicesWithoutUsers: live.length - bound.size,
    bindings: bindings.length,
    usersWithDevices: new Set(bindings.map((b) => b.userId)).size,
    managedApps: [...managed.apps.values()].filter((a) => a.removedAt === null).length,
    statusesByState: count([...managed.statuses.values()].filter((s) => s.removedAt === null).map((s) => s.state.toUpperCase())),
    installedApps,
    installedAppsBySource: bySource,
    coverage: coverage.kind === "available" ? `since ${coverage.since}` : coverage.kind === "unavailable" ? `unavailable (${coverage.reason})` : "not synced yet",
  };
}

const list = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");

/** The picture as summary lines (CLI `sync --once`, the demo). */
export function describeMdmPicture(p: MdmPicture, indent = "  "): string[] {
  return [
    `${indent}devices         ${p.devices} (${list(p.byOsFamily) || "none"}); ${p.devicesWithoutUsers} without a bound user`,
    `${indent}bindings        ${p.bindings} (${p.usersWithDevices} users with a device)`,
    `${indent}managed apps    ${p.managedApps} with ${Object.values(p.statusesByState).reduce((a, b) => a + b, 0)} statuses (${list(p.statusesByState) || "none"}; only INSTALLED counts as installed)`,
    `${indent}installed apps  ${p.installedApps} distinct (by source: ${list(p.installedAppsBySource) || "none"}); software events coverage ${p.coverage}`,
  ];
}
