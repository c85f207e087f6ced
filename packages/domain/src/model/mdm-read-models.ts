import type { InstallationSource, MdmEnrollment, SoftwareEventsCoverage, SystemInsightsState } from "./mdm.js";

/** `deleted` for a tombstone (gone upstream; history kept). */
export type DeviceStatus = "active" | "inactive" | "deleted";

export interface DeviceUserView {
  readonly userId: string;
  /** The directory user's username, or the id when the user is not (yet) in the directory. */
  readonly username: string;
}

/** A device in a list. */
export interface DeviceView {
  readonly scopeId: string;
  readonly id: string;
  readonly hostname: string | null;
  readonly displayName: string | null;
  readonly serialNumber: string | null;
  readonly os: string | null;
  readonly osFamily: string | null;
  readonly version: string | null;
  readonly arch: string | null;
  readonly lastContact: string | null;
  readonly status: DeviceStatus;
  readonly agentVersion: string | null;
  readonly systemInsights: SystemInsightsState;
  readonly mdm: MdmEnrollment | null;
  /** Live bindings, by user id. */
  readonly users: readonly DeviceUserView[];
  /** Distinct installed apps (live rows of any source). */
  readonly installedApps: number;
  readonly removedAt: string | null;
  readonly updatedAt: string;
}

/** One installed app of a device, merged across sources. */
export interface DeviceInstallationView {
  readonly appKey: string;
  readonly name: string;
  readonly sources: readonly InstallationSource[];
  readonly versions: readonly string[];
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  readonly managedAppIds: readonly string[];
}

/** A managed app's status on the device, whatever the state (FAILED and PENDING included). */
export interface DeviceManagedStatusView {
  readonly appId: string;
  readonly displayName: string | null;
  readonly state: string;
  readonly installed: boolean;
  readonly version: string | null;
  readonly timestamp: string | null;
  readonly removedAt: string | null;
}

/** A device with its users, installations and managed statuses. */
export interface DeviceDetailView extends DeviceView {
  readonly installations: readonly DeviceInstallationView[];
  readonly managedStatuses: readonly DeviceManagedStatusView[];
  /** Whether the `events` source can be trusted for this scope (Directory Insights coverage). */
  readonly softwareEventsCoverage: SoftwareEventsCoverage;
}

export interface DeviceQuery {
  readonly scopeId?: string;
  /** Exact `osFamily` (case-insensitive), e.g. `darwin`. */
  readonly osFamily?: string;
  /** Exact `os` (case-insensitive), e.g. `Windows`. */
  readonly os?: string;
  readonly status?: DeviceStatus;
  /** Devices with a live binding to this user. */
  readonly userId?: string;
  readonly systemInsights?: SystemInsightsState;
  /** `lastContact` strictly before (stale devices; never-contacted devices included). */
  readonly lastContactBefore?: Date;
  /** `lastContact` at or after. */
  readonly lastContactSince?: Date;
  /** Case-insensitive substring of hostname, display name or serial number. */
  readonly search?: string;
  readonly updatedSince?: Date;
  readonly cursor?: string;
  readonly limit: number;
}

/** An app installed somewhere in a scope, merged across sources and devices. */
export interface InstalledAppView {
  readonly scopeId: string;
  readonly appKey: string;
  readonly name: string;
  /** Live devices holding it (any source). */
  readonly devices: number;
  /** Distinct users bound (live) to those devices. */
  readonly users: number;
  readonly sources: readonly InstallationSource[];
  readonly versions: readonly string[];
  readonly managedAppIds: readonly string[];
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
  /** The latest store write of any of its installation rows. */
  readonly updatedAt: string;
}

export interface InstalledAppQuery {
  readonly scopeId?: string;
  /** Apps with at least one live row of this source. */
  readonly source?: InstallationSource;
  /** Case-insensitive substring of the app key or name. */
  readonly search?: string;
  /** Apps with an installation row written at or after (removals included). */
  readonly updatedSince?: Date;
  readonly cursor?: string;
  readonly limit: number;
}

/** A device that holds an app. */
export interface AppDeviceView {
  readonly deviceId: string;
  readonly hostname: string | null;
  readonly displayName: string | null;
  readonly sources: readonly InstallationSource[];
  readonly versions: readonly string[];
  readonly firstSeenAt: string | null;
  readonly lastSeenAt: string | null;
}

/** A user who has an app on at least one of their devices. */
export interface AppUserView {
  readonly userId: string;
  readonly username: string;
  /** The user's devices holding it, sorted. */
  readonly deviceIds: readonly string[];
}

/** An app a user has, through any of their devices and any source. */
export interface UserInstalledAppView {
  readonly appKey: string;
  readonly name: string;
  readonly sources: readonly InstallationSource[];
  readonly versions: readonly string[];
  readonly deviceIds: readonly string[];
}

/** A managed software app with its status counts. */
export interface ManagedAppView {
  readonly scopeId: string;
  readonly id: string;
  readonly displayName: string;
  readonly appKey: string;
  readonly packageManager: string | null;
  readonly packageId: string | null;
  readonly bundleId: string | null;
  readonly desiredState: string | null;
  /** Live statuses by state as reported (upper-cased), e.g. `{ INSTALLED: 10, FAILED: 2 }`. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Live devices the app targets (directly or through groups). */
  readonly linkedDevices: number;
  readonly removedAt: string | null;
  readonly updatedAt: string;
}

export interface ManagedAppQuery {
  readonly scopeId?: string;
  readonly search?: string;
  readonly updatedSince?: Date;
  readonly cursor?: string;
  readonly limit: number;
}

export interface PageRequest {
  readonly cursor?: string;
  readonly limit: number;
}
