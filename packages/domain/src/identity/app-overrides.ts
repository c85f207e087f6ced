import { type AppCatalog, APP_KEY_NAMESPACES, type AppKeyNamespace, identifierKey } from "./app-catalog.js";
import { defaultAppCatalog } from "./app-identity.js";
import { UNLISTED_PREFIX } from "./app-unlisted-id.js";
import { appNameKey } from "./app-name.js";
import type { AppIdentity } from "./app-observation.js";

/**
 * An operator's correction to the normalizer, defined on stable keys and canonical ids (never on
 * row ids), so it applies again on every sync:
 * - `merge`: every observation of app `from` belongs to app `into` (chains are followed: a → b → c).
 * - `split`: every observation carrying the alias `key` (`name:teams machine-wide installer`,
 *   `bundle:com.acme.tool`, as in `AppIdentity.keys`) becomes app `into` — a catalog id, an id
 *   already seen, or a new `custom:<slug>` id.
 * - `rename`: app `appId` is shown as `displayName`.
 */
export type AppOverride =
  | { readonly kind: "merge"; readonly from: string; readonly into: string; readonly displayName?: string }
  | { readonly kind: "split"; readonly key: string; readonly into: string; readonly displayName: string }
  | { readonly kind: "rename"; readonly appId: string; readonly displayName: string };

/** Ids an operator creates with a split start with this. */
export const CUSTOM_PREFIX = "custom:";

export interface AppOverrideIssue {
  /** Position in the override list. */
  readonly index: number;
  readonly message: string;
}

export class AppOverrideError extends Error {
  constructor(readonly issues: readonly AppOverrideIssue[]) {
    super(`Invalid app overrides (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n- ${issues.map((i) => `overrides[${i.index}]: ${i.message}`).join("\n- ")}`);
    this.name = "AppOverrideError";
  }
}

export interface AppOverrideOptions {
  readonly catalog?: AppCatalog;
  /**
   * Ids that exist beyond the catalog (the apps the store currently holds). When given, an
   * `unlisted:` or `custom:` id referred to by a merge or rename must be one of them or be created by
   * a split; when omitted, such ids are checked for their form only.
   */
  readonly knownIds?: Iterable<string>;
}

/** Overrides validated and indexed: the splits by key, the merges resolved to their final id, the names. */
export interface CompiledAppOverrides {
  readonly splits: ReadonlyMap<string, string>;
  readonly merges: ReadonlyMap<string, string>;
  readonly names: ReadonlyMap<string, string>;
  readonly catalog: AppCatalog;
  /** Overrides superseded by a later one on the same key (kept for display; the later one wins). */
  readonly superseded: readonly number[];
}

const SLUG = /^[\p{L}\p{N}]+(?:[-.+~][\p{L}\p{N}]+)*$/u;

function describe(o: AppOverride): string {
  switch (o.kind) {
    case "merge":
      return `merge "${o.from}" into "${o.into}"`;
    case "split":
      return `split "${o.key}" into "${o.into}"`;
    case "rename":
      return `rename "${o.appId}" to "${o.displayName}"`;
  }
}

/** `name:Teams Machine-Wide Installer` → `name:teams machine-wide`: the key as identities carry it. */
export function normalizeAliasKey(key: string): { key: string } | { error: string } {
  const colon = key.indexOf(":");
  if (colon <= 0) return { error: `alias key "${key}" has no namespace (expected one of ${APP_KEY_NAMESPACES.filter((n) => n !== "pkg").join(", ")}, e.g. "name:slack")` };
  const ns = key.slice(0, colon) as AppKeyNamespace;
  if (!APP_KEY_NAMESPACES.includes(ns) || ns === "pkg") return { error: `alias key "${key}" has an unknown namespace "${ns}" (expected one of ${APP_KEY_NAMESPACES.filter((n) => n !== "pkg").join(", ")})` };
  const raw = key.slice(colon + 1);
  const value = ns === "name" ? appNameKey(raw) : identifierKey(raw);
  if (value === "") return { error: `alias key "${key}" has an empty value` };
  return { key: `${ns}:${value}` };
}

function idForm(id: string, catalog: AppCatalog): string | null {
  if (typeof id !== "string" || id === "") return "an empty app id";
  if (id.startsWith(UNLISTED_PREFIX) || id.startsWith(CUSTOM_PREFIX)) {
    const rest = id.slice(id.indexOf(":") + 1);
    return SLUG.test(rest) ? null : `app id "${id}" is malformed (expected ${id.slice(0, id.indexOf(":") + 1)}<letters, digits and "-">)`;
  }
  return catalog.has(id) ? null : `unknown app id "${id}": not in the catalog (unlisted apps are "unlisted:…", operator-made ones "custom:…")`;
}

function build(overrides: readonly AppOverride[], options: AppOverrideOptions): { compiled: CompiledAppOverrides; issues: AppOverrideIssue[] } {
  const catalog = options.catalog ?? defaultAppCatalog();
  const known = options.knownIds === undefined ? undefined : new Set(options.knownIds);
  const issues: AppOverrideIssue[] = [];
  const splits = new Map<string, { into: string; index: number }>();
  const mergeEdges = new Map<string, { into: string; index: number }>();
  const renames = new Map<string, { name: string; index: number }>();
  const mergeNames = new Map<string, { name: string; index: number }>();
  const splitNames = new Map<string, { name: string; index: number }>();
  const superseded: number[] = [];
  const created = new Set<string>();

  // Splits first: the ids they create are known to the merges and renames that follow, in any order.
  overrides.forEach((o) => {
    if (o.kind === "split") {
      if (typeof o.into === "string" && (o.into.startsWith(CUSTOM_PREFIX) || o.into.startsWith(UNLISTED_PREFIX))) created.add(o.into);
    }
  });
  const exists = (id: string): string | null => {
    const form = idForm(id, catalog);
    if (form !== null) return form;
    if (catalog.has(id) || created.has(id) || known === undefined || known.has(id)) return null;
    return `unknown app id "${id}": not in the catalog, not among the known apps, not created by a split`;
  };
  const displayIssue = (name: unknown): string | null =>
    typeof name !== "string" || name.trim() === "" ? "the display name is empty" : null;

  overrides.forEach((o, index) => {
    const problem = (message: string) => issues.push({ index, message: `${describe(o)}: ${message}` });
    switch (o.kind) {
      case "split": {
        const k = normalizeAliasKey(typeof o.key === "string" ? o.key : "");
        if ("error" in k) problem(k.error);
        const form = idForm(o.into, catalog);
        if (form !== null) problem(form);
        const d = displayIssue(o.displayName);
        if (d !== null) problem(d);
        if ("key" in k && form === null && d === null) {
          const prev = splits.get(k.key);
          if (prev !== undefined) superseded.push(prev.index);
          splits.set(k.key, { into: o.into, index });
          splitNames.set(o.into, { name: o.displayName.trim(), index });
        }
        return;
      }
      case "merge": {
        const a = exists(o.from);
        const b = exists(o.into);
        if (a !== null) problem(a);
        if (b !== null) problem(b);
        if (o.from === o.into) problem("an app cannot be merged into itself");
        if (o.displayName !== undefined && displayIssue(o.displayName) !== null) problem("the display name is empty");
        if (a === null && b === null && o.from !== o.into) {
          const prev = mergeEdges.get(o.from);
          if (prev !== undefined) superseded.push(prev.index);
          mergeEdges.set(o.from, { into: o.into, index });
          if (o.displayName !== undefined && o.displayName.trim() !== "") mergeNames.set(o.into, { name: o.displayName.trim(), index });
        }
        return;
      }
      case "rename": {
        const a = exists(o.appId);
        if (a !== null) problem(a);
        const d = displayIssue(o.displayName);
        if (d !== null) problem(d);
        if (a === null && d === null) {
          const prev = renames.get(o.appId);
          if (prev !== undefined) superseded.push(prev.index);
          renames.set(o.appId, { name: o.displayName.trim(), index });
        }
        return;
      }
      default: {
        const kind = (o as { kind?: unknown }).kind;
        issues.push({ index, message: `unknown override kind ${JSON.stringify(kind)} (expected "merge", "split" or "rename")` });
      }
    }
  });

  // Merges resolve to their end; a cycle is reported once, at its first override in list order.
  const merges = new Map<string, string>();
  const reported = new Set<string>();
  for (const from of [...mergeEdges.keys()].sort((x, y) => mergeEdges.get(x)!.index - mergeEdges.get(y)!.index)) {
    const path = [from];
    let at = from;
    let cyclic = false;
    for (;;) {
      const next = mergeEdges.get(at);
      if (next === undefined) break;
      if (path.includes(next.into)) {
        cyclic = true;
        path.push(next.into);
        break;
      }
      path.push(next.into);
      at = next.into;
    }
    if (cyclic) {
      const loop = path.slice(path.indexOf(path[path.length - 1]!));
      const members = [...new Set(loop)].sort().join(",");
      if (!reported.has(members)) {
        reported.add(members);
        const first = Math.min(...loop.slice(0, -1).map((id) => mergeEdges.get(id)!.index));
        issues.push({ index: first, message: `merges form a cycle: ${loop.map((id) => `"${id}"`).join(" → ")}` });
      }
      continue;
    }
    merges.set(from, path[path.length - 1]!);
  }

  // Every id an override leaves in use needs a name: catalog ids have one; an unlisted or custom
  // target of a merge needs one from the merge, a split or a rename, or its rows would disagree.
  const names = new Map<string, string>();
  for (const [id, v] of splitNames) names.set(id, v.name);
  for (const [id, v] of mergeNames) names.set(id, v.name);
  for (const [id, v] of renames) names.set(id, v.name);
  for (const [from, edge] of mergeEdges) {
    const final = merges.get(from);
    if (final === undefined) continue;
    if (!catalog.has(final) && !names.has(final)) {
      issues.push({ index: edge.index, message: `${describe({ kind: "merge", from, into: edge.into })}: "${final}" is not in the catalog: give the merge a displayName (or rename "${final}") so all its rows show one name` });
    }
  }
  const resolvedSplits = new Map<string, string>();
  for (const [key, v] of splits) resolvedSplits.set(key, v.into);
  issues.sort((x, y) => x.index - y.index);
  return { compiled: { splits: resolvedSplits, merges, names, catalog, superseded: superseded.sort((x, y) => x - y) }, issues };
}

/** Every problem of an override list (empty when it compiles): unknown ids, cycles, malformed keys, empty names. */
export function validateAppOverrides(overrides: readonly AppOverride[], options: AppOverrideOptions = {}): AppOverrideIssue[] {
  return build(overrides, options).issues;
}

/** Validate and index an ordered override list; throws `AppOverrideError` listing every problem. */
export function compileAppOverrides(overrides: readonly AppOverride[], options: AppOverrideOptions = {}): CompiledAppOverrides {
  const { compiled, issues } = build(overrides, options);
  if (issues.length > 0) throw new AppOverrideError(issues);
  return compiled;
}

/**
 * Apply compiled overrides to one identity: the strongest of its keys that has a split decides
 * first, then merges are followed to their end, then the final id's name applies (rename, else the
 * merge's or split's name, else the catalog's). Pure and deterministic; overrides on different keys
 * commute, and on the same key the later one wins.
 */
export function applyAppOverrides(identity: AppIdentity, overrides: CompiledAppOverrides): AppIdentity {
  let id = identity.appId;
  let changed = false;
  if (overrides.splits.size > 0) {
    for (const key of identity.keys) {
      const into = overrides.splits.get(key);
      if (into !== undefined) {
        changed = into !== id;
        id = into;
        break;
      }
    }
  }
  const merged = overrides.merges.get(id);
  if (merged !== undefined) {
    id = merged;
    changed = true;
  }
  const named = overrides.names.get(id);
  const name = named ?? overrides.catalog.get(id)?.name ?? identity.displayName;
  // Listed: in the catalog, or named by an override — the same for every row of the app.
  const listed = identity.listed || named !== undefined || (changed && overrides.catalog.has(id));
  if (!changed) return name === identity.displayName && listed === identity.listed ? identity : { ...identity, displayName: name, listed };
  return { ...identity, appId: id, displayName: name, listed, matchedBy: "override", confidence: 1 };
}

/**
 * A stored override list as a read applies it: every override with a problem is skipped and
 * reported, the rest apply. Overrides are validated when written, but a stored list can still fail
 * later (the shipped catalog drops an id, a document written by another version or by hand), and a
 * read must not fail on it. Skipping one override can leave another without what it needed (a
 * merge into an id only a skipped split created): repeated until the rest compiles. `index` in the
 * skipped issues and in `superseded` is the position in the stored list.
 */
export function compileStoredAppOverrides(stored: unknown, options: AppOverrideOptions = {}): { compiled: CompiledAppOverrides; skipped: AppOverrideIssue[] } {
  const skipped: AppOverrideIssue[] = [];
  if (!Array.isArray(stored)) {
    if (stored !== undefined && stored !== null) skipped.push({ index: 0, message: "the stored overrides are not a list: none applied" });
    return { compiled: build([], options).compiled, skipped };
  }
  let kept: { override: AppOverride; index: number }[] = [];
  (stored as unknown[]).forEach((o, index) => {
    if (typeof o === "object" && o !== null && !Array.isArray(o)) kept.push({ override: o as AppOverride, index });
    else skipped.push({ index, message: `not an override: ${JSON.stringify(o)}` });
  });
  for (;;) {
    const { compiled, issues } = build(
      kept.map((k) => k.override),
      options,
    );
    if (issues.length === 0) {
      const at = (i: number): number => kept[i]!.index;
      return { compiled: { ...compiled, superseded: compiled.superseded.map(at) }, skipped: skipped.sort((x, y) => x.index - y.index) };
    }
    const bad = new Set(issues.map((i) => i.index));
    for (const i of issues) skipped.push({ index: kept[i.index]!.index, message: i.message });
    kept = kept.filter((_, i) => !bad.has(i));
  }
}
