import { foldCase, slugOf } from "./app-name.js";

/** Ids of products the catalog does not list start with this; catalog ids never contain `:`. */
export const UNLISTED_PREFIX = "unlisted:";

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
  return unlistedId(nameKey, slugOf(nameKey), () => publisher);
}

/**
 * Too generic to be a product alone (its unlisted id takes the publisher): a generic word, two
 * letters or fewer, or no name at all — "(unnamed)", the display name it gets, says the same.
 */
export function isGenericName(nameKey: string, slug: string): boolean {
  return (nameKey.length <= 4 && [...nameKey].length <= 2) || GENERIC_NAMES.has(nameKey) || slug === "" || slug === "unnamed" || slug.startsWith("unnamed-");
}

/** The publisher is read only for a generic name (most are not). @internal */
export function unlistedId(nameKey: string, nameSlug: string, publisherOf: () => string | null | undefined): string {
  let slug = nameSlug;
  if (slug === "") slug = nameKey === "" ? "unnamed" : `unnamed-${fnv1a(nameKey)}`;
  const publisher = isGenericName(nameKey, slug) ? publisherOf() : null;
  if (publisher !== null && publisher !== undefined) {
    const pub = publisherSlug(publisher);
    if (pub !== "" && pub !== slug) return `${UNLISTED_PREFIX}${slug}~${pub}`;
  }
  return `${UNLISTED_PREFIX}${slug}`;
}

/** True for an id the catalog cannot hold (`unlisted:…`). */
export function isUnlistedAppId(id: string): boolean {
  return id.startsWith(UNLISTED_PREFIX);
}
