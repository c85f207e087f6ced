// The MDM ground truth, from the world's own state and event log (README "MDM truth rules").
import type { MdmTruth, RequestPlan, SystemInsightsTable, TruthDevice, TruthDeviceSoftware, TruthManagedStatus, TruthSoftwareApp, TruthUserSoftware } from "./api.types.js";
import { MAX_VERSIONS, type SoftwareEventInfo, iso, siSoftware, softwareEventInfo } from "./mdm-model.js";
import { appSystems, deviceUsers } from "./mdm-world.js";
import type { EventRecord, Org } from "./model.js";
import type { World } from "./world.js";

const DAY = 86_400_000;
const PAGE = 100;
const BIG_PAGE = 10_000;
const TABLES: readonly SystemInsightsTable[] = ["apps", "programs", "linux_packages", "chrome_extensions", "firefox_addons", "safari_extensions"];
const sorted = (ids: Iterable<string>) => [...ids].sort();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));

export const MDM_PLAN = [
  "Page size is always the maximum: limit=100 on v1 and v2, limit=10000 on System Insights and Directory Insights.",
  "GET /api/systems — every device: max(1, ceil(devices / 100)).",
  "Bindings: GET /api/v2/systems/{system_id}/users per device, or GET /api/v2/users/{user_id}/systems per user, whichever costs fewer requests (each max(1, ceil(n / 100))); ties go to the per-device plan. The users are already known from the directory sync.",
  "GET /api/v2/softwareapps — every managed app; per app GET …/statuses and GET …/systems, each max(1, ceil(n / 100)).",
  "POST /insights/directory/v1/events — service [\"software\"] over the retention window, no search_term: floor(visible software events / 10000) + 1 pages. Omitted when DI is disabled.",
  "GET /api/v2/systeminsights/{table} for apps, programs, linux_packages, chrome_extensions, firefox_addons, safari_extensions: no total is sent, so floor(rows / 10000) + 1 pages per table.",
];

/**
 * `now`: the instant of the whole truth (its `asOf`). Reading the clock again here would put the
 * software window's edge later than `asOf` by however long the directory truth took to compute
 * (seconds at the large size, with a clock that follows wall time).
 */
export function computeMdmTruth(world: World, org: Org, now: number): { truth: MdmTruth; plan: RequestPlan } {
  const retentionDays = world.settings.retentionDays;
  const mdm = org.mdm;
  const table = world.software;

  // Last visible software event per (device, application name); the log is in (timestamp, id)
  // order, so a later record always wins.
  // Records only (no per-event allocation): 700,000 software events are scanned in the large world.
  const last = new Map<string, Map<string, EventRecord>>();
  let visibleEvents = 0;
  let earliest: EventRecord | null = null;
  if (org.diEnabled) {
    const records = org.softwareEvents.records;
    for (let i = org.softwareEvents.lowerBound(now - retentionDays * DAY); i < records.length; i++) {
      const r = records[i] as EventRecord;
      if (r.ms > now) break;
      if (r.vis > now || r.service !== "software") continue;
      let deviceId: string;
      let name: string;
      if (r.body === null && r.sw !== null) {
        const v = r.sw.variants[Math.floor(r.v / MAX_VERSIONS / MAX_VERSIONS)];
        if (v === undefined) continue;
        deviceId = r.actorId;
        name = v.name;
      } else {
        const info = softwareEventInfo(r);
        if (info === null) continue;
        deviceId = info.deviceId;
        name = info.name;
      }
      visibleEvents++;
      earliest ??= r;
      let perDevice = last.get(deviceId);
      if (perDevice === undefined) last.set(deviceId, (perDevice = new Map<string, EventRecord>()));
      perDevice.set(name, r);
    }
  }

  const managedByDevice = new Map<string, TruthManagedStatus[]>();
  const softwareApps: TruthSoftwareApp[] = mdm.softwareApps
    .map((a) => {
      const v = table.variants[a.variant];
      const linked = appSystems(org, a);
      const statuses = [...a.statuses.entries()].map(([systemId, s]) => ({ statusId: s.id, systemId, state: s.state, version: s.version })).sort((x, y) => cmp(x.systemId, y.systemId));
      for (const [systemId, s] of a.statuses) {
        const row: TruthManagedStatus = { softwareAppId: a.id, statusId: s.id, state: s.state, version: s.version, installed: s.state === "INSTALLED", timestamp: iso(s.ms) };
        const list = managedByDevice.get(systemId);
        if (list === undefined) managedByDevice.set(systemId, [row]);
        else list.push(row);
      }
      return {
        id: a.id,
        displayName: a.displayName,
        packageManager: a.packageManager,
        packageId: a.packageId,
        bundleId: a.os === "darwin" && v !== undefined ? v.identifier : null,
        desiredState: a.desiredState,
        systemIds: sorted(a.systems),
        systemGroupIds: sorted(a.systemGroups),
        linkedSystemIds: sorted(linked),
        statuses,
        installedSystemIds: statuses.filter((s) => s.state === "INSTALLED").map((s) => s.systemId),
      };
    })
    .sort((a, b) => cmp(a.id, b.id));

  const perUser = new Map<string, { devices: Set<string>; names: Set<string>; managed: Set<string> }>();
  const siRows: Record<SystemInsightsTable, number> = { apps: 0, programs: 0, linux_packages: 0, chrome_extensions: 0, firefox_addons: 0, safari_extensions: 0 };
  const devices: TruthDevice[] = mdm.devices
    .map((d) => {
      const software: TruthDeviceSoftware[] = [];
      for (const [name, r] of last.get(d.id) ?? []) {
        if (r.type === "software_remove") continue;
        const info = softwareEventInfo(r) as SoftwareEventInfo;
        software.push({ name, version: info.version, eventId: r.id, eventType: info.type as "software_add" | "software_change", at: iso(r.ms) });
      }
      software.sort((a, b) => cmp(a.name, b.name));
      const managedApps = (managedByDevice.get(d.id) ?? []).sort((a, b) => cmp(a.softwareAppId, b.softwareAppId));
      const installedManagedAppIds = managedApps.filter((m) => m.installed).map((m) => m.softwareAppId);
      const inventoryRows: Record<SystemInsightsTable, number> = { apps: 0, programs: 0, linux_packages: 0, chrome_extensions: 0, firefox_addons: 0, safari_extensions: 0 };
      if (d.si === "enabled") for (const p of siSoftware(d).sw) inventoryRows[table.variant(p).table]++;
      for (const t of TABLES) siRows[t] += inventoryRows[t];
      const userIds = sorted([...deviceUsers(org, d)].filter((id) => org.userById.has(id)));
      for (const uid of userIds) {
        let u = perUser.get(uid);
        if (u === undefined) perUser.set(uid, (u = { devices: new Set(), names: new Set(), managed: new Set() }));
        u.devices.add(d.id);
        for (const s of software) u.names.add(s.name);
        for (const id of installedManagedAppIds) u.managed.add(id);
      }
      return {
        id: d.id,
        hostname: d.hostname,
        displayName: d.displayName,
        serialNumber: d.serialNumber,
        os: d.os,
        osFamily: d.osFamily,
        version: d.version,
        arch: d.arch,
        active: d.active,
        lastContact: d.lastContactMs === null ? null : iso(d.lastContactMs),
        systemInsights: d.si,
        mdm: { vendor: d.mdmVendor, enrollmentType: d.enrollmentType },
        directUserIds: sorted([...d.users].filter((id) => org.userById.has(id))),
        userGroupIds: sorted(d.userGroups),
        userIds,
        systemGroupIds: sorted(mdm.systemGroups.filter((g) => g.members.has(d.id)).map((g) => g.id)),
        software,
        managedApps,
        installedManagedAppIds,
        inventoryRows,
        inventoryCollectedAt: d.si === "enabled" ? iso(siSoftware(d).ms) : null,
      };
    })
    .sort((a, b) => cmp(a.id, b.id));

  const userSoftware: TruthUserSoftware[] = [...perUser.entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([userId, u]) => ({ userId, deviceIds: sorted(u.devices), softwareNames: sorted(u.names), installedManagedAppIds: sorted(u.managed) }));

  // ---- the MDM plan ----
  const byRoute: Record<string, number> = { "GET /api/systems": pages(mdm.devices.length) };
  const perDevice = devices.reduce((n, d) => n + pages(d.userIds.length), 0);
  const userDeviceCount = new Map<string, number>();
  for (const d of devices) for (const uid of d.userIds) userDeviceCount.set(uid, (userDeviceCount.get(uid) ?? 0) + 1);
  const perUserCost = org.users.reduce((n, u) => n + pages(userDeviceCount.get(u.id) ?? 0), 0);
  if (perDevice <= perUserCost) byRoute["GET /api/v2/systems/{system_id}/users"] = perDevice;
  else byRoute["GET /api/v2/users/{user_id}/systems"] = perUserCost;
  byRoute["GET /api/v2/softwareapps"] = pages(mdm.softwareApps.length);
  byRoute["GET /api/v2/softwareapps/{software_app_id}/statuses"] = mdm.softwareApps.reduce((n, a) => n + pages(a.statuses.size), 0);
  byRoute["GET /api/v2/softwareapps/{software_app_id}/systems"] = mdm.softwareApps.reduce((n, a) => n + pages(appSystems(org, a).size), 0);
  if (org.diEnabled) byRoute["POST /insights/directory/v1/events"] = Math.floor(visibleEvents / BIG_PAGE) + 1;
  for (const t of TABLES) byRoute[`GET /api/v2/systeminsights/${t}`] = Math.floor(siRows[t] / BIG_PAGE) + 1;
  const total = Object.values(byRoute).reduce((a, b) => a + b, 0);

  return {
    truth: {
      devices,
      softwareApps,
      userSoftware,
      softwareCoverage: {
        readable: org.diEnabled,
        retentionDays,
        earliestVisibleEventAt: earliest === null ? null : iso(earliest.ms),
        visibleEvents,
        devicesWithEvents: last.size,
      },
    },
    plan: { total, byRoute, plan: MDM_PLAN },
  };
}
