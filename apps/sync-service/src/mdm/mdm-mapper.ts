import type {
  Device,
  DeviceBinding,
  ManagedApp,
  ManagedAppLink,
  ManagedAppSetting,
  ManagedAppStatus,
  MdmEnrollment,
  SystemInsightsState,
} from "@jumpcloud-sync/domain";

// Responses are read structurally (the fields the MDM slice keeps, API-NOTES §6–7): the spec marks
// nearly every field optional, and JumpCloud sends "" for unset text.

/** A v1 `system` record, as far as the devices stream reads it. */
export interface ApiSystem {
  readonly _id?: string;
  readonly id?: string;
  readonly hostname?: string | null;
  readonly displayName?: string | null;
  readonly serialNumber?: string | null;
  readonly os?: string | null;
  readonly osFamily?: string | null;
  readonly version?: string | null;
  readonly arch?: string | null;
  readonly lastContact?: string | null;
  readonly active?: boolean | null;
  readonly agentVersion?: string | null;
  readonly created?: string | null;
  readonly systemInsights?: { readonly state?: string | null } | null;
  readonly mdm?: {
    readonly vendor?: string | null;
    readonly enrollmentType?: string | null;
    readonly dep?: boolean | null;
    readonly userApproved?: boolean | null;
    readonly providerId?: string | null;
  } | null;
}

/** The v1 `fields` the devices stream asks for (pages stay small: a system record carries much more). */
export const SYSTEM_FIELDS = [
  "hostname",
  "displayName",
  "serialNumber",
  "os",
  "osFamily",
  "version",
  "arch",
  "lastContact",
  "active",
  "agentVersion",
  "created",
  "systemInsights",
  "mdm",
];

/** A v2 traversal row (`GraphObjectWithPaths`): the object reached and the paths that reach it. */
export interface TraversalRow {
  readonly id: string;
  readonly type: string;
  readonly paths?: readonly (readonly ({ readonly to?: { readonly id?: string; readonly type?: string } | null } | null)[] | null)[] | null;
}

/** A v2 `software-app` record. */
export interface ApiSoftwareApp {
  readonly id?: string;
  readonly displayName?: string | null;
  readonly createdAt?: string | null;
  readonly updatedAt?: string | null;
  readonly settings?: readonly (ApiSoftwareAppSetting | null)[] | null;
}

export interface ApiSoftwareAppSetting {
  readonly packageId?: string | null;
  readonly packageManager?: string | null;
  readonly bundleId?: string | null;
  readonly desiredState?: string | null;
  readonly packageVersion?: string | null;
  readonly displayVersion?: string | null;
  readonly autoUpdate?: boolean | null;
  readonly location?: string | null;
  readonly scope?: string | null;
  readonly adminIntent?: string | null;
  readonly teamId?: string | null;
}

/** A v2 `software-app-status` record. */
export interface ApiSoftwareAppStatus {
  readonly id?: string;
  readonly softwareAppId?: string | null;
  readonly systemId?: string | null;
  readonly state?: string | null;
  readonly version?: string | null;
  readonly timestamp?: string | null;
  readonly details?: string | null;
  readonly code?: number | null;
}

/** JumpCloud sends "" for an unset text field; the store keeps null for "no value". */
function text(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  return value === "" ? null : value;
}

const SI_STATES: readonly SystemInsightsState[] = ["enabled", "disabled", "deferred"];

export function systemInsightsStateOf(system: Pick<ApiSystem, "systemInsights">): SystemInsightsState {
  const state = system.systemInsights?.state;
  return typeof state === "string" && (SI_STATES as readonly string[]).includes(state) ? (state as SystemInsightsState) : "unknown";
}

function enrollmentOf(mdm: ApiSystem["mdm"]): MdmEnrollment | null {
  if (mdm === undefined || mdm === null) return null;
  return {
    vendor: text(mdm.vendor),
    enrollmentType: text(mdm.enrollmentType),
    dep: typeof mdm.dep === "boolean" ? mdm.dep : null,
    userApproved: typeof mdm.userApproved === "boolean" ? mdm.userApproved : null,
    providerId: text(mdm.providerId),
  };
}

/** The device id of a v1 system (`_id`; `id` as well in responses). */
export function systemIdOf(system: Pick<ApiSystem, "_id" | "id">): string | null {
  return text(system.id) ?? text(system._id);
}

export function toDevice(system: ApiSystem): Device {
  const id = systemIdOf(system);
  if (id === null) throw new TypeError("a system record without an id");
  return {
    id,
    hostname: text(system.hostname),
    displayName: text(system.displayName),
    serialNumber: text(system.serialNumber),
    os: text(system.os),
    osFamily: text(system.osFamily),
    version: text(system.version),
    arch: text(system.arch),
    lastContact: text(system.lastContact),
    active: system.active === true,
    agentVersion: text(system.agentVersion),
    systemInsights: systemInsightsStateOf(system),
    mdm: enrollmentOf(system.mdm),
    createdAt: text(system.created),
  };
}

/**
 * Users bound to a device from `/systems/{id}/users`: each row is a user reached directly (a path
 * of one edge) or through a bound user group (two edges); either way the user is bound. Rows of
 * another type are not users.
 */
export function bindingsOfDevice(deviceId: string, rows: Iterable<TraversalRow>): DeviceBinding[] {
  const seen = new Set<string>();
  const out: DeviceBinding[] = [];
  for (const row of rows) {
    if (row.type !== "user" || seen.has(row.id)) continue;
    seen.add(row.id);
    out.push({ deviceId, userId: row.id });
  }
  return out;
}

/** The same bindings from the user side (`/users/{id}/systems`). */
export function bindingsOfUser(userId: string, rows: Iterable<TraversalRow>): DeviceBinding[] {
  const seen = new Set<string>();
  const out: DeviceBinding[] = [];
  for (const row of rows) {
    if (row.type !== "system" || seen.has(row.id)) continue;
    seen.add(row.id);
    out.push({ deviceId: row.id, userId });
  }
  return out;
}

function toSetting(s: ApiSoftwareAppSetting): ManagedAppSetting {
  return {
    packageId: text(s.packageId),
    packageManager: text(s.packageManager),
    bundleId: text(s.bundleId),
    desiredState: text(s.desiredState),
    packageVersion: text(s.packageVersion),
    displayVersion: text(s.displayVersion),
    autoUpdate: typeof s.autoUpdate === "boolean" ? s.autoUpdate : null,
    location: text(s.location),
    scope: text(s.scope),
    adminIntent: text(s.adminIntent),
    teamId: text(s.teamId),
  };
}

export function toManagedApp(app: ApiSoftwareApp): ManagedApp {
  const id = text(app.id);
  if (id === null) throw new TypeError("a software app record without an id");
  return {
    id,
    displayName: app.displayName ?? "",
    settings: (app.settings ?? []).filter((s): s is ApiSoftwareAppSetting => s !== null && typeof s === "object").map(toSetting),
    createdAt: text(app.createdAt),
    updatedAt: text(app.updatedAt),
  };
}

/**
 * A status row of one app (read under `/softwareapps/{appId}/statuses`: the path names the app, so a
 * row that names another one is not trusted over it). Null for a row without a device.
 */
export function toManagedAppStatus(appId: string, status: ApiSoftwareAppStatus): ManagedAppStatus | null {
  const deviceId = text(status.systemId);
  if (deviceId === null) return null;
  return {
    appId,
    deviceId,
    // The spec enumerates no states: kept as reported; an absent state is not "installed".
    state: text(status.state) ?? "UNKNOWN",
    version: text(status.version),
    timestamp: text(status.timestamp),
    details: text(status.details),
    code: typeof status.code === "number" ? status.code : null,
  };
}

/**
 * A device an app targets, from `/softwareapps/{id}/systems`: a path of one edge is a direct link,
 * a longer one goes through the device groups on it.
 */
export function toManagedAppLink(appId: string, row: TraversalRow): ManagedAppLink | null {
  if (row.type !== "system") return null;
  let direct = false;
  const groupIds = new Set<string>();
  const paths = row.paths ?? [];
  for (const path of paths) {
    if (path === null) continue;
    if (path.length <= 1) direct = true;
    for (const edge of path) {
      const to = edge?.to;
      if (to?.type === "system_group" && typeof to.id === "string") groupIds.add(to.id);
    }
  }
  // A traversal row without paths still says the device is targeted; JumpCloud's direct edges have one.
  if (paths.length === 0) direct = true;
  return { appId, deviceId: row.id, direct, groupIds: [...groupIds].sort() };
}
