// The MDM world's state: devices (systems) with their bindings and installed software, device
// groups, managed software apps with per-device statuses. Installed software is packed into
// number arrays (variant index, version index) and System Insights rows are built only when a
// page holding them is served: a million inventory rows are a few megabytes, not a million objects.
import type { OsFamily, SoftwareAppState, SystemInsightsState, SystemInsightsTable } from "./api.types.js";
import type { EventRecord } from "./model.js";
import { hash32, hex8, mix32 } from "./rng.js";
import { SOFTWARE_CATALOG, type SoftwareVariant } from "./software-catalog.js";

/** Versions per variant are indexed in 12 bits inside packed values. */
export const MAX_VERSIONS = 4096;

export interface Device {
  id: string;
  orgId: string;
  createdMs: number;
  hostname: string;
  displayName: string;
  serialNumber: string;
  os: string;
  osFamily: OsFamily;
  version: string;
  releaseName: string;
  arch: string;
  hwVendor: string;
  agentVersion: string;
  lastContactMs: number | null;
  active: boolean;
  si: SystemInsightsState;
  mdmVendor: "unknown" | "none" | "internal" | "external";
  enrollmentType: "unknown" | "automated device" | "device" | "user";
  dep: boolean;
  remoteIP: string;
  fde: boolean;
  /** Users bound directly, in binding order. */
  users: Set<string>;
  /** User groups bound directly. */
  userGroups: Set<string>;
  /** Installed software: variant index * MAX_VERSIONS + version index, in install order. */
  sw: number[];
  /** Install time (ms) of each `sw` item. */
  swAt: number[];
  /** A System Insights snapshot taken by `collectInventory` (served instead of `sw` until released); absent: rows follow `sw` live. */
  siSnapshot?: InventorySnapshot | null;
}

/** What the agent last reported to System Insights: the software at `ms`. */
export interface InventorySnapshot {
  ms: number;
  sw: number[];
  swAt: number[];
}

/** The software System Insights serves for the device: its snapshot, or its software now collected at its last contact. */
export function siSoftware(d: Device): InventorySnapshot {
  return d.siSnapshot ?? { ms: d.lastContactMs ?? d.createdMs, sw: d.sw, swAt: d.swAt };
}

export interface SystemGroup {
  id: string;
  orgId: string;
  name: string;
  members: Set<string>;
}

export interface AppStatus {
  id: string;
  state: SoftwareAppState;
  version: string;
  details: string;
  code: number;
  ms: number;
}

export interface SoftwareApp {
  id: string;
  orgId: string;
  createdMs: number;
  updatedMs: number;
  displayName: string;
  os: OsFamily;
  packageManager: string;
  packageId: string;
  desiredState: string;
  /** The catalog variant this app installs (its name on the app's OS). */
  variant: number;
  systems: Set<string>;
  systemGroups: Set<string>;
  /** Keyed by device id; insertion order is the served order. */
  statuses: Map<string, AppStatus>;
}

export interface OrgMdm {
  devices: Device[];
  deviceById: Map<string, Device>;
  systemGroups: SystemGroup[];
  systemGroupById: Map<string, SystemGroup>;
  softwareApps: SoftwareApp[];
  softwareAppById: Map<string, SoftwareApp>;
}

export function emptyMdm(): OrgMdm {
  return { devices: [], deviceById: new Map(), systemGroups: [], systemGroupById: new Map(), softwareApps: [], softwareAppById: new Map() };
}

interface TableVariant extends SoftwareVariant {
  /** Mutable: custom versions get appended. */
  versions: string[];
}

/**
 * The software variants of one world: the static catalog, then custom apps added through the
 * world controls. Indexes are stable for the world's life (packed values and events keep them).
 */
export class SoftwareTable {
  readonly variants: TableVariant[];
  private readonly byKey = new Map<string, number>();

  constructor() {
    this.variants = SOFTWARE_CATALOG.map((v) => ({ ...v, versions: [...v.versions] }));
    this.variants.forEach((v, i) => this.byKey.set(key(v.os, v.table, v.name), i));
  }

  find(os: OsFamily | "any", table: SystemInsightsTable, name: string): number | undefined {
    return this.byKey.get(key(os, table, name)) ?? this.byKey.get(key("any", table, name));
  }

  add(v: SoftwareVariant): number {
    const existing = this.find(v.os, v.table, v.name);
    if (existing !== undefined) return existing;
    this.variants.push({ ...v, versions: [...v.versions] });
    const i = this.variants.length - 1;
    this.byKey.set(key(v.os, v.table, v.name), i);
    return i;
  }

  /** Index of `version` in the variant's train, appended if new. */
  versionIndex(variant: number, version: string): number {
    const versions = (this.variants[variant] as TableVariant).versions;
    let i = versions.indexOf(version);
    if (i < 0) {
      if (versions.length >= MAX_VERSIONS) throw new RangeError(`too many versions of ${(this.variants[variant] as TableVariant).name}`);
      versions.push(version);
      i = versions.length - 1;
    }
    return i;
  }

  variant(packed: number): TableVariant {
    return this.variants[Math.floor(packed / MAX_VERSIONS)] as TableVariant;
  }

  version(packed: number): string {
    return this.variant(packed).versions[packed % MAX_VERSIONS] ?? "";
  }
}

function key(os: string, table: string, name: string): string {
  return `${os}\u0000${table}\u0000${name}`;
}

export const pack = (variant: number, version: number): number => variant * MAX_VERSIONS + version;
export const variantOf = (packed: number): number => Math.floor(packed / MAX_VERSIONS);

// ---- software events ---------------------------------------------------------------------------

/**
 * Software events are compact records: `actorId` is the device id, `actorName` its hostname and
 * `v` packs (variant, from-version, to-version); `sw` points at the world's table.
 */
export function packSoftwareEvent(variant: number, from: number, to: number): number {
  return (variant * MAX_VERSIONS + from) * MAX_VERSIONS + to;
}

export interface SoftwareEventInfo {
  deviceId: string;
  name: string;
  /** The version the app has after the event (add: its version; change: `to`; remove: the removed one). */
  version: string;
  type: "software_add" | "software_change" | "software_remove";
}

export function isSoftwareType(type: string): type is SoftwareEventInfo["type"] {
  return type === "software_add" || type === "software_change" || type === "software_remove";
}

/** What a software event says, from the compact form or from an appended JSON body. */
export function softwareEventInfo(r: EventRecord): SoftwareEventInfo | null {
  if (!isSoftwareType(r.type)) return null;
  if (r.body === null && r.sw !== null) {
    const variant = r.sw.variants[Math.floor(r.v / MAX_VERSIONS / MAX_VERSIONS)];
    if (variant === undefined) return null;
    return { deviceId: r.actorId, name: variant.name, version: variant.versions[r.v % MAX_VERSIONS] ?? "", type: r.type };
  }
  const body = r.body ?? {};
  const system = (body.system ?? {}) as Record<string, unknown>;
  const app = (body.application ?? {}) as Record<string, unknown>;
  if (typeof system.id !== "string" || typeof app.name !== "string") return null;
  let version = typeof app.version === "string" ? app.version : "";
  if (r.type === "software_change" && Array.isArray(body.changes)) {
    const c = (body.changes as Record<string, unknown>[]).find((x) => x !== null && typeof x === "object" && x.field === "version");
    if (c !== undefined && typeof c.to === "string") version = c.to;
  }
  return { deviceId: system.id, name: app.name, version, type: r.type };
}

/** A stable 24-hex id for a catalog application (DI `application.id`). */
export function applicationId(v: SoftwareVariant): string {
  const h = hash32(`${v.os}|${v.table}|${v.name}`);
  return hex8(h) + hex8(mix32(h, 1)) + hex8(mix32(h, 2));
}

/** DI `application.package_manager`: how the agent found it (the contract gives no list; we name the source). */
export function packageManagerOf(v: SoftwareVariant): string {
  return v.table === "apps" ? "macos_apps" : v.table === "programs" ? "windows_programs" : v.table === "linux_packages" ? "deb" : v.table;
}

export function uninstallString(v: SoftwareVariant): string {
  if (v.table !== "programs") return "";
  return v.path === "" ? `MsiExec.exe /X{${guid(v.name)}}` : `"${v.path}uninstall.exe" /S`;
}

function guid(seed: string): string {
  const h = hash32(seed);
  const a = hex8(h).toUpperCase();
  const b = hex8(mix32(h, 7)).toUpperCase();
  const c = hex8(mix32(h, 9)).toUpperCase();
  const d = hex8(mix32(h, 11)).toUpperCase();
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
}

export function softwareEventBody(r: EventRecord, providerId: string | null): Record<string, unknown> {
  const table = r.sw as SoftwareTable;
  const variant = table.variants[Math.floor(r.v / MAX_VERSIONS / MAX_VERSIONS)] as TableVariant;
  const from = variant.versions[Math.floor(r.v / MAX_VERSIONS) % MAX_VERSIONS] ?? "";
  const to = variant.versions[r.v % MAX_VERSIONS] ?? "";
  const appId = applicationId(variant);
  const pm = packageManagerOf(variant);
  const body: Record<string, unknown> = {
    "@version": "1",
    provider: providerId,
    system: { id: r.actorId, type: "system", hostname: r.actorName },
    application: {
      name: variant.name,
      version: to,
      path: variant.path,
      publisher: variant.publisher,
      uninstall_string: uninstallString(variant),
      package_manager: pm,
      display_name: variant.displayName,
      id: appId,
    },
    resource: { id: appId, type: "software", app_name: variant.name, display_name: variant.displayName, package_manager: pm, system_id: r.actorId },
  };
  if (r.type === "software_change") body.changes = [{ field: "version", from, to }];
  return body;
}

// ---- records as served ---------------------------------------------------------------------------

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The spec's `system`, plus `id` as v1 records carry. `usernames` are the directly bound users'. */
export function systemRecord(d: Device, usernames: { username: string; suspended: boolean; admin: boolean }[]): Record<string, unknown> & {
  _id: string;
  id: string;
  hostname: string;
  displayName: string;
  osFamily: OsFamily;
} {
  const [major = "0", minor = "0", patch = "0"] = d.version.split(" ")[0]?.split(".") ?? [];
  const osName = d.osFamily === "darwin" ? "macOS" : d.osFamily === "windows" ? "Windows" : d.os;
  const first = [...d.users][0];
  return {
    _id: d.id,
    id: d.id,
    organization: d.orgId,
    hostname: d.hostname,
    displayName: d.displayName,
    serialNumber: d.serialNumber,
    hwVendor: d.hwVendor,
    os: d.os,
    osFamily: d.osFamily,
    version: d.version,
    osVersionDetail: {
      osName,
      releaseName: d.releaseName,
      major,
      minor,
      patch,
      majorNumber: Number(major) || 0,
      minorNumber: Number(minor) || 0,
      patchNumber: Number(patch) || 0,
      revision: "",
      distributionName: d.osFamily === "linux" ? d.os : "",
      version: d.version,
    },
    arch: d.arch,
    archFamily: d.arch === "arm64" ? "arm" : "x86",
    active: d.active,
    lastContact: d.lastContactMs === null ? null : iso(d.lastContactMs),
    created: iso(d.createdMs),
    agentVersion: d.agentVersion,
    remoteIP: d.remoteIP,
    systemTimezone: 0,
    desktopCapable: true,
    hasServiceAccount: d.osFamily === "darwin",
    allowMultiFactorAuthentication: false,
    allowPublicKeyAuthentication: true,
    allowSshPasswordAuthentication: d.osFamily === "linux",
    allowSshRootLogin: false,
    modifySSHDConfig: d.osFamily === "linux",
    sshRootEnabled: false,
    amazonInstanceID: "",
    templateName: d.osFamily === "darwin" ? "macosx-darwin-x86_64" : d.osFamily === "windows" ? "windows-windows-x86_64" : "linux-ubuntu-x86_64",
    fileSystem: d.osFamily === "darwin" ? "apfs" : d.osFamily === "windows" ? "NTFS" : "ext4",
    fde: { active: d.fde, keyPresent: d.fde },
    systemInsights: { state: d.si },
    mdm:
      d.mdmVendor === "none" || d.mdmVendor === "unknown"
        ? { vendor: d.mdmVendor, enrollmentType: d.enrollmentType }
        : {
            vendor: d.mdmVendor,
            dep: d.dep,
            userApproved: d.enrollmentType !== "user",
            enrollmentType: d.enrollmentType,
            profileIdentifier: d.osFamily === "darwin" ? `com.jumpcloud.mdm.${d.id}` : "",
            internal: d.osFamily === "darwin" ? { deviceId: `${d.id.slice(0, 12)}${d.id.slice(12).toUpperCase()}` } : { windowsDeviceId: d.id },
          },
    provisionMetadata: { provisioner: { type: d.dep ? "mdm" : "administrator", provisionerId: "" } },
    networkInterfaces: [{ address: d.remoteIP, family: "IPv4", internal: false, name: d.osFamily === "windows" ? "Ethernet" : d.osFamily === "darwin" ? "en0" : "eth0" }],
    userMetrics: usernames.map((u) => ({ userName: u.username, admin: u.admin, managed: true, suspended: u.suspended, secureTokenEnabled: d.osFamily === "darwin" })),
    primarySystemUser: { id: first ?? null },
    domainInfo: { partOfDomain: false, domainName: "" },
    azureAdJoined: false,
    tags: [],
    attributes: [],
    description: "",
    builtInCommands: [
      { type: "security", name: "erase" },
      { type: "security", name: "lock" },
      { type: "security", name: "restart" },
      { type: "security", name: "shutdown" },
    ],
  };
}

export function softwareAppRecord(a: SoftwareApp, table: SoftwareTable): Record<string, unknown> & { id: string } {
  const variant = table.variants[a.variant] as TableVariant;
  const current = variant.versions[variant.versions.length - 1] ?? "";
  const setting: Record<string, unknown> = {
    packageId: a.packageId,
    autoUpdate: a.packageManager !== "APPLE_CUSTOM",
    allowUpdateDelay: false,
    packageManager: a.packageManager,
    locationObjectId: "",
    location: "",
    desiredState: a.desiredState,
    adminIntent: "INTENT_UNSPECIFIED",
    managedInstallEligibilityStatus: "MANAGED_INSTALL_ELIGIBILITY_NOT_EVALUATED",
    displayVersion: current,
    packageVersion: current,
    shortVersion: current,
    scope: a.os === "windows" ? "machine" : "",
    uninstallOnUnbind: false,
    appDeliveryMethod: a.packageManager === "APPLE_VPP" ? "VPP" : "",
    iconUrl: `https://cdn.jumpcloud.com/software/${variant.product || "app"}.png`,
    createdAt: iso(a.createdMs),
    updatedAt: iso(a.updatedMs),
  };
  if (a.os === "darwin") {
    setting.bundleId = variant.identifier;
    setting.teamId = hex8(hash32(variant.identifier)).toUpperCase().slice(0, 10).padEnd(10, "X");
  }
  if (a.packageManager === "APPLE_VPP") setting.appleVpp = { assignedLicenses: a.statuses.size, availableLicenses: Math.max(0, 250 - a.statuses.size), totalLicenses: Math.max(250, a.statuses.size), supportedDeviceFamilies: ["MAC"] };
  if (a.packageManager === "MICROSOFT_STORE") setting.microsoftStore = { packageFamilyName: "MSTeams_8wekyb3d8bbwe", doNotUpdate: false, nonRemovable: false };
  return { id: a.id, organization: a.orgId, displayName: a.displayName, createdAt: iso(a.createdMs), updatedAt: iso(a.updatedMs), settings: [setting] };
}

export function statusRecord(a: SoftwareApp, systemId: string, s: AppStatus): Record<string, unknown> & { id: string } {
  return { id: s.id, softwareAppId: a.id, systemId, state: s.state, details: s.details, code: s.code, timestamp: iso(s.ms), version: s.version };
}

// ---- System Insights rows ------------------------------------------------------------------------

const UID: Record<OsFamily, string> = { darwin: "501", windows: "S-1-5-21-3623811015-3361044348-30300820-1013", linux: "1000" };

/** The device's System Insights collection time: its snapshot's, else its last check-in (or its enrollment). */
function collectionTime(d: Device): string {
  return iso(siSoftware(d).ms);
}

/** One row of `table` for item `k` of the device's System Insights software ({@link siSoftware}; as served; fields per the spec's table schema). */
export function inventoryRow(d: Device, k: number, table: SoftwareTable): Record<string, unknown> {
  const si = siSoftware(d);
  const packed = si.sw[k] as number;
  const v = table.variant(packed);
  const version = table.version(packed);
  const at = si.swAt[k] as number;
  const h = mix32(hash32(d.id), hash32(v.name));
  switch (v.table) {
    case "apps": {
      // -1 = never opened (osquery's convention); otherwise seconds, with a fraction as real rows show.
      const opened = h % 9 === 0 ? -1 : Math.floor(Math.max(at, (d.lastContactMs ?? at) - (h % 30) * 86_400_000) / 1000) + (h % 1000) / 1000;
      const bundleName = v.displayName;
      return {
        name: v.name,
        display_name: v.displayName,
        bundle_name: bundleName,
        bundle_identifier: v.identifier,
        bundle_short_version: version.split(" ")[0] ?? version,
        bundle_version: version,
        bundle_executable: bundleName,
        bundle_package_type: "APPL",
        category: v.category,
        copyright: v.publisher === "" ? "" : `© ${v.publisher}`,
        path: v.path,
        last_opened_time: opened,
        minimum_system_version: "12.0",
        info_string: "",
        compiler: "com.apple.compilers.llvm.clang.1_0",
        development_region: "en",
        element: "",
        environment: "",
        applescript_enabled: v.publisher === "Apple Inc." ? "1" : "0",
        collection_time: collectionTime(d),
        system_id: d.id,
      };
    }
    case "programs": {
      const date = iso(at).slice(0, 10).replace(/-/g, "");
      return {
        name: v.name,
        version,
        publisher: v.publisher,
        install_date: date,
        install_location: v.path,
        install_source: v.path === "" ? `C:\\ProgramData\\Package Cache\\{${hex8(h).toUpperCase()}}\\` : "",
        identifying_number: v.path === "" ? `{${hex8(h).toUpperCase()}-${hex8(mix32(h, 3)).toUpperCase().slice(0, 4)}-4000-8000-${hex8(mix32(h, 5)).toUpperCase()}0000}` : v.name,
        uninstall_string: uninstallString(v),
        language: "1033",
        collection_time: collectionTime(d),
        system_id: d.id,
      };
    }
    case "linux_packages":
      return {
        name: v.name,
        version,
        package_format: "deb",
        arch: d.arch === "arm64" ? "arm64" : "amd64",
        install_time: Math.floor(at / 1000),
        maintainer_or_vendor: v.publisher,
        package_group_or_section: v.product === "" ? "admin" : "misc",
        release_or_revision: version.includes("-") ? version.slice(version.lastIndexOf("-") + 1) : "",
        size: String(100 + (h % 250_000)),
        mount_namespace_id: "",
        pid_with_namespace: 0,
        system_id: d.id,
      };
    case "chrome_extensions": {
      const base = d.osFamily === "darwin" ? "/Users/admin/Library/Application Support/Google/Chrome" : d.osFamily === "windows" ? "C:\\Users\\admin\\AppData\\Local\\Google\\Chrome\\User Data" : "/home/admin/.config/google-chrome";
      return {
        name: v.name,
        identifier: v.identifier,
        version,
        author: v.publisher,
        description: `${v.name} extension`,
        locale: "en",
        path: `${base}/Default/Extensions/${v.identifier}/${version}_0/`,
        permissions: "storage, tabs",
        persistent: 0,
        uid: UID[d.osFamily],
        update_url: "https://clients2.google.com/service/update2/crx",
        collection_time: collectionTime(d),
        system_id: d.id,
      };
    }
    case "firefox_addons":
      return {
        name: v.name,
        identifier: v.identifier,
        version,
        creator: v.publisher,
        description: `${v.name} add-on`,
        type: "extension",
        active: 1,
        autoupdate: 1,
        disabled: 0,
        visible: 1,
        location: "app-profile",
        path: "",
        source_url: `https://addons.mozilla.org/firefox/downloads/file/${h % 4_000_000}/addon-${version}.xpi`,
        uid: UID[d.osFamily],
        collection_time: collectionTime(d),
        system_id: d.id,
      };
    case "safari_extensions":
      return {
        name: v.name,
        identifier: v.identifier,
        version,
        author: v.publisher,
        developer_id: hex8(hash32(v.publisher)).toUpperCase().slice(0, 10).padEnd(10, "X"),
        description: `${v.name}`,
        path: `/Applications/${v.name.replace(/ for Safari$/, "")}.app/Contents/PlugIns/Safari Extension.appex`,
        sdk: "6.0",
        uid: UID[d.osFamily],
        update_url: "",
        collection_time: collectionTime(d),
        system_id: d.id,
      };
  }
}
