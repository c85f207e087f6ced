import { APP_CATALOG_ENTRIES } from "./app-catalog.data.js";
import { type AppCatalog, type AppCatalogEntry, type AppKeyNamespace, type AppNameLookup, compileAppCatalog, identifierKey } from "./app-catalog.js";
import { foldCase } from "./app-name.js";
import { unlistedId } from "./app-unlisted-id.js";
import type { AppIdentity, AppMatchKind, AppObservation, AppSurface } from "./app-observation.js";

let shipped: AppCatalog | undefined;

/** The shipped catalog (`APP_CATALOG_ENTRIES`), compiled on first use and kept. */
export function defaultAppCatalog(): AppCatalog {
  shipped ??= compileAppCatalog(APP_CATALOG_ENTRIES);
  return shipped;
}

const CONFIDENCE: Readonly<Record<AppMatchKind, number>> = {
  "bundle-id": 1,
  "extension-id": 1,
  "package-name": 1,
  "managed-package-id": 1,
  "sso-catalog-key": 1,
  "catalog-alias": 0.9,
  "vendor-prefix": 0.8,
  heuristic: 0.5,
  override: 1,
};
/** A package name found in another format than the row's (or a row without one). */
const ANY_FORMAT_CONFIDENCE = 0.9;

/** SSO connectors whose display name says nothing about the product: the label does. */
const GENERIC_SSO = /^(?:custom )?(?:saml|oidc|sso|bookmark|openid connect)(?: 2\.0)?(?: app| application| connector)?$|^custom (?:app|application|saml app|oidc app)$/;

const PACKAGE_FORMATS: Readonly<Record<string, AppKeyNamespace>> = {
  deb: "deb",
  dpkg: "deb",
  apt: "deb",
  rpm: "rpm",
  yum: "rpm",
  dnf: "rpm",
  zypper: "rpm",
  snap: "snap",
  flatpak: "flatpak",
  chocolatey: "choco",
  choco: "choco",
  winget: "winget",
};

interface Hit {
  readonly entry: AppCatalogEntry;
  readonly kind: AppMatchKind;
  readonly key: string;
  readonly confidence: number;
}

/** Per observation: its keys strongest first, the first catalog hit, and what the heuristic falls back to. */
class Matcher {
  readonly keys: string[] = [];
  hit: Hit | undefined;
  private seen1: string | undefined;
  private seen2: string | undefined;
  private seen3: string | undefined;
  /** The first name seen, normalized: the heuristic's input when nothing matches. */
  fallback: AppNameLookup | undefined;

  /** The observation's publisher (Windows programs, software events), for products that name theirs. */
  publisher: string | null | undefined;
  private publisherWords: ReadonlySet<string> | undefined;

  constructor(readonly catalog: AppCatalog) {}

  /**
   * A name match to a product that declares its publishers holds only if the observation has no
   * publisher or one of them: "Signal" by Signal Messenger is Signal, "Signal" by Acme is not.
   */
  private publisherFits(entry: AppCatalogEntry): boolean {
    const declared = entry.publishers;
    if (declared === undefined || declared.length === 0) return true;
    const raw = this.publisher;
    if (raw === null || raw === undefined || raw.trim() === "") return true;
    this.publisherWords ??= new Set(foldCase(raw).split(/[^\p{L}\p{N}+]+/u));
    for (const word of declared) if (this.publisherWords.has(foldCase(word))) return true;
    return false;
  }

  identifier(ns: AppKeyNamespace, raw: string | null | undefined, kind: AppMatchKind, confidence = CONFIDENCE[kind]): void {
    if (raw === null || raw === undefined) return;
    const { key, entry } = this.catalog.lookupIdentifier(ns, raw);
    if (key === "" || this.keys.includes(key)) return;
    this.keys.push(key);
    if (this.hit !== undefined) return;
    if (entry !== undefined) this.hit = { entry, kind, key, confidence };
  }

  /** A package name tried in every Linux format, after its own format missed. */
  anyFormat(raw: string): void {
    if (this.hit !== undefined) return;
    const { key, entry } = this.catalog.lookupIdentifier("pkg", raw);
    if (entry !== undefined) this.hit = { entry, kind: "package-name", key, confidence: ANY_FORMAT_CONFIDENCE };
  }

  /**
   * A name: a key of the observation, the heuristic's fallback, and — with `matchCatalog` — looked
   * up among the catalog's names.
   */
  name(raw: string | null | undefined, asFallback = true, matchCatalog = true): void {
    if (raw === null || raw === undefined || raw === "") return;
    // At most three names per observation: fields, not an array, to allocate less.
    if (raw === this.seen1 || raw === this.seen2 || raw === this.seen3) return;
    if (this.seen1 === undefined) this.seen1 = raw;
    else if (this.seen2 === undefined) this.seen2 = raw;
    else this.seen3 = raw;
    const n = this.catalog.lookupName(raw);
    if (n.key === "") return;
    const key = n.aliasKey;
    if (!this.keys.includes(key)) this.keys.push(key);
    if (asFallback && this.fallback === undefined) this.fallback = n;
    if (this.hit !== undefined || n.entry === undefined || !matchCatalog) return;
    if (!this.publisherFits(n.entry)) return;
    const kind: AppMatchKind = n.viaPrefix ? "vendor-prefix" : "catalog-alias";
    this.hit = { entry: n.entry, kind, key, confidence: CONFIDENCE[kind] };
  }
}

function surfaceOf(o: AppObservation): AppSurface {
  switch (o.source) {
    case "macos-app":
    case "windows-program":
    case "linux-package":
      return "installed";
    case "chrome-extension":
    case "firefox-addon":
    case "safari-extension":
      return "extension";
    case "managed-app":
      return "managed";
    case "sso-application":
      return "sso";
    case "software-event":
      return "event";
  }
}

/** `…/Applications/Zoom.us.app/Contents/…` → `Zoom.us.app`. */
function macAppInPath(path: string | null | undefined): string | null {
  if (path === null || path === undefined) return null;
  const folded = path.toLowerCase();
  const end = folded.indexOf(".app");
  if (end < 0) return null;
  const after = folded.charCodeAt(end + 4);
  if (end + 4 < folded.length && after !== 47 /* / */ && after !== 92 /* \ */) return null;
  const start = Math.max(path.lastIndexOf("/", end), path.lastIndexOf("\\", end)) + 1;
  const base = path.slice(start, end + 4);
  return base.length > 4 ? base : null;
}

/** The organization part of a reverse-DNS bundle id (`com.acme.agent` → `acme`), as a publisher. */
function bundleOrg(bundleId: string | null | undefined): string | null {
  if (bundleId === null || bundleId === undefined) return null;
  const parts = bundleId.split(".");
  return parts.length >= 3 && parts[1] !== "" ? (parts[1] ?? null) : null;
}

function versionOf(o: AppObservation): string | null | undefined {
  switch (o.source) {
    case "macos-app":
      return o.bundleShortVersion;
    case "windows-program":
    case "linux-package":
    case "software-event":
    case "chrome-extension":
    case "firefox-addon":
    case "safari-extension":
      return o.version;
    case "managed-app":
    case "sso-application":
      return null;
  }
}

function publisherOf(o: AppObservation): string | null | undefined {
  switch (o.source) {
    case "macos-app":
      return bundleOrg(o.bundleIdentifier);
    case "windows-program":
    case "software-event":
      return o.publisher;
    case "linux-package":
      return o.maintainerOrVendor;
    case "chrome-extension":
    case "firefox-addon":
    case "safari-extension":
      return o.author ?? o.developerId;
    case "managed-app":
      return null;
    case "sso-application":
      return null;
  }
}

function collect(m: Matcher, o: AppObservation): void {
  switch (o.source) {
    case "macos-app":
      m.identifier("bundle", o.bundleIdentifier, "bundle-id");
      m.name(o.name);
      // `display_name` is usually `name` without `.app`: the same key, no second normalization.
      if (o.displayName === null || o.displayName === undefined || o.name !== `${o.displayName}.app`) m.name(o.displayName);
      if (o.bundleName !== o.displayName) m.name(o.bundleName);
      return;
    case "windows-program":
      m.publisher = o.publisher;
      m.name(o.name);
      return;
    case "linux-package": {
      const ns = PACKAGE_FORMATS[identifierKey(o.packageFormat ?? "")];
      if (ns === "deb" || ns === "rpm" || ns === "snap" || ns === "flatpak") m.identifier(ns, o.name, "package-name");
      m.anyFormat(o.name);
      // Package names are short and flat: Debian's `notion` is a window manager, its `arc` an
      // archiver. A package matches the catalog by its package aliases only; its name makes the
      // unlisted id (the same as a program of that name elsewhere).
      m.name(o.name, true, false);
      return;
    }
    case "chrome-extension":
      m.identifier("chrome", o.identifier, "extension-id");
      m.name(o.name);
      return;
    case "firefox-addon":
      m.identifier("firefox", o.identifier, "extension-id");
      m.name(o.name);
      return;
    case "safari-extension":
      m.identifier("safari", o.identifier, "extension-id");
      m.name(o.name);
      return;
    case "software-event": {
      m.publisher = o.publisher;
      const ns = PACKAGE_FORMATS[identifierKey(o.packageManager ?? "")];
      const linux = ns === "deb" || ns === "rpm" || ns === "snap" || ns === "flatpak";
      const pkg = o.name ?? o.displayName;
      if (ns !== undefined && pkg !== null && pkg !== undefined) {
        m.identifier(ns, pkg, linux ? "package-name" : "managed-package-id");
        if (linux) m.anyFormat(pkg);
      }
      // A Linux package's names match by package alias only, as in linux_packages.
      m.name(o.displayName, true, !linux);
      m.name(o.name, true, !linux);
      m.name(macAppInPath(o.path));
      return;
    }
    case "managed-app": {
      const manager = identifierKey(o.packageManager ?? "");
      if (manager === "chocolatey") m.identifier("choco", o.packageId, "managed-package-id");
      else if (manager === "winget") m.identifier("winget", o.packageId, "managed-package-id");
      m.identifier("bundle", o.bundleId, "bundle-id");
      // Apple catalog entries may carry the bundle id as their package id.
      if (manager.startsWith("apple") || manager.startsWith("mac_os")) {
        if (o.packageId !== null && o.packageId !== undefined && o.packageId.includes(".")) m.identifier("bundle", o.packageId, "bundle-id");
      }
      m.name(o.displayName);
      return;
    }
    case "sso-application": {
      m.identifier("sso", o.name, "sso-catalog-key");
      const generic = (s: string | null | undefined) => s === null || s === undefined || GENERIC_SSO.test(m.catalog.lookupName(s).key);
      // The connector's display name names the product, unless the connector is a generic SAML/OIDC
      // one: then the administrator's label does.
      if (!generic(o.displayName)) m.name(o.displayName);
      m.name(o.displayLabel);
      m.name(o.name.replace(/[-_]+/g, " "), !generic(o.name.replace(/[-_]+/g, " ")));
      if (generic(o.displayName)) m.name(o.displayName);
      return;
    }
  }
}

/**
 * The canonical identity of one observation. Exact identifiers first (bundle id, extension id,
 * package name in its format then in any, managed package id, SSO catalog key), then names after
 * `normalizeAppName` (with and without a declared vendor prefix); a version ending in a variant's
 * suffix picks the variant (Firefox ESR). Anything else gets a deterministic `unlisted:` id from its
 * name. Total: never throws, never drops.
 */
export function identifyApp(observation: AppObservation, catalog: AppCatalog = defaultAppCatalog()): AppIdentity {
  const m = new Matcher(catalog);
  collect(m, observation);
  const surface = surfaceOf(observation);
  const hit = m.hit;
  if (hit !== undefined) {
    let entry = hit.entry;
    const variants = catalog.variants.get(entry.id);
    if (variants !== undefined) {
      const version = versionOf(observation);
      if (version !== null && version !== undefined && version !== "") {
        const v = foldCase(version.trim());
        for (const variant of variants) {
          if (v.endsWith(variant.suffix)) {
            entry = variant.entry;
            break;
          }
        }
      }
    }
    return { appId: entry.id, displayName: entry.name, listed: true, matchedBy: hit.kind, matchedKey: hit.key, confidence: hit.confidence, surface, keys: m.keys };
  }
  const fallback = m.fallback;
  const key = fallback?.key ?? "";
  const appId = fallback?.unlistedId ?? unlistedId(key, fallback?.slug ?? "", () => publisherOf(observation));
  return {
    appId,
    displayName: fallback === undefined || fallback.display === "" ? "(unnamed)" : fallback.display,
    listed: false,
    matchedBy: "heuristic",
    matchedKey: fallback?.aliasKey ?? "name:",
    confidence: CONFIDENCE.heuristic,
    surface,
    keys: m.keys,
  };
}

