import type { AppCatalog } from "./app-catalog.js";
import { defaultAppCatalog, identifyApp } from "./app-identity.js";
import type { AppIdentity, AppObservation } from "./app-observation.js";
import { applyAppOverrides, type CompiledAppOverrides } from "./app-overrides.js";

/** One observation and the caller's reference to its row (a system id + row key, an SSO app id, …). */
export interface AppSighting<R> {
  readonly ref: R;
  readonly observation: AppObservation;
}

export interface IdentifiedSighting<R> extends AppSighting<R> {
  readonly identity: AppIdentity;
}

/**
 * Everything known about one product, in one row: where it is installed (macOS apps, Windows
 * programs, Linux packages), as browser extensions, as JumpCloud managed apps, as SSO applications,
 * and in software events. Members keep the input's order.
 */
export interface LinkedApp<R> {
  readonly appId: string;
  readonly displayName: string;
  readonly listed: boolean;
  readonly installed: readonly IdentifiedSighting<R>[];
  readonly extensions: readonly IdentifiedSighting<R>[];
  readonly managed: readonly IdentifiedSighting<R>[];
  readonly sso: readonly IdentifiedSighting<R>[];
  readonly events: readonly IdentifiedSighting<R>[];
}

export interface LinkAppsOptions {
  readonly catalog?: AppCatalog;
  readonly overrides?: CompiledAppOverrides;
}

interface Group<R> {
  appId: string;
  listed: boolean;
  installed: IdentifiedSighting<R>[];
  extensions: IdentifiedSighting<R>[];
  managed: IdentifiedSighting<R>[];
  sso: IdentifiedSighting<R>[];
  events: IdentifiedSighting<R>[];
  names: Map<string, number>;
}

/**
 * Identify every sighting (then apply the overrides) and group them by canonical id: an SSO
 * application or a managed app lands in the same row as the installations of the same product.
 * Rows are sorted by `appId`. A catalog or override name is the row's name; an unlisted product's
 * row takes the name most of its sightings show (ties: the first in code-point order), so the row
 * does not depend on input order.
 */
export function linkApps<R>(sightings: Iterable<AppSighting<R>>, options: LinkAppsOptions = {}): LinkedApp<R>[] {
  const catalog = options.overrides?.catalog ?? options.catalog ?? defaultAppCatalog();
  const groups = new Map<string, Group<R>>();
  for (const s of sightings) {
    let identity = identifyApp(s.observation, catalog);
    if (options.overrides !== undefined) identity = applyAppOverrides(identity, options.overrides);
    let g = groups.get(identity.appId);
    if (g === undefined) {
      g = { appId: identity.appId, listed: false, installed: [], extensions: [], managed: [], sso: [], events: [], names: new Map() };
      groups.set(identity.appId, g);
    }
    // A listed app's name comes from the catalog or an override, the same on every sighting; an
    // unlisted one's from the sightings, counted.
    if (identity.listed) {
      if (!g.listed) {
        g.listed = true;
        g.names.clear();
      }
      if (g.names.size === 0) g.names.set(identity.displayName, 1);
    } else if (!g.listed) {
      g.names.set(identity.displayName, (g.names.get(identity.displayName) ?? 0) + 1);
    }
    const member: IdentifiedSighting<R> = { ref: s.ref, observation: s.observation, identity };
    switch (identity.surface) {
      case "installed":
        g.installed.push(member);
        break;
      case "extension":
        g.extensions.push(member);
        break;
      case "managed":
        g.managed.push(member);
        break;
      case "sso":
        g.sso.push(member);
        break;
      case "event":
        g.events.push(member);
        break;
    }
  }
  const out: LinkedApp<R>[] = [];
  for (const g of groups.values()) {
    let best = "";
    let bestCount = -1;
    for (const [name, count] of g.names) {
      if (count > bestCount || (count === bestCount && name < best)) {
        best = name;
        bestCount = count;
      }
    }
    out.push({ appId: g.appId, displayName: best, listed: g.listed, installed: g.installed, extensions: g.extensions, managed: g.managed, sso: g.sso, events: g.events });
  }
  return out.sort((a, b) => (a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
}
