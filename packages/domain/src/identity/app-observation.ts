/**
 * What the sync sees of one product, per source, before identification. Each variant carries the
 * fields of its JumpCloud source (API-NOTES §5, §7, §8, §9) in camelCase; every field but the one
 * naming the thing may be missing or null, as it is in real rows.
 */

/** A macOS app: a row of System Insights `apps`. */
export interface MacosAppObservation {
  readonly source: "macos-app";
  /** `name`: the bundle's file name, e.g. `Slack.app`. */
  readonly name: string;
  /** `display_name`. */
  readonly displayName?: string | null;
  /** `bundle_name` (CFBundleName; may be short, e.g. `Code` for Visual Studio Code). */
  readonly bundleName?: string | null;
  /** `bundle_identifier`, e.g. `com.tinyspeck.slackmacgap`. */
  readonly bundleIdentifier?: string | null;
  /** `bundle_short_version`: tells Firefox ESR from Firefox (same bundle id, `115.6.0esr`). */
  readonly bundleShortVersion?: string | null;
  readonly path?: string | null;
}

/** A Windows program: a row of System Insights `programs` (the registry's uninstall entries). */
export interface WindowsProgramObservation {
  readonly source: "windows-program";
  /** `name`, e.g. `Mozilla Firefox (x64 en-US)`. */
  readonly name: string;
  readonly version?: string | null;
  /** `publisher`, e.g. `Slack Technologies Inc.` */
  readonly publisher?: string | null;
  /** `identifying_number` (an MSI product code; changes between versions, so never a key). */
  readonly identifyingNumber?: string | null;
}

/** A Linux package: a row of System Insights `linux_packages`. */
export interface LinuxPackageObservation {
  readonly source: "linux-package";
  /** `name`: the package name in its format, e.g. `slack-desktop`. */
  readonly name: string;
  readonly version?: string | null;
  /** `package_format`: `deb`, `rpm`, `snap`, `flatpak`, … (anything else is matched across formats). */
  readonly packageFormat?: string | null;
  readonly maintainerOrVendor?: string | null;
}

/** A browser extension: a row of `chrome_extensions`, `firefox_addons` or `safari_extensions`. */
export interface BrowserExtensionObservation {
  readonly source: "chrome-extension" | "firefox-addon" | "safari-extension";
  readonly name: string;
  /** `identifier`: the store id (Chrome: 32 letters a–p; Firefox: `x@y` or a `{GUID}`). */
  readonly identifier?: string | null;
  /** `author` (Chrome, Safari) or `creator` (Firefox). */
  readonly author?: string | null;
  /** `developer_id` (Safari). */
  readonly developerId?: string | null;
  readonly version?: string | null;
}

/** The `application` of a Directory Insights software event (`software_add`, `software_change`, `software_remove`). */
export interface SoftwareEventObservation {
  readonly source: "software-event";
  readonly name?: string | null;
  readonly displayName?: string | null;
  readonly version?: string | null;
  readonly publisher?: string | null;
  /** `package_manager` (values are not documented; `apt`, `dpkg`, `rpm`, `snap`, `flatpak`, `chocolatey`, `winget` are understood). */
  readonly packageManager?: string | null;
  /** `path`; a macOS `…/Name.app` path names the app. */
  readonly path?: string | null;
}

/** A JumpCloud managed app (`/api/v2/softwareapps`): its display name and first settings entry. */
export interface ManagedAppObservation {
  readonly source: "managed-app";
  readonly displayName: string;
  /** `settings[].packageId`: a Chocolatey or winget id, or an Apple store/catalog id. */
  readonly packageId?: string | null;
  /** `settings[].bundleId` (Apple). */
  readonly bundleId?: string | null;
  /** `settings[].packageManager`: `CHOCOLATEY`, `WINGET`, `APPLE_VPP`, `MAC_OS_APP_CATALOG`, … */
  readonly packageManager?: string | null;
}

/** An SSO application (`/api/applications`). */
export interface SsoApplicationObservation {
  readonly source: "sso-application";
  /** `name`: the catalog key of the connector, e.g. `slack`, `aws-sso`. */
  readonly name: string;
  readonly displayName?: string | null;
  /** `displayLabel`: the administrator's label, e.g. `Slack (Engineering)`. */
  readonly displayLabel?: string | null;
}

export type AppObservation =
  | MacosAppObservation
  | WindowsProgramObservation
  | LinuxPackageObservation
  | BrowserExtensionObservation
  | SoftwareEventObservation
  | ManagedAppObservation
  | SsoApplicationObservation;

export type AppObservationSource = AppObservation["source"];

/** Where a product was seen: installed software, a browser extension, a deployment, an SSO app or an event. */
export type AppSurface = "installed" | "extension" | "managed" | "sso" | "event";

/**
 * How an observation was matched, strongest first: an exact identifier of the catalog (bundle id,
 * extension id, package name in its format, managed package id, SSO catalog key), a catalog name
 * alias (after normalization, possibly without the vendor's prefix), a heuristic id for a product the
 * catalog does not list, or an operator's override.
 */
export type AppMatchKind =
  | "bundle-id"
  | "extension-id"
  | "package-name"
  | "managed-package-id"
  | "sso-catalog-key"
  | "catalog-alias"
  | "vendor-prefix"
  | "heuristic"
  | "override";

/**
 * The identity of one observation. `appId` is the canonical id of the product: the catalog's id
 * (`slack`, `firefox-esr`) or, for a product the catalog does not list, `unlisted:<slug>` derived
 * from the normalized name (with `~<publisher>` when the name alone is too generic), so the same
 * name always gives the same id, on every sync.
 */
export interface AppIdentity {
  readonly appId: string;
  readonly displayName: string;
  /** The product is in the catalog (or an override named it). */
  readonly listed: boolean;
  readonly matchedBy: AppMatchKind;
  /** The stable key that decided (`bundle:com.tinyspeck.slackmacgap`, `name:slack`, …). */
  readonly matchedKey: string;
  /** 0–1: 1 for exact identifiers and overrides, lower for names and heuristics. */
  readonly confidence: number;
  readonly surface: AppSurface;
  /**
   * Every stable key of the observation, strongest first: what overrides are defined on, so they
   * survive re-syncs (row ids change, these do not).
   */
  readonly keys: readonly string[];
}
