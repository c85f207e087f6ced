// The MDM slice of the model (issue 11): devices, the users bound to them, the software JumpCloud
// manages on them, and the apps installed on them as each source reports it. Pure data: the rules
// live in ../rules/mdm.ts, the ports in ../ports/mdm-*.port.ts.
import type { EntityChanges, Tracked } from "./directory.js";
import type { UsageCoverage } from "./usage.js";

/** The MDM streams of a scope (registered by the service's MDM module). */
export const MDM_STREAMS = ["devices", "managed-apps", "software-events"] as const;
export type MdmStreamName = (typeof MDM_STREAMS)[number];

/** `system.systemInsights.state` (API-NOTES §6); `unknown` when the listing leaves it out. */
export type SystemInsightsState = "enabled" | "disabled" | "deferred" | "unknown";

/** `system.mdm` (API-NOTES §6): how (and whether) the device is enrolled in an MDM. */
export interface MdmEnrollment {
  /** `unknown` | `none` | `internal` (JumpCloud MDM) | `external`, as reported. */
  readonly vendor: string | null;
  /** `unknown` | `automated device` | `device` | `user`, as reported. */
  readonly enrollmentType: string | null;
  /** Enrolled through Apple's Device Enrollment Program. */
  readonly dep: boolean | null;
  readonly userApproved: boolean | null;
  readonly providerId: string | null;
}

/** A JumpCloud system (`GET /api/systems`, v1) as observed in a snapshot. */
export interface Device {
  readonly id: string;
  readonly hostname: string | null;
  readonly displayName: string | null;
  readonly serialNumber: string | null;
  /** e.g. `Mac OS X`, `Windows`, `Ubuntu`. */
  readonly os: string | null;
  /** e.g. `darwin`, `windows`, `linux`. */
  readonly osFamily: string | null;
  readonly version: string | null;
  readonly arch: string | null;
  /** Last agent check-in (ISO 8601), null when never. */
  readonly lastContact: string | null;
  readonly active: boolean;
  readonly agentVersion: string | null;
  readonly systemInsights: SystemInsightsState;
  /** Null when the record has no `mdm` object. */
  readonly mdm: MdmEnrollment | null;
  /** When JumpCloud created the record (ISO 8601), if known. */
  readonly createdAt: string | null;
}

/** A user bound to a device (`/api/v2/systems/{id}/users` or `/api/v2/users/{id}/systems`). */
export interface DeviceBinding {
  readonly deviceId: string;
  readonly userId: string;
}

export type DeviceBindingKey = `${string}/${string}`;
export function deviceBindingKey(b: Pick<DeviceBinding, "deviceId" | "userId">): DeviceBindingKey {
  return `${b.deviceId}/${b.userId}`;
}

/** A complete fresh listing of a scope's devices and their bindings (the `devices` stream). */
export interface DeviceSnapshot {
  readonly devices: readonly Device[];
  readonly bindings: readonly DeviceBinding[];
}

/** What the store holds for the `devices` stream, tombstones included. */
export interface DeviceState {
  readonly devices: ReadonlyMap<string, Tracked<Device>>;
  readonly bindings: ReadonlyMap<DeviceBindingKey, Tracked<DeviceBinding>>;
}

export function emptyDeviceState(): DeviceState {
  return { devices: new Map(), bindings: new Map() };
}

export interface DeviceChangeSet {
  readonly devices: EntityChanges<Device>;
  readonly bindings: EntityChanges<DeviceBinding, DeviceBindingKey>;
}

/** One entry of `software-app.settings[]` (API-NOTES §7); the fields the sync keeps. */
export interface ManagedAppSetting {
  readonly packageId: string | null;
  /** `CHOCOLATEY`, `APPLE_VPP`, `WINGET`, … as reported (the enum may grow). */
  readonly packageManager: string | null;
  readonly bundleId: string | null;
  /** e.g. `Install`, `Uninstall`. */
  readonly desiredState: string | null;
  readonly packageVersion: string | null;
  readonly displayVersion: string | null;
  readonly autoUpdate: boolean | null;
  readonly location: string | null;
  readonly scope: string | null;
  readonly adminIntent: string | null;
  readonly teamId: string | null;
}

/** A software app JumpCloud manages (`GET /api/v2/softwareapps`): something to deploy, not an inventory. */
export interface ManagedApp {
  readonly id: string;
  readonly displayName: string;
  readonly settings: readonly ManagedAppSetting[];
  /** Upstream timestamps (ISO 8601) as reported. */
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
}

/**
 * The state JumpCloud reports for a managed app on one device (`/softwareapps/{id}/statuses`).
 * Kept whatever the state (FAILED, PENDING, …); only {@link isInstalledState} counts as installed.
 */
export interface ManagedAppStatus {
  readonly appId: string;
  readonly deviceId: string;
  /** As reported (the spec enumerates no values), e.g. `INSTALLED`, `FAILED`, `PENDING`. */
  readonly state: string;
  readonly version: string | null;
  /** When the agent reported it (ISO 8601), if given. */
  readonly timestamp: string | null;
  readonly details: string | null;
  readonly code: number | null;
}

/** Only `INSTALLED` (any case, surrounding spaces ignored) is an installation. */
export function isInstalledState(state: string): boolean {
  return state.trim().toUpperCase() === "INSTALLED";
}

/** A managed app targeted at a device: directly and/or through device groups. */
export interface ManagedAppLink {
  readonly appId: string;
  readonly deviceId: string;
  readonly direct: boolean;
  /** Device groups through which the app reaches the device, sorted. */
  readonly groupIds: readonly string[];
}

/** Statuses and links are both keyed app × device. */
export type AppDeviceKey = `${string}/${string}`;
export function appDeviceKey(r: { readonly appId: string; readonly deviceId: string }): AppDeviceKey {
  return `${r.appId}/${r.deviceId}`;
}

/** A complete fresh listing of the managed software of a scope (the `managed-apps` stream). */
export interface ManagedAppSnapshot {
  readonly apps: readonly ManagedApp[];
  readonly statuses: readonly ManagedAppStatus[];
  readonly links: readonly ManagedAppLink[];
}

// ---- installations ---------------------------------------------------------------------------

/**
 * Who says an app is on a device: `managed` (an `INSTALLED` managed-app status), `events`
 * (Directory Insights software events), `inventory` (System Insights tables, issue 12).
 */
export type InstallationSource = "managed" | "events" | "inventory";
export const INSTALLATION_SOURCES: readonly InstallationSource[] = ["managed", "events", "inventory"];

/** The event or status that decided an installation row's current state (the fold's max). */
export type InstallationEvidenceKind = "add" | "change" | "remove" | "status" | "inventory";

/**
 * One source's view of one app on one device. The merged truth per device is the union of the
 * live rows of every source ({@link InstalledApp}, built by `mergeInstalledApps`).
 *
 * Identity: `deviceId × appKey × source × sourceRef`. `sourceRef` tells rows of one source apart
 * when it can hold the same app twice: the managed app id for `managed` (two managed apps may
 * deploy one product), `""` for `events`, the System Insights table for `inventory`.
 */
export interface Installation {
  readonly deviceId: string;
  /** See `appKeyOf`: the normalized app name; issue 12 maps keys to canonical apps. */
  readonly appKey: string;
  readonly source: InstallationSource;
  readonly sourceRef: string;
  /** The app's name as the source spells it (the latest evidence's). */
  readonly name: string;
  readonly version: string | null;
  readonly packageManager: string | null;
  /** Earliest instant the source proved the app present; null for a removal seen without any presence. */
  readonly firstSeenAt: string | null;
  /** Latest instant the source proved the app present. */
  readonly lastSeenAt: string | null;
  /** The deciding evidence: its instant, id and kind (ties on the instant go to the greater id). */
  readonly evidenceAt: string;
  readonly evidenceId: string;
  readonly evidenceKind: InstallationEvidenceKind;
}

/**
 * A stored installation. `removedAt` set = not installed any more (a `software_remove`, or a
 * managed status no longer `INSTALLED`). The row is kept so that an older `software_add` read
 * again (overlapping windows, out-of-order pages) can never resurrect the app.
 */
export type StoredInstallation = Tracked<Installation>;

export type InstallationKey = string;
const SEP = "\u001f";
/** Stable map key of an installation row (app keys may contain any printable character). */
export function installationKey(i: Pick<Installation, "deviceId" | "appKey" | "source" | "sourceRef">): InstallationKey {
  return `${i.deviceId}${SEP}${i.appKey}${SEP}${i.source}${SEP}${i.sourceRef}`;
}
export function parseInstallationKey(key: InstallationKey): Pick<Installation, "deviceId" | "appKey" | "source" | "sourceRef"> {
  const parts = key.split(SEP);
  const [deviceId, appKey, source, sourceRef] = parts;
  if (parts.length !== 4 || deviceId === undefined || appKey === undefined || sourceRef === undefined || !INSTALLATION_SOURCES.includes(source as InstallationSource)) {
    throw new TypeError(`not an installation key: ${JSON.stringify(key)}`);
  }
  return { deviceId, appKey, source: source as InstallationSource, sourceRef };
}

/** What the store holds for the `managed-apps` stream, tombstones included. */
export interface ManagedAppState {
  readonly apps: ReadonlyMap<string, Tracked<ManagedApp>>;
  readonly statuses: ReadonlyMap<AppDeviceKey, Tracked<ManagedAppStatus>>;
  readonly links: ReadonlyMap<AppDeviceKey, Tracked<ManagedAppLink>>;
  /** The `managed` source's installation rows, derived from the `INSTALLED` statuses. */
  readonly installations: ReadonlyMap<InstallationKey, StoredInstallation>;
}

export function emptyManagedAppState(): ManagedAppState {
  return { apps: new Map(), statuses: new Map(), links: new Map(), installations: new Map() };
}

export interface ManagedAppChangeSet {
  readonly apps: EntityChanges<ManagedApp>;
  readonly statuses: EntityChanges<ManagedAppStatus, AppDeviceKey>;
  readonly links: EntityChanges<ManagedAppLink, AppDeviceKey>;
  /** `managed` installation rows: created / updated / removed (tombstoned). */
  readonly installations: EntityChanges<Installation, InstallationKey>;
}

/** The merged truth for one app on one device: the live rows of every source. */
export interface InstalledApp {
  readonly deviceId: string;
  readonly appKey: string;
  /** The name of the preferred source's row (managed, then events, then inventory). */
  readonly name: string;
  /** Sorted, distinct. */
  readonly sources: readonly InstallationSource[];
  /** Distinct non-null versions across sources, sorted. */
  readonly versions: readonly string[];
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  /** Managed app ids behind the `managed` source, sorted. */
  readonly managedAppIds: readonly string[];
}

/** One user's installed app: the union over the user's (live) bound devices. */
export interface UserInstalledApp {
  readonly userId: string;
  readonly appKey: string;
  readonly name: string;
  readonly sources: readonly InstallationSource[];
  readonly versions: readonly string[];
  /** The user's devices that hold it, sorted. */
  readonly deviceIds: readonly string[];
}

// ---- Directory Insights software events --------------------------------------------------------

/** The software event types that say something about installations (not `software_update`). */
export const SOFTWARE_EVENT_TYPES = ["software_add", "software_change", "software_remove"] as const;
export type SoftwareEventType = (typeof SOFTWARE_EVENT_TYPES)[number];

/**
 * The subset of a Directory Insights `software` event that the fold reads (API-NOTES §9, Software
 * Attributes). Structural, so the domain does not depend on the generated client types.
 */
export interface SoftwareEvent {
  readonly id: string;
  readonly event_type: string;
  readonly service?: string;
  readonly timestamp: string;
  readonly system?: { readonly id?: string; readonly hostname?: string } | null;
  readonly application?: {
    readonly name?: string;
    readonly display_name?: string;
    readonly version?: string;
    readonly package_manager?: string;
    readonly id?: string;
  } | null;
  readonly resource?: {
    readonly id?: string;
    readonly app_name?: string;
    readonly display_name?: string;
    readonly package_manager?: string;
    readonly system_id?: string;
  } | null;
  readonly changes?: readonly { readonly field?: string; readonly from?: unknown; readonly to?: unknown }[] | null;
}

/**
 * What the scope's software events are known from: the same tri-state as usage (Directory Insights
 * may be off, 402, or forbidden, 403). The cursor is an `InsightsCursor` like the usage stream's.
 */
export type SoftwareEventsCoverage = UsageCoverage;
