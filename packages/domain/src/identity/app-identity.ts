import { APP_CATALOG_ENTRIES } from "./app-catalog.data.js";
import { type AppCatalog, type AppCatalogEntry, type AppKeyNamespace, type AppNameLookup, compileAppCatalog, identifierKey } from "./app-catalog.js";
import { foldCase, slugOf } from "./app-name.js";
import type { AppIdentity, AppMatchKind, AppObservation, AppSurface } from "./app-observation.js";

/** Ids of products the catalog does not list start with this; catalog ids never contain `:`. */
export const UNLISTED_PREFIX = "unlisted:";

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

/**
 * Names too generic to be a product on their own ("Agent", "Helper", "Client"): an unlisted app
 * with such a name takes its publisher into its id, so two vendors' "Agent" stay two apps.
 */
const GENERIC_NAMES = new Set([
  "agent", "client", "helper", "updater", "update", "launcher", "tool", "tools", "driver", "drivers", "service", "services",
  "plugin", "plug-in", "plugins", "add-in", "addin", "extension", "connector", "sync", "assistant", "viewer", "manager",
  "utility", "utilities", "runtime", "sdk", "app", "application", "desktop", "installer", "setup", "support", "core",
  "common", "framework", "host", "monitor", "daemon", "cli", "shell", "toolkit", "toolbox", "center", "console", "studio",
  "suite", "system", "software", "server", "uninstaller", "notifier", "web", "browser", "player", "reader", "editor",
]);
/** Legal-form words dropped from a publisher before it goes into an id. */
const COMPANY_SUFFIXES = new Set(["inc", "inc.", "llc", "l.l.c.", "ltd", "ltd.", "limited", "gmbh", "corp", "corp.", "corporation", "co", "co.", "company", "s.a.", "sa", "ag", "bv", "b.v.", "plc", "pty", "oy", "ab", "as", "a/s", "s.r.l.", "srl", "sas", "kk", "k.k."]);
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
  private readonly seenNames: string[] = [];
  /** The first name seen, normalized: the heuristic's input when nothing matches. */
  fallback: AppNameLookup | undefined;

  constructor(readonly catalog: AppCatalog) {}

  identifier(ns: AppKeyNamespace, raw: string | null | undefined, kind: AppMatchKind, confidence = CONFIDENCE[kind]): void {
    if (raw === null || raw === undefined) return;
    const value = identifierKey(raw);
    if (value === "") return;
    const key = `${ns}:${value}`;
    if (this.keys.includes(key)) return;
    this.keys.push(key);
    if (this.hit !== undefined) return;
    const entry = this.catalog.byNamespace.get(ns)?.get(value);
    if (entry !== undefined) this.hit = { entry, kind, key, confidence };
  }

  /** A package name tried in every Linux format, after its own format missed. */
  anyFormat(raw: string): void {
    if (this.hit !== undefined) return;
    const value = identifierKey(raw);
    const entry = this.catalog.byNamespace.get("pkg")?.get(value);
    if (entry !== undefined) this.hit = { entry, kind: "package-name", key: `pkg:${value}`, confidence: ANY_FORMAT_CONFIDENCE };
  }

  name(raw: string | null | undefined, asFallback = true): void {
    if (raw === null || raw === undefined || raw === "") return;
    if (this.seenNames.includes(raw)) return;
    this.seenNames.push(raw);
    const n = this.catalog.lookupName(raw);
    if (n.key === "") return;
    const key = n.aliasKey;
    if (!this.keys.includes(key)) this.keys.push(key);
    if (asFallback && this.fallback === undefined) this.fallback = n;
    if (this.hit !== undefined || n.entry === undefined) return;
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

function publisherSlug(publisher: string): string {
  const words = foldCase(publisher)
    .replace(/[,()]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "");
  while (words.length > 1 && COMPANY_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return slugOf(words.join(" "));
}

/** FNV-1a, 32 bits: a short deterministic tag for names with no letter or digit at all. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * The id of a product the catalog does not list: `unlisted:<slug of the normalized name>`, with
 * `~<publisher>` when the name alone is generic (`unlisted:agent~acme`).
 */
export function unlistedAppId(nameKey: string, publisher?: string | null): string {
  return unlistedId(nameKey, slugOf(nameKey), publisher);
}

function unlistedId(nameKey: string, nameSlug: string, publisher: string | null | undefined): string {
  let slug = nameSlug;
  if (slug === "") slug = nameKey === "" ? "unnamed" : `unnamed-${fnv1a(nameKey)}`;
  // No name at all is as generic as it gets: "(unnamed)", the display name it gets, says the same.
  const generic = GENERIC_NAMES.has(nameKey) || [...nameKey].length <= 2 || slug === "unnamed" || slug.startsWith("unnamed-");
  if (publisher !== null && publisher !== undefined && generic) {
    const pub = publisherSlug(publisher);
    if (pub !== "" && pub !== slug) return `${UNLISTED_PREFIX}${slug}~${pub}`;
  }
  return `${UNLISTED_PREFIX}${slug}`;
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
      m.name(o.name);
      return;
    case "linux-package": {
      const ns = PACKAGE_FORMATS[identifierKey(o.packageFormat ?? "")];
      if (ns === "deb" || ns === "rpm" || ns === "snap" || ns === "flatpak") m.identifier(ns, o.name, "package-name");
      m.anyFormat(o.name);
      m.name(o.name);
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
      const ns = PACKAGE_FORMATS[identifierKey(o.packageManager ?? "")];
      const pkg = o.name ?? o.displayName;
      if (ns !== undefined && pkg !== null && pkg !== undefined) {
        m.identifier(ns, pkg, ns === "choco" || ns === "winget" ? "managed-package-id" : "package-name");
        if (ns !== "choco" && ns !== "winget") m.anyFormat(pkg);
      }
      m.name(o.displayName);
      m.name(o.name);
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
  const appId = unlistedId(key, fallback?.slug ?? "", publisherOf(observation));
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

/** True for an id the catalog cannot hold (`unlisted:…`). */
export function isUnlistedAppId(id: string): boolean {
  return id.startsWith(UNLISTED_PREFIX);
}
