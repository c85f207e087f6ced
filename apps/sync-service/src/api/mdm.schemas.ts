import { z } from "zod";
import { cursor, id, isoDate, isoDateOrNull, limit, page, PageQuery, updatedSince } from "./api.schemas.js";

// The MDM part of the HTTP contract: devices with their users and installations, installed apps
// merged across sources (managed, Directory Insights events), managed apps with status counts.

const text = z.string().nullable();
const Source = z.enum(["managed", "events", "inventory"]).describe("Who says the app is installed: `managed` (an INSTALLED managed-app status), `events` (Directory Insights software events), `inventory` (System Insights).");
const SystemInsights = z.enum(["enabled", "disabled", "deferred", "unknown"]);
const DeviceStatus = z.enum(["active", "inactive", "deleted"]);
const scopeIdQuery = z.string().min(1).optional();
const search = z.string().trim().min(1).max(200).optional();
const instant = isoDate.transform((v) => new Date(v));

const CoverageDto = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("available"), since: isoDate }).describe("Software events are read; `since` is the earliest one Directory Insights' retention returned."),
    z.object({ kind: z.literal("unavailable"), reason: z.enum(["insights-not-enabled", "insights-forbidden"]), detail: z.string() }).describe("Directory Insights is not enabled (402) or not permitted (403)."),
    z.object({ kind: z.literal("not-synced") }).describe("No software-events sync has completed yet."),
  ])
  .meta({ id: "SoftwareEventsCoverage", description: "How far the `events` source can be trusted for the scope." });

export const DeviceUserDto = z.object({ userId: z.string(), username: z.string().describe("The directory user's username, or the id when the user is not (yet) in the directory.") }).meta({ id: "DeviceUser" });

const deviceFields = {
  scopeId: z.string(),
  id: z.string().describe("JumpCloud system id."),
  hostname: text,
  displayName: text,
  serialNumber: text,
  os: text.describe("e.g. `Mac OS X`, `Windows`, `Ubuntu`."),
  osFamily: text.describe("e.g. `darwin`, `windows`, `linux`."),
  version: text,
  arch: text,
  lastContact: isoDateOrNull.describe("Last agent check-in; null when never."),
  status: DeviceStatus.describe("`deleted`: gone upstream, history kept."),
  agentVersion: text,
  systemInsights: SystemInsights,
  mdm: z
    .object({ vendor: text, enrollmentType: text, dep: z.boolean().nullable(), userApproved: z.boolean().nullable(), providerId: text })
    .nullable()
    .describe("MDM enrollment as JumpCloud reports it; null when the record has none."),
  users: z.array(DeviceUserDto).describe("Users bound to the device (directly or through user groups)."),
  installedApps: z.number().int().describe("Distinct installed apps, any source."),
  removedAt: isoDateOrNull,
  updatedAt: isoDate,
};

export const DeviceDto = z.object(deviceFields).meta({ id: "Device", description: "A synced device (JumpCloud system)." });
export const DevicePage = page(DeviceDto, "DevicePage");

export const DeviceInstallationDto = z
  .object({
    appKey: z.string().describe("The normalized app name (case, spacing folded)."),
    name: z.string(),
    sources: z.array(Source),
    versions: z.array(z.string()),
    firstSeenAt: isoDateOrNull,
    lastSeenAt: isoDateOrNull,
    managedAppIds: z.array(z.string()).describe("Managed apps behind the `managed` source."),
  })
  .meta({ id: "DeviceInstallation", description: "An app installed on the device, merged across sources." });

export const DeviceManagedStatusDto = z
  .object({
    appId: z.string(),
    displayName: text,
    state: z.string().describe("As JumpCloud reports it, e.g. `INSTALLED`, `FAILED`, `PENDING`."),
    installed: z.boolean().describe("Only `INSTALLED` counts as installed."),
    version: text,
    timestamp: isoDateOrNull,
    removedAt: isoDateOrNull,
  })
  .meta({ id: "DeviceManagedStatus" });

export const DeviceDetailDto = z
  .object({
    ...deviceFields,
    installations: z.array(DeviceInstallationDto),
    managedStatuses: z.array(DeviceManagedStatusDto).describe("Every managed app's status on the device, whatever the state."),
    softwareEventsCoverage: CoverageDto,
  })
  .meta({ id: "DeviceDetail", description: "A device with its users, installations and managed-app statuses." });

export const DeviceListQuery = z
  .object({
    cursor,
    limit,
    updatedSince,
    scopeId: scopeIdQuery,
    osFamily: z.string().trim().min(1).max(50).optional().describe("Exact OS family, case-insensitive (`darwin`, `windows`, `linux`)."),
    os: z.string().trim().min(1).max(100).optional().describe("Exact OS name, case-insensitive (`Mac OS X`, `Windows`)."),
    status: DeviceStatus.optional(),
    userId: z.string().min(1).max(200).optional().describe("Devices bound to this user."),
    systemInsights: SystemInsights.optional().describe("System Insights state."),
    lastContactBefore: instant.optional().describe("Last contact strictly before this instant (never-contacted devices included): stale devices."),
    lastContactSince: instant.optional().describe("Last contact at or after this instant."),
    search: search.describe("Case-insensitive match on hostname, display name or serial number."),
  })
  .strict();
export const DeviceParams = z.object({ scopeId: id("Scope id."), deviceId: id("JumpCloud system id.") });

export const InstalledAppDto = z
  .object({
    scopeId: z.string(),
    appKey: z.string(),
    name: z.string(),
    devices: z.number().int().describe("Live devices holding it (any source)."),
    users: z.number().int().describe("Distinct users bound to those devices."),
    sources: z.array(Source),
    versions: z.array(z.string()),
    managedAppIds: z.array(z.string()),
    firstSeenAt: isoDateOrNull,
    lastSeenAt: isoDateOrNull,
    updatedAt: isoDate,
  })
  .meta({ id: "InstalledApp", description: "An app installed in a scope, merged across sources and devices." });
export const InstalledAppPage = page(InstalledAppDto, "InstalledAppPage");
export const InstalledAppListQuery = z
  .object({ cursor, limit, updatedSince, scopeId: scopeIdQuery, source: Source.optional().describe("Apps with at least one live installation from this source."), search: search.describe("Case-insensitive match on the app key or name.") })
  .strict();
export const InstalledAppParams = z.object({ scopeId: id("Scope id."), appKey: id("App key (URL-encoded), as `appKey` in the installed-app list.") });

export const AppDeviceDto = z
  .object({ deviceId: z.string(), hostname: text, displayName: text, sources: z.array(Source), versions: z.array(z.string()), firstSeenAt: isoDateOrNull, lastSeenAt: isoDateOrNull })
  .meta({ id: "AppDevice", description: "A device that holds the app." });
export const AppDevicePage = page(AppDeviceDto, "AppDevicePage");
export const AppUserDto = z
  .object({ userId: z.string(), username: z.string(), deviceIds: z.array(z.string()).describe("The user's devices that hold it.") })
  .meta({ id: "AppUser", description: "A user who has the app on at least one of their devices." });
export const AppUserPage = page(AppUserDto, "AppUserPage");

export const UserInstalledAppDto = z
  .object({ appKey: z.string(), name: z.string(), sources: z.array(Source), versions: z.array(z.string()), deviceIds: z.array(z.string()) })
  .meta({ id: "UserInstalledApp", description: "An app on any of the user's devices, from any source." });
export const UserInstalledAppPage = page(UserInstalledAppDto, "UserInstalledAppPage");
export const UserInstalledAppParams = z.object({ scopeId: id("Scope id."), userId: id("JumpCloud user id.") });

export const ManagedAppDto = z
  .object({
    scopeId: z.string(),
    id: z.string().describe("JumpCloud software app id."),
    displayName: z.string(),
    appKey: z.string(),
    packageManager: text,
    packageId: text,
    bundleId: text,
    desiredState: text,
    statusCounts: z.record(z.string(), z.number().int()).describe("Live statuses by state (upper-cased), e.g. `{\"INSTALLED\": 10, \"FAILED\": 2}`."),
    linkedDevices: z.number().int().describe("Live devices the app targets, directly or through device groups."),
    removedAt: isoDateOrNull,
    updatedAt: isoDate,
  })
  .meta({ id: "ManagedApp", description: "A software app JumpCloud manages (deploys), with its status counts." });
export const ManagedAppPage = page(ManagedAppDto, "ManagedAppPage");
export const ManagedAppListQuery = z.object({ cursor, limit, updatedSince, scopeId: scopeIdQuery, search: search.describe("Case-insensitive match on the display name.") }).strict();
export const ManagedAppParams = z.object({ scopeId: id("Scope id."), appId: id("JumpCloud software app id.") });

export const MdmPageQuery = PageQuery.strict();
