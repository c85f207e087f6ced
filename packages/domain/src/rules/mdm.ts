import type { Tracked } from "../model/directory.js";
import {
  appDeviceKey,
  deviceBindingKey,
  installationKey,
  INSTALLATION_SOURCES,
  isInstalledState,
  SOFTWARE_EVENT_TYPES,
  type AppDeviceKey,
  type Device,
  type DeviceBinding,
  type DeviceBindingKey,
  type DeviceChangeSet,
  type DeviceSnapshot,
  type DeviceState,
  type InstalledApp,
  type Installation,
  type InstallationEvidenceKind,
  type InstallationKey,
  type InstallationSource,
  type ManagedApp,
  type ManagedAppChangeSet,
  type ManagedAppLink,
  type ManagedAppSetting,
  type ManagedAppSnapshot,
  type ManagedAppState,
  type ManagedAppStatus,
  type SoftwareEvent,
  type SoftwareEventType,
  type StoredInstallation,
  type UserInstalledApp,
} from "../model/mdm.js";
import { applyEntityChanges, countLive, diffEntities, entityChangeCount, sameArray } from "./entity-changes.js";
import { DEFAULT_MASS_DELETION_GUARD, type MassDeletionGuard } from "./reconcile.js";
import { normalizeTimestamp } from "./usage.js";

// ---- app keys --------------------------------------------------------------------------------

/**
 * The app key of a name: Unicode NFKC, lower case, every run of whitespace (and `_`) one space,
 * trimmed; null when nothing is left. Deterministic and source-independent, so a managed app
 * named "Google Chrome" and a `software_add` of "google  chrome" on the same device are one app.
 * Package managers are deliberately not part of the key (they differ between sources for one
 * product); issue 12's identity normalizer later maps keys to canonical apps.
 */
export function appKeyOf(name: string | null | undefined): string | null {
  if (typeof name !== "string") return null;
  const cached = APP_KEYS.get(name);
  if (cached !== undefined) return cached;
  const normalized = name.normalize("NFKC").toLowerCase().replace(/[\s_]+/gu, " ").trim();
  const key = normalized === "" ? null : normalized;
  // Names repeat across hundreds of thousands of events: remember a bounded number of them.
  if (APP_KEYS.size >= 50_000) APP_KEYS.clear();
  APP_KEYS.set(name, key);
  return key;
}
const APP_KEYS = new Map<string, string | null>();

/** A managed app's key: from its display name; `softwareapp:<id>` when it has none. */
export function managedAppKey(app: Pick<ManagedApp, "id" | "displayName">): string {
  return appKeyOf(app.displayName) ?? `softwareapp:${app.id}`;
}

// ---- snapshot reconciliation ----------------------------------------------------------------

export interface MdmReconcileOptions {
  readonly now: Date;
  /** Applies to live devices (devices stream) and live managed apps (managed-apps stream). */
  readonly guard?: MassDeletionGuard;
  readonly force?: boolean;
}

export type MdmReconcileResult<C> =
  | { readonly status: "ok"; readonly changes: C }
  | {
      readonly status: "refused";
      readonly reason: string;
      readonly removed: number;
      readonly live: number;
      /** What would have been applied had the snapshot been accepted. */
      readonly changes: C;
    };

function guarded<C>(changes: C, what: string, removed: number, live: number, options: MdmReconcileOptions): MdmReconcileResult<C> {
  if (options.force === true) return { status: "ok", changes };
  const guard = options.guard ?? DEFAULT_MASS_DELETION_GUARD;
  if (live < guard.minPopulation || removed <= live * guard.maxRemovedShare) return { status: "ok", changes };
  return {
    status: "refused",
    reason:
      `Refused as suspicious: the snapshot would remove ${removed} of ${live} ${what} (${Math.round((removed / live) * 100)}%, more than the ` +
      `${Math.round(guard.maxRemovedShare * 100)}% allowed). An empty or truncated listing upstream looks like this; force the snapshot if the removals are real.`,
    removed,
    live,
    changes,
  };
}

/**
 * Compares the stored devices and bindings with a complete fresh listing (like
 * `reconcileDirectory`): O(changes), empty when nothing changed, idempotent; missing records
 * become tombstones. Guarded against mass deletion of devices.
 */
export function reconcileDevices(previous: DeviceState, observed: DeviceSnapshot, options: MdmReconcileOptions): MdmReconcileResult<DeviceChangeSet> {
  const at = options.now.toISOString();
  const changes: DeviceChangeSet = {
    devices: diffEntities(previous.devices, observed.devices, (d) => d.id, sameDevice, at),
    bindings: diffEntities<DeviceBinding, DeviceBindingKey>(previous.bindings, observed.bindings, deviceBindingKey, sameBinding, at),
  };
  return guarded(changes, "devices", changes.devices.removed.length, countLive(previous.devices), options);
}

export function applyDeviceChanges(state: DeviceState, changes: DeviceChangeSet): DeviceState {
  return {
    devices: applyEntityChanges(state.devices, changes.devices, (d) => d.id),
    bindings: applyEntityChanges<DeviceBinding, DeviceBindingKey>(state.bindings, changes.bindings, deviceBindingKey),
  };
}

export function deviceChangeCount(changes: DeviceChangeSet): number {
  return entityChangeCount(changes.devices) + entityChangeCount(changes.bindings);
}

export function isEmptyDeviceChangeSet(changes: DeviceChangeSet): boolean {
  return deviceChangeCount(changes) === 0;
}

/**
 * Compares the stored managed software with a complete fresh listing: apps, per-device statuses
 * (every state kept), app–device links, and the `managed` installation rows derived from the
 * `INSTALLED` statuses (`managedInstallations`). Guarded against mass deletion of apps.
 */
export function reconcileManagedApps(previous: ManagedAppState, observed: ManagedAppSnapshot, options: MdmReconcileOptions): MdmReconcileResult<ManagedAppChangeSet> {
  const at = options.now.toISOString();
  const installations = managedInstallations(observed, previous, options.now);
  const changes: ManagedAppChangeSet = {
    apps: diffEntities(previous.apps, observed.apps, (a) => a.id, sameManagedApp, at),
    statuses: diffEntities<ManagedAppStatus, AppDeviceKey>(previous.statuses, observed.statuses, appDeviceKey, sameManagedAppStatus, at),
    links: diffEntities<ManagedAppLink, AppDeviceKey>(previous.links, mergeLinks(observed.links), appDeviceKey, sameManagedAppLink, at),
    installations: diffEntities<Installation, InstallationKey>(previous.installations, installations, installationKey, sameInstallation, at),
  };
  return guarded(changes, "managed apps", changes.apps.removed.length, countLive(previous.apps), options);
}

export function applyManagedAppChanges(state: ManagedAppState, changes: ManagedAppChangeSet): ManagedAppState {
  return {
    apps: applyEntityChanges(state.apps, changes.apps, (a) => a.id),
    statuses: applyEntityChanges<ManagedAppStatus, AppDeviceKey>(state.statuses, changes.statuses, appDeviceKey),
    links: applyEntityChanges<ManagedAppLink, AppDeviceKey>(state.links, changes.links, appDeviceKey),
    installations: applyEntityChanges<Installation, InstallationKey>(state.installations, changes.installations, installationKey),
  };
}

export function managedAppChangeCount(changes: ManagedAppChangeSet): number {
  return entityChangeCount(changes.apps) + entityChangeCount(changes.statuses) + entityChangeCount(changes.links) + entityChangeCount(changes.installations);
}

export function isEmptyManagedAppChangeSet(changes: ManagedAppChangeSet): boolean {
  return managedAppChangeCount(changes) === 0;
}

/**
 * The `managed` installation rows a listing implies: one per `INSTALLED` status (first row per app ×
 * device), keyed by the app's {@link managedAppKey} with the app id as `sourceRef`. The first seen
 * instant survives re-listing (taken from the stored live row), so an unchanged listing implies
 * unchanged rows; it is the status timestamp the first time, or `now` without one. A status whose
 * app is in neither the listing nor the store cannot be named and implies no row.
 */
export function managedInstallations(observed: ManagedAppSnapshot, previous: Pick<ManagedAppState, "apps" | "installations">, now: Date): Installation[] {
  const apps = new Map<string, ManagedApp>();
  for (const a of observed.apps) if (!apps.has(a.id)) apps.set(a.id, a);
  const out: Installation[] = [];
  const seen = new Set<AppDeviceKey>();
  const nowIso = now.toISOString();
  for (const s of observed.statuses) {
    const k = appDeviceKey(s);
    if (seen.has(k)) continue;
    seen.add(k);
    if (!isInstalledState(s.state)) continue;
    const app = apps.get(s.appId) ?? previous.apps.get(s.appId);
    if (app === undefined) continue;
    const base = { deviceId: s.deviceId, appKey: managedAppKey(app), source: "managed" as const, sourceRef: app.id };
    const before = previous.installations.get(installationKey(base));
    const live = before !== undefined && before.removedAt === null ? before : undefined;
    const reported = s.timestamp === null ? null : normalizeTimestamp(s.timestamp);
    const firstSeenAt = live?.firstSeenAt ?? reported ?? nowIso;
    const lastSeenAt = latest(latest(live?.lastSeenAt ?? null, reported), firstSeenAt);
    out.push({
      ...base,
      name: app.displayName,
      version: s.version,
      packageManager: firstSetting(app)?.packageManager ?? null,
      firstSeenAt,
      lastSeenAt,
      evidenceAt: lastSeenAt ?? firstSeenAt,
      evidenceId: k,
      evidenceKind: "status",
    });
  }
  return out;
}

function firstSetting(app: ManagedApp): ManagedAppSetting | undefined {
  return app.settings[0];
}

/** Several listed paths for one app × device (direct, group A, group B) are one link. */
export function mergeLinks(links: readonly ManagedAppLink[]): readonly ManagedAppLink[] {
  const merged = new Map<AppDeviceKey, ManagedAppLink>();
  let duplicated = false;
  for (const l of links) {
    const key = appDeviceKey(l);
    const prior = merged.get(key);
    if (prior === undefined) {
      merged.set(key, l);
      continue;
    }
    duplicated = true;
    merged.set(key, { ...prior, direct: prior.direct || l.direct, groupIds: [...new Set([...prior.groupIds, ...l.groupIds])].sort() });
  }
  return duplicated ? [...merged.values()] : links;
}

export function sameDevice(a: Device, b: Device): boolean {
  return (
    a.id === b.id &&
    a.hostname === b.hostname &&
    a.displayName === b.displayName &&
    a.serialNumber === b.serialNumber &&
    a.os === b.os &&
    a.osFamily === b.osFamily &&
    a.version === b.version &&
    a.arch === b.arch &&
    a.lastContact === b.lastContact &&
    a.active === b.active &&
    a.agentVersion === b.agentVersion &&
    a.systemInsights === b.systemInsights &&
    a.createdAt === b.createdAt &&
    (a.mdm === null || b.mdm === null
      ? a.mdm === b.mdm
      : a.mdm.vendor === b.mdm.vendor &&
        a.mdm.enrollmentType === b.mdm.enrollmentType &&
        a.mdm.dep === b.mdm.dep &&
        a.mdm.userApproved === b.mdm.userApproved &&
        a.mdm.providerId === b.mdm.providerId)
  );
}

export function sameBinding(a: DeviceBinding, b: DeviceBinding): boolean {
  return a.deviceId === b.deviceId && a.userId === b.userId;
}

export function sameManagedApp(a: ManagedApp, b: ManagedApp): boolean {
  if (a.id !== b.id || a.displayName !== b.displayName || a.createdAt !== b.createdAt || a.updatedAt !== b.updatedAt) return false;
  if (a.settings.length !== b.settings.length) return false;
  return a.settings.every((s, i) => {
    const t = b.settings[i];
    return (
      t !== undefined &&
      s.packageId === t.packageId &&
      s.packageManager === t.packageManager &&
      s.bundleId === t.bundleId &&
      s.desiredState === t.desiredState &&
      s.packageVersion === t.packageVersion &&
      s.displayVersion === t.displayVersion &&
      s.autoUpdate === t.autoUpdate &&
      s.location === t.location &&
      s.scope === t.scope &&
      s.adminIntent === t.adminIntent &&
      s.teamId === t.teamId
    );
  });
}

export function sameManagedAppStatus(a: ManagedAppStatus, b: ManagedAppStatus): boolean {
  return (
    a.appId === b.appId &&
    a.deviceId === b.deviceId &&
    a.state === b.state &&
    a.version === b.version &&
    a.timestamp === b.timestamp &&
    a.details === b.details &&
    a.code === b.code
  );
}

export function sameManagedAppLink(a: ManagedAppLink, b: ManagedAppLink): boolean {
  return a.appId === b.appId && a.deviceId === b.deviceId && a.direct === b.direct && sameArray(a.groupIds, b.groupIds);
}

export function sameInstallation(a: Installation, b: Installation): boolean {
  return (
    a.deviceId === b.deviceId &&
    a.appKey === b.appKey &&
    a.source === b.source &&
    a.sourceRef === b.sourceRef &&
    a.name === b.name &&
    a.version === b.version &&
    a.packageManager === b.packageManager &&
    a.firstSeenAt === b.firstSeenAt &&
    a.lastSeenAt === b.lastSeenAt &&
    a.evidenceAt === b.evidenceAt &&
    a.evidenceId === b.evidenceId &&
    a.evidenceKind === b.evidenceKind
  );
}

// ---- software events -------------------------------------------------------------------------

/** What one software event says, once read: an installation fact. */
export interface SoftwareFact {
  readonly deviceId: string;
  readonly appKey: string;
  readonly name: string;
  readonly version: string | null;
  readonly packageManager: string | null;
  readonly kind: Extract<InstallationEvidenceKind, "add" | "change" | "remove">;
  readonly at: string;
  readonly eventId: string;
}

const KIND_OF: Readonly<Record<SoftwareEventType, SoftwareFact["kind"]>> = { software_add: "add", software_change: "change", software_remove: "remove" };

/**
 * Reads one Directory Insights event: `ignored` when it says nothing about installations (another
 * service or type, `software_update` included; no id; no valid timestamp), `unmatched` when it
 * names no device (`system.id`, else `resource.system_id`) or no app (`application.name`, else
 * `application.display_name`, `resource.app_name`, `resource.display_name`).
 */
export function softwareFactOf(event: SoftwareEvent): SoftwareFact | "ignored" | "unmatched" {
  // `installationKeysOfEvents` and `foldSoftwareEvents` read the same page: read each event once.
  const known = FACTS.get(event);
  if (known !== undefined) return known;
  const fact = readFact(event);
  FACTS.set(event, fact);
  return fact;
}
const FACTS = new WeakMap<SoftwareEvent, SoftwareFact | "ignored" | "unmatched">();

function readFact(event: SoftwareEvent): SoftwareFact | "ignored" | "unmatched" {
  if (event.service !== undefined && event.service !== "software") return "ignored";
  if (!(SOFTWARE_EVENT_TYPES as readonly string[]).includes(event.event_type)) return "ignored";
  if (typeof event.id !== "string" || event.id === "") return "ignored";
  const at = typeof event.timestamp === "string" ? normalizeTimestamp(event.timestamp) : null;
  if (at === null) return "ignored";
  const deviceId = nonEmpty(event.system?.id) ?? nonEmpty(event.resource?.system_id);
  const app = event.application ?? undefined;
  const rawName = nonEmpty(app?.name) ?? nonEmpty(app?.display_name) ?? nonEmpty(event.resource?.app_name) ?? nonEmpty(event.resource?.display_name);
  const appKey = appKeyOf(rawName);
  if (deviceId === null || appKey === null || rawName === null) return "unmatched";
  const kind = KIND_OF[event.event_type as SoftwareEventType];
  const changed = kind === "change" ? event.changes?.find((c) => c.field === "version")?.to : undefined;
  const version = typeof changed === "string" && changed !== "" ? changed : nonEmpty(app?.version);
  return {
    deviceId,
    appKey,
    name: nonEmpty(app?.display_name) ?? rawName,
    version,
    packageManager: nonEmpty(app?.package_manager) ?? nonEmpty(event.resource?.package_manager),
    kind,
    at,
    eventId: event.id,
  };
}

function nonEmpty(v: unknown): string | null {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

/** The `events` installation row key a fact folds into. */
export function softwareFactKey(f: Pick<SoftwareFact, "deviceId" | "appKey">): InstallationKey {
  return installationKey({ deviceId: f.deviceId, appKey: f.appKey, source: "events", sourceRef: "" });
}

/** The distinct installation keys a page of events touches: load only these before folding. */
export function installationKeysOfEvents(events: Iterable<SoftwareEvent>): InstallationKey[] {
  const keys = new Set<InstallationKey>();
  for (const e of events) {
    const f = softwareFactOf(e);
    if (typeof f !== "string") keys.add(softwareFactKey(f));
  }
  return [...keys];
}

export interface SoftwareFoldStats {
  events: number;
  /** Events that became installation facts. */
  applied: number;
  /** Events that say nothing about installations. */
  ignored: number;
  /** Software events without a device or app name. */
  unmatched: number;
}

export interface SoftwareFold {
  /** Rows whose state changed, one per key: what the store must write. */
  readonly changes: StoredInstallation[];
  readonly stats: SoftwareFoldStats;
  /** Earliest valid timestamp among all events read (measured retention), for the cursor. */
  readonly earliestEventAt: string | null;
}

/**
 * Folds software events into `events` installation rows. Per device × app key the row is a join
 * of its facts, so the result is the same for any order, duplication or split into pages:
 * - the deciding evidence is the max by (instant, event id) (then kind, name, version, package
 *   manager, so even a corrupt feed reusing an id is deterministic); a remove deciding means
 *   removed (`removedAt` = its instant), so an `add` older than a later `remove` never resurrects;
 * - first seen is the min, last seen the max, over the facts that prove presence (`add` and
 *   `change`: a change proves presence even when its add was never read).
 * `current` holds the stored rows of the keys the events touch (see `installationKeysOfEvents`);
 * a missing key starts empty.
 */
export function foldSoftwareEvents(current: ReadonlyMap<InstallationKey, StoredInstallation>, events: Iterable<SoftwareEvent>): SoftwareFold {
  const stats: SoftwareFoldStats = { events: 0, applied: 0, ignored: 0, unmatched: 0 };
  const next = new Map<InstallationKey, StoredInstallation>();
  let earliestEventAt: string | null = null;
  for (const event of events) {
    stats.events += 1;
    const ts = typeof event.timestamp === "string" ? normalizeTimestamp(event.timestamp) : null;
    if (ts !== null && (earliestEventAt === null || ts < earliestEventAt)) earliestEventAt = ts;
    const fact = softwareFactOf(event);
    if (fact === "ignored" || fact === "unmatched") {
      stats[fact] += 1;
      continue;
    }
    stats.applied += 1;
    const key = softwareFactKey(fact);
    next.set(key, joinFact(next.get(key) ?? current.get(key), fact));
  }
  const changes: StoredInstallation[] = [];
  for (const [key, row] of next) {
    const before = current.get(key);
    if (before === undefined || before.removedAt !== row.removedAt || !sameInstallation(before, row)) changes.push(row);
  }
  return { changes, stats, earliestEventAt };
}

/** One fact joined into a row (commutative, associative, idempotent). */
export function joinFact(row: StoredInstallation | undefined, fact: SoftwareFact): StoredInstallation {
  const presence = fact.kind !== "remove";
  const firstSeenAt = presence ? earliestOf(row?.firstSeenAt ?? null, fact.at) : (row?.firstSeenAt ?? null);
  const lastSeenAt = presence ? latest(row?.lastSeenAt ?? null, fact.at) : (row?.lastSeenAt ?? null);
  const wins = row === undefined || compareEvidence(fact, evidenceOf(row)) > 0;
  if (!wins) return firstSeenAt === row.firstSeenAt && lastSeenAt === row.lastSeenAt ? row : { ...row, firstSeenAt, lastSeenAt };
  return {
    deviceId: fact.deviceId,
    appKey: fact.appKey,
    source: "events",
    sourceRef: "",
    name: fact.name,
    version: fact.version,
    packageManager: fact.packageManager,
    firstSeenAt,
    lastSeenAt,
    evidenceAt: fact.at,
    evidenceId: fact.eventId,
    evidenceKind: fact.kind,
    removedAt: presence ? null : fact.at,
  };
}

type Evidence = Pick<SoftwareFact, "at" | "eventId" | "name" | "version" | "packageManager"> & { readonly kind: string };

function evidenceOf(row: StoredInstallation): Evidence {
  return { at: normalizeTimestamp(row.evidenceAt) ?? row.evidenceAt, eventId: row.evidenceId, kind: row.evidenceKind, name: row.name, version: row.version, packageManager: row.packageManager };
}

/** Total order of evidence: instant, event id, then the content (deterministic on corrupt feeds). */
function compareEvidence(a: Evidence, b: Evidence): number {
  return cmp(a.at, b.at) || cmp(a.eventId, b.eventId) || cmp(a.kind, b.kind) || cmp(a.name, b.name) || cmp(a.version ?? "", b.version ?? "") || cmp(a.packageManager ?? "", b.packageManager ?? "");
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function earliestOf(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

// ---- merged truth ----------------------------------------------------------------------------

const SOURCE_RANK: Readonly<Record<InstallationSource, number>> = { managed: 0, events: 1, inventory: 2 };

/**
 * The installed-app truth per device: the live rows of every source (managed `INSTALLED`,
 * events, later inventory) merged per device × app key, with their sources, distinct versions,
 * first seen (min) and last seen (max). With `devices`, only rows of live devices count. Sorted
 * by device id, then app key. This is the in-memory reference of what the query port serves.
 */
export function mergeInstalledApps(rows: Iterable<StoredInstallation>, devices?: ReadonlyMap<string, Tracked<Device>>): InstalledApp[] {
  const groups = new Map<string, StoredInstallation[]>();
  for (const r of rows) {
    if (r.removedAt !== null) continue;
    if (devices !== undefined && devices.get(r.deviceId)?.removedAt !== null) continue;
    const k = `${r.deviceId}\u001f${r.appKey}`;
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [r]);
    else g.push(r);
  }
  const out: InstalledApp[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => SOURCE_RANK[a.source] - SOURCE_RANK[b.source] || cmp(a.sourceRef, b.sourceRef));
    const first = g[0] as StoredInstallation;
    out.push({
      deviceId: first.deviceId,
      appKey: first.appKey,
      name: first.name,
      sources: sortedSources(g.map((r) => r.source)),
      versions: distinctSorted(g.map((r) => r.version)),
      firstSeenAt: g.reduce<string | null>((m, r) => earliestOf(m, r.firstSeenAt), null),
      lastSeenAt: g.reduce<string | null>((m, r) => latest(m, r.lastSeenAt), null),
      managedAppIds: distinctSorted(g.filter((r) => r.source === "managed").map((r) => r.sourceRef)),
    });
  }
  return out.sort((a, b) => cmp(a.deviceId, b.deviceId) || cmp(a.appKey, b.appKey));
}

/**
 * Per user, the union over the user's live bindings of the apps on those devices: a user loses
 * an app only when no device of theirs and no source still holds it. Sorted by user, app key.
 */
export function userInstalledApps(bindings: Iterable<Tracked<DeviceBinding>>, installed: readonly InstalledApp[]): UserInstalledApp[] {
  const byDevice = new Map<string, InstalledApp[]>();
  for (const a of installed) {
    const list = byDevice.get(a.deviceId);
    if (list === undefined) byDevice.set(a.deviceId, [a]);
    else list.push(a);
  }
  const acc = new Map<string, { userId: string; appKey: string; name: string; rank: number; nameDevice: string; sources: InstallationSource[]; versions: (string | null)[]; deviceIds: string[] }>();
  for (const b of bindings) {
    if (b.removedAt !== null) continue;
    for (const a of byDevice.get(b.deviceId) ?? []) {
      const k = `${b.userId}\u001f${a.appKey}`;
      const rank = SOURCE_RANK[a.sources[0] ?? "inventory"];
      const prior = acc.get(k);
      if (prior === undefined) {
        acc.set(k, { userId: b.userId, appKey: a.appKey, name: a.name, rank, nameDevice: a.deviceId, sources: [...a.sources], versions: [...a.versions], deviceIds: [a.deviceId] });
        continue;
      }
      // The name follows the preferred source, then the smallest device id: independent of order.
      if (rank < prior.rank || (rank === prior.rank && a.deviceId < prior.nameDevice)) {
        prior.name = a.name;
        prior.rank = rank;
        prior.nameDevice = a.deviceId;
      }
      prior.sources.push(...a.sources);
      prior.versions.push(...a.versions);
      prior.deviceIds.push(a.deviceId);
    }
  }
  return [...acc.values()]
    .map((u) => ({ userId: u.userId, appKey: u.appKey, name: u.name, sources: sortedSources(u.sources), versions: distinctSorted(u.versions), deviceIds: distinctSorted(u.deviceIds) }))
    .sort((a, b) => cmp(a.userId, b.userId) || cmp(a.appKey, b.appKey));
}

function sortedSources(sources: readonly InstallationSource[]): InstallationSource[] {
  return INSTALLATION_SOURCES.filter((s) => sources.includes(s));
}

function distinctSorted(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))].sort();
}

