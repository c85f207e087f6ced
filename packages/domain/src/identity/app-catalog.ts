import { appNameKey, foldCase, normalizeAppName, slugOf } from "./app-name.js";
import { isGenericName, unlistedId } from "./app-unlisted-id.js";

/** What a product is for; the catalog's grouping, shown in listings. */
export type AppCategory =
  | "browser"
  | "communication"
  | "productivity"
  | "developer"
  | "security"
  | "design"
  | "storage"
  | "media"
  | "utility"
  | "saas";

/** Linux package names per `package_format`. */
export interface AppCatalogPackages {
  readonly deb?: readonly string[];
  readonly rpm?: readonly string[];
  readonly snap?: readonly string[];
  readonly flatpak?: readonly string[];
}

/**
 * One product of the catalog: its canonical id and name, and every alias it shows up under. Names
 * are matched after `normalizeAppName` (so `Slack.app`, `Slack (Machine - MSI)` and `slack` need one
 * entry, `Slack`); every identifier is matched exactly, case-insensitively.
 */
export interface AppCatalogEntry {
  /** Canonical id: lowercase letters, digits and `-` (never `:`, which marks unlisted ids). */
  readonly id: string;
  /** Display name. Also an alias. */
  readonly name: string;
  readonly vendor: string;
  readonly category: AppCategory;
  /** Other names across platforms: Mac app names, Windows program names, SSO display names, extension names. */
  readonly names?: readonly string[];
  /**
   * Vendor words a name may start with ("Microsoft Visual Studio Code"): a name that misses the
   * index is looked up again without the prefix, and matches only a product that declares it.
   */
  readonly vendorPrefixes?: readonly string[];
  /**
   * Words of the Windows publisher, when the product's names are common words ("Signal", "Box",
   * "Arc"): a program or software event with a publisher matches the product by name only if its
   * publisher has one of these words. Identifiers are not affected.
   */
  readonly publishers?: readonly string[];
  /** macOS bundle identifiers (System Insights `apps.bundle_identifier`, managed app `bundleId`). */
  readonly bundleIds?: readonly string[];
  readonly packages?: AppCatalogPackages;
  /** Browser extension ids: only ids known for certain (none rather than a guess). */
  readonly extensions?: { readonly chrome?: readonly string[]; readonly firefox?: readonly string[]; readonly safari?: readonly string[] };
  /** Package ids of managed apps (`settings.packageId`). */
  readonly managed?: { readonly chocolatey?: readonly string[]; readonly winget?: readonly string[] };
  /** JumpCloud SSO catalog keys (application `name`). */
  readonly ssoKeys?: readonly string[];
  /**
   * Another product of the catalog that shares this one's identifiers and is told apart by its
   * version: Firefox ESR has Firefox's bundle id, and a version ending in `esr`.
   */
  readonly variants?: readonly { readonly id: string; readonly versionEndsWith: string }[];
  /** Products this one must never merge with (checked by the catalog's tests). */
  readonly distinctFrom?: readonly string[];
  /** Why the product has fewer than two aliases, when it has. */
  readonly note?: string;
}

/** Namespaces of identifier keys, as they appear in `AppIdentity.keys` (`bundle:com.tinyspeck.slackmacgap`). */
export type AppKeyNamespace =
  | "bundle"
  | "chrome"
  | "firefox"
  | "safari"
  | "deb"
  | "rpm"
  | "snap"
  | "flatpak"
  | "pkg"
  | "choco"
  | "winget"
  | "sso"
  | "name";

export const APP_KEY_NAMESPACES: readonly AppKeyNamespace[] = ["bundle", "chrome", "firefox", "safari", "deb", "rpm", "snap", "flatpak", "pkg", "choco", "winget", "sso", "name"];

const ID_PATTERN = /^[a-z0-9]+(?:[-.+][a-z0-9]+)*$/;

/** Normalization of an identifier value: trimmed and case-folded. */
export function identifierKey(value: string): string {
  return foldCase(value.trim());
}

/** Every alias key of an entry, `namespace:value`, deduplicated, in a stable order. */
export function aliasKeysOf(entry: AppCatalogEntry): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (ns: AppKeyNamespace, v: string) => {
    const k = `${ns}:${ns === "name" ? appNameKey(v) : identifierKey(v)}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(k);
    }
  };
  add("name", entry.name);
  for (const n of entry.names ?? []) add("name", n);
  for (const b of entry.bundleIds ?? []) add("bundle", b);
  const p = entry.packages;
  for (const v of p?.deb ?? []) add("deb", v);
  for (const v of p?.rpm ?? []) add("rpm", v);
  for (const v of p?.snap ?? []) add("snap", v);
  for (const v of p?.flatpak ?? []) add("flatpak", v);
  for (const v of entry.extensions?.chrome ?? []) add("chrome", v);
  for (const v of entry.extensions?.firefox ?? []) add("firefox", v);
  for (const v of entry.extensions?.safari ?? []) add("safari", v);
  for (const v of entry.managed?.chocolatey ?? []) add("choco", v);
  for (const v of entry.managed?.winget ?? []) add("winget", v);
  for (const v of entry.ssoKeys ?? []) add("sso", v);
  return out;
}

/** A catalog that does not hold together: every problem, each naming the products involved. */
export class AppCatalogError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid app catalog (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n- ${issues.join("\n- ")}`);
    this.name = "AppCatalogError";
  }
}

/** A raw name, normalized and looked up: what `identifyApp` needs of a name. */
export interface AppNameLookup {
  readonly key: string;
  readonly display: string;
  /** `name:<key>`, as in `AppIdentity.keys`. */
  readonly aliasKey: string;
  /** `slugOf(key)`: what an unlisted id is made of. */
  readonly slug: string;
  /** The unlisted id of the name when it is not generic (so needs no publisher). */
  readonly unlistedId: string | undefined;
  /** The product the name matched, if any, and whether only without a vendor prefix. */
  readonly entry: AppCatalogEntry | undefined;
  readonly viaPrefix: boolean;
}

/** An identifier, keyed (`""` when blank) and looked up. */
export interface AppIdentifierLookup {
  readonly key: string;
  readonly entry: AppCatalogEntry | undefined;
}

/**
 * Inventories repeat the same names on every device: the lookups of recent names are remembered.
 * A pure function's memo (same answer with or without it), bounded: cleared when full.
 */
const NAME_CACHE_SIZE = 50_000;
const CACHED_NAME_MAX_LENGTH = 256;

interface Variant {
  readonly entry: AppCatalogEntry;
  readonly suffix: string;
}

/**
 * The catalog compiled for lookups: one map per identifier namespace, one for names, the vendor
 * prefixes. Built once (`compileAppCatalog`), then read-only.
 */
export class AppCatalog {
  /** @internal */ readonly byNamespace: ReadonlyMap<AppKeyNamespace, ReadonlyMap<string, AppCatalogEntry>>;
  /** @internal */ readonly prefixes: ReadonlyMap<string, ReadonlySet<string>>;
  /** @internal */ readonly maxPrefixWords: number;
  /** @internal */ readonly variants: ReadonlyMap<string, readonly Variant[]>;
  readonly entries: readonly AppCatalogEntry[];
  private readonly byId: ReadonlyMap<string, AppCatalogEntry>;

  /** @internal Use `compileAppCatalog`. */
  constructor(
    entries: readonly AppCatalogEntry[],
    byNamespace: Map<AppKeyNamespace, Map<string, AppCatalogEntry>>,
    prefixes: Map<string, Set<string>>,
    variants: Map<string, Variant[]>,
    private readonly nameCacheSize: number,
  ) {
    this.entries = entries;
    this.names = byNamespace.get("name")!;
    this.prefixFirstWords = new Set([...prefixes.keys()].map((p) => p.split(" ")[0]!));
    this.byId = new Map(entries.map((e) => [e.id, e]));
    this.byNamespace = byNamespace;
    this.prefixes = prefixes;
    let max = 0;
    for (const p of prefixes.keys()) max = Math.max(max, p.split(" ").length);
    this.maxPrefixWords = max;
    this.variants = variants;
  }

  private nameCache = new Map<string, AppNameLookup>();
  private readonly names: ReadonlyMap<string, AppCatalogEntry>;
  /** First words of the vendor prefixes: a name starting otherwise skips the prefix search. */
  private readonly prefixFirstWords: ReadonlySet<string>;

  private idCaches = new Map<AppKeyNamespace, Map<string, AppIdentifierLookup>>();

  /** An identifier (`com.google.Chrome` as a bundle id) as a key (`bundle:com.google.chrome`) and its product. */
  lookupIdentifier(ns: AppKeyNamespace, raw: string): AppIdentifierLookup {
    let cache = this.idCaches.get(ns);
    const cached = cache?.get(raw);
    if (cached !== undefined) return cached;
    const value = identifierKey(raw);
    const result: AppIdentifierLookup = { key: value === "" ? "" : `${ns}:${value}`, entry: value === "" ? undefined : this.byNamespace.get(ns)?.get(value) };
    if (this.nameCacheSize > 0 && raw.length <= CACHED_NAME_MAX_LENGTH) {
      if (cache === undefined || cache.size >= this.nameCacheSize) this.idCaches.set(ns, (cache = new Map<string, AppIdentifierLookup>()));
      cache.set(raw, result);
    }
    return result;
  }

  /** Normalize a raw name and find its product: by name, else without a declared vendor prefix. */
  lookupName(raw: string): AppNameLookup {
    const cached = this.nameCacheSize > 0 ? this.nameCache.get(raw) : undefined;
    if (cached !== undefined) return cached;
    const n = normalizeAppName(raw);
    let entry: AppCatalogEntry | undefined;
    let viaPrefix = false;
    if (n.key !== "") {
      entry = this.names.get(n.key);
      // "Microsoft Visual Studio Code": retry without a vendor prefix the matched product declares.
      const first = n.key.indexOf(" ");
      if (entry === undefined && first > 0 && this.prefixFirstWords.has(n.key.slice(0, first))) {
        let space = -1;
        for (let w = 1; w <= this.maxPrefixWords; w += 1) {
          space = n.key.indexOf(" ", space + 1);
          if (space < 0) break;
          const owners = this.prefixes.get(n.key.slice(0, space));
          if (owners === undefined) continue;
          const rest = this.names.get(n.key.slice(space + 1));
          if (rest !== undefined && owners.has(rest.id)) {
            entry = rest;
            viaPrefix = true;
            break;
          }
        }
      }
    }
    // Also for names the catalog knows: a Linux package's name makes an unlisted id even then.
    const slug = slugOf(n.key);
    const plainId = isGenericName(n.key, slug) ? undefined : unlistedId(n.key, slug, () => null);
    const result: AppNameLookup = { key: n.key, display: n.display, aliasKey: `name:${n.key}`, slug, unlistedId: plainId, entry, viaPrefix };
    // Only names of a plausible length are remembered: a hostile megabyte-long name is not kept.
    if (this.nameCacheSize > 0 && raw.length <= CACHED_NAME_MAX_LENGTH) {
      if (this.nameCache.size >= this.nameCacheSize) this.nameCache = new Map();
      this.nameCache.set(raw, result);
    }
    return result;
  }

  get size(): number {
    return this.entries.length;
  }

  get(id: string): AppCatalogEntry | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The product an alias key (`name:slack`, `bundle:com.google.chrome`) belongs to. */
  lookupKey(key: string): AppCatalogEntry | undefined {
    const colon = key.indexOf(":");
    if (colon < 0) return undefined;
    const ns = key.slice(0, colon) as AppKeyNamespace;
    return this.byNamespace.get(ns)?.get(key.slice(colon + 1));
  }
}

export interface CompileAppCatalogOptions {
  /**
   * How many recent raw names the catalog remembers the lookup of (default 50,000; 0: none).
   * Inventories repeat the same names on every device; the answer is the same either way.
   */
  readonly nameCacheSize?: number;
}

/** Every problem of a catalog; empty when it compiles. */
export function checkAppCatalog(entries: readonly AppCatalogEntry[]): string[] {
  return build(entries, 0).issues;
}

/** Compile a catalog into its lookup index; throws `AppCatalogError` listing every problem. */
export function compileAppCatalog(entries: readonly AppCatalogEntry[], options: CompileAppCatalogOptions = {}): AppCatalog {
  const built = build(entries, Math.max(0, Math.floor(options.nameCacheSize ?? NAME_CACHE_SIZE)));
  if (built.issues.length > 0) throw new AppCatalogError(built.issues);
  return built.catalog;
}

function build(entries: readonly AppCatalogEntry[], nameCacheSize: number): { catalog: AppCatalog; issues: string[] } {
  const issues: string[] = [];
  const ids = new Set<string>();
  for (const e of entries) {
    if (!ID_PATTERN.test(e.id)) issues.push(`product id "${e.id}" is not lowercase letters, digits and "-" (ids with ":" are reserved for unlisted apps)`);
    if (ids.has(e.id)) issues.push(`product id "${e.id}" is listed twice`);
    ids.add(e.id);
    if (appNameKey(e.name) === "") issues.push(`product "${e.id}" has an empty name`);
  }
  const byNamespace = new Map<AppKeyNamespace, Map<string, AppCatalogEntry>>(APP_KEY_NAMESPACES.map((ns) => [ns, new Map()]));
  const owner = new Map<string, string>();
  const claim = (ns: AppKeyNamespace, value: string, e: AppCatalogEntry, what: string) => {
    const k = `${ns}:${value}`;
    const prev = owner.get(k);
    if (prev !== undefined && prev !== e.id) {
      issues.push(`alias ${k} (${what}) maps to two products: "${prev}" and "${e.id}"`);
      return;
    }
    owner.set(k, e.id);
    byNamespace.get(ns)!.set(value, e);
  };
  const prefixes = new Map<string, Set<string>>();
  const variants = new Map<string, Variant[]>();
  for (const e of entries) {
    const keys = aliasKeysOf(e);
    for (const k of keys) {
      const colon = k.indexOf(":");
      const ns = k.slice(0, colon) as AppKeyNamespace;
      const value = k.slice(colon + 1);
      if (value === "") {
        issues.push(`product "${e.id}" has an empty ${ns} alias`);
        continue;
      }
      claim(ns, value, e, ns === "name" ? "a name after normalization" : "an identifier");
      // A package name in any format: what a row with an unknown or unexpected format is matched on.
      if (ns === "deb" || ns === "rpm" || ns === "snap" || ns === "flatpak") claim("pkg", value, e, `a ${ns} package name, matched in any format`);
    }
    if (keys.length < 2 && (e.note === undefined || e.note.trim() === "")) {
      issues.push(`product "${e.id}" has ${keys.length} alias${keys.length === 1 ? "" : "es"}: give it another or a note saying why`);
    }
    for (const p of e.vendorPrefixes ?? []) {
      const pk = appNameKey(p);
      if (pk === "") {
        issues.push(`product "${e.id}" has an empty vendor prefix`);
        continue;
      }
      let set = prefixes.get(pk);
      if (set === undefined) prefixes.set(pk, (set = new Set()));
      set.add(e.id);
    }
    for (const v of e.variants ?? []) {
      if (!ids.has(v.id)) issues.push(`product "${e.id}" has a variant "${v.id}" that is not in the catalog`);
      if (v.versionEndsWith.trim() === "") issues.push(`product "${e.id}" has a variant "${v.id}" with an empty version suffix`);
    }
    for (const d of e.distinctFrom ?? []) if (!ids.has(d)) issues.push(`product "${e.id}" is distinct from "${d}", which is not in the catalog`);
  }
  const byIdMap = new Map(entries.map((e) => [e.id, e]));
  for (const e of entries) {
    for (const v of e.variants ?? []) {
      const target = byIdMap.get(v.id);
      if (target === undefined) continue;
      let list = variants.get(e.id);
      if (list === undefined) variants.set(e.id, (list = []));
      list.push({ entry: target, suffix: foldCase(v.versionEndsWith.trim()) });
    }
  }
  return { catalog: new AppCatalog(entries, byNamespace, prefixes, variants, nameCacheSize), issues };
}
