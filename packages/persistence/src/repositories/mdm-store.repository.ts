import {
  appDeviceKey,
  deviceBindingKey,
  installationKey,
  managedAppKey,
  parseInstallationKey,
  type AppDeviceKey,
  type Device,
  type DeviceBinding,
  type DeviceBindingKey,
  type DeviceChangeSet,
  type DeviceState,
  type InsightsCursor,
  type Installation,
  type InstallationEvidenceKind,
  type InstallationKey,
  type InstallationSource,
  type ManagedApp,
  type ManagedAppChangeSet,
  type ManagedAppLink,
  type ManagedAppSetting,
  type ManagedAppState,
  type ManagedAppStatus,
  type MdmEnrollment,
  type MdmStreamName,
  type MdmStorePort,
  type SoftwareEventsCoverage,
  type StoredInstallation,
  type SystemInsightsState,
  type Tracked,
  type WriteStats,
} from "@jumpcloud-sync/domain";
import { chunks, parseIso, str, strOrNull, toBool, toIsoOrNull, valuesList, type Db, type Param, type Session } from "../db.js";
import { saveCursor } from "./cursor.repository.js";
import { MDM_TABLES, parseIds } from "./directory-store.repository.js";
import { addStats, freshKeys, splitPair, upsertBatch, writeEntityChanges, ZERO, type TableSpec } from "./table-writer.js";

/** The software-events stream's cursor lives in `sync_cursor` under this stream name. */
export const SOFTWARE_EVENTS_STREAM: MdmStreamName = "software-events";

const DEVICE: TableSpec<Device> = {
  table: "device",
  keys: ["id"],
  values: [
    "hostname",
    "display_name",
    "serial_number",
    "os",
    "os_family",
    "version",
    "arch",
    "last_contact",
    "last_contact_at",
    "active",
    "agent_version",
    "system_insights",
    "mdm",
    "upstream_created_at",
  ],
  row: (d) => [
    d.id,
    d.hostname,
    d.displayName,
    d.serialNumber,
    d.os,
    d.osFamily,
    d.version,
    d.arch,
    d.lastContact,
    parseOptionalInstant(d.lastContact),
    d.active,
    d.agentVersion,
    d.systemInsights,
    d.mdm === null ? null : JSON.stringify(d.mdm),
    d.createdAt,
  ],
  keyParts: (k) => [k],
};

const BINDING: TableSpec<DeviceBinding> = {
  table: "device_binding",
  keys: ["device_id", "user_id"],
  values: [],
  row: (b) => [b.deviceId, b.userId],
  keyParts: splitPair,
};

const MANAGED_APP: TableSpec<ManagedApp> = {
  table: "managed_app",
  keys: ["id"],
  values: ["display_name", "app_key", "settings", "upstream_created_at", "upstream_updated_at"],
  row: (a) => [a.id, a.displayName, managedAppKey(a), JSON.stringify(a.settings), a.createdAt, a.updatedAt],
  keyParts: (k) => [k],
};

const STATUS: TableSpec<ManagedAppStatus> = {
  table: "managed_app_status",
  keys: ["app_id", "device_id"],
  values: ["state", "version", "reported_at", "details", "code"],
  row: (s) => [s.appId, s.deviceId, s.state, s.version, s.timestamp, s.details, s.code],
  keyParts: splitPair,
};

const LINK: TableSpec<ManagedAppLink> = {
  table: "managed_app_link",
  keys: ["app_id", "device_id"],
  values: ["direct", "group_ids"],
  row: (l) => [l.appId, l.deviceId, l.direct, JSON.stringify(l.groupIds)],
  keyParts: splitPair,
};

const INSTALLATION_KEYS = ["device_id", "app_key", "source", "source_ref"];
const INSTALLATION_VALUES = ["name", "version", "package_manager", "first_seen_at", "last_seen_at", "evidence_at", "evidence_id", "evidence_kind"];

const MANAGED_INSTALLATION: TableSpec<Installation> = {
  table: "installation",
  keys: INSTALLATION_KEYS,
  values: INSTALLATION_VALUES,
  row: (i) => installationRow(i),
  keyParts: (k) => {
    const p = parseInstallationKey(k);
    return [p.deviceId, p.appKey, p.source, p.sourceRef];
  },
};

function installationRow(i: Installation): Param[] {
  return [
    i.deviceId,
    i.appKey,
    i.source,
    i.sourceRef,
    i.name,
    i.version,
    i.packageManager,
    i.firstSeenAt === null ? null : parseIso(i.firstSeenAt, "firstSeenAt"),
    i.lastSeenAt === null ? null : parseIso(i.lastSeenAt, "lastSeenAt"),
    parseIso(i.evidenceAt, "evidenceAt"),
    i.evidenceId,
    i.evidenceKind,
  ];
}

/** An upstream instant for filtering; an unparseable one is stored as null (the text stays). */
function parseOptionalInstant(v: string | null): Date | null {
  if (v === null) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export class MdmStoreRepository implements MdmStorePort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async loadDevices(scopeId: string): Promise<DeviceState> {
    return this.#db.session(async (s) => {
      const devices = new Map<string, Tracked<Device>>();
      for (const r of await s.all(`select * from device where scope_id = ?`, [scopeId])) {
        const d = deviceFromRow(r);
        devices.set(d.id, d);
      }
      const bindings = new Map<DeviceBindingKey, Tracked<DeviceBinding>>();
      for (const r of await s.all(`select device_id, user_id, removed_at from device_binding where scope_id = ?`, [scopeId])) {
        const b = { deviceId: str(r["device_id"]), userId: str(r["user_id"]), removedAt: toIsoOrNull(r["removed_at"]) };
        bindings.set(deviceBindingKey(b), b);
      }
      return { devices, bindings };
    });
  }

  async applyDeviceChanges(scopeId: string, changes: DeviceChangeSet): Promise<WriteStats> {
    const now = new Date();
    return this.#db.tx(async (s) => {
      let stats = ZERO;
      stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, DEVICE, changes.devices, (d) => d.id, now));
      stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, BINDING, changes.bindings, deviceBindingKey, now));
      return stats;
    });
  }

  async loadManagedApps(scopeId: string): Promise<ManagedAppState> {
    return this.#db.session(async (s) => {
      const apps = new Map<string, Tracked<ManagedApp>>();
      for (const r of await s.all(`select * from managed_app where scope_id = ?`, [scopeId])) {
        const a = managedAppFromRow(r);
        apps.set(a.id, a);
      }
      const statuses = new Map<AppDeviceKey, Tracked<ManagedAppStatus>>();
      for (const r of await s.all(`select * from managed_app_status where scope_id = ?`, [scopeId])) {
        const st = statusFromRow(r);
        statuses.set(appDeviceKey(st), st);
      }
      const links = new Map<AppDeviceKey, Tracked<ManagedAppLink>>();
      for (const r of await s.all(`select * from managed_app_link where scope_id = ?`, [scopeId])) {
        const l: Tracked<ManagedAppLink> = {
          appId: str(r["app_id"]),
          deviceId: str(r["device_id"]),
          direct: toBool(r["direct"]),
          groupIds: parseIds(r["group_ids"]),
          removedAt: toIsoOrNull(r["removed_at"]),
        };
        links.set(appDeviceKey(l), l);
      }
      const installations = new Map<InstallationKey, StoredInstallation>();
      for (const r of await s.all(`select * from installation where scope_id = ? and source = 'managed'`, [scopeId])) {
        const i = installationFromRow(r);
        installations.set(installationKey(i), i);
      }
      return { apps, statuses, links, installations };
    });
  }

  async applyManagedAppChanges(scopeId: string, changes: ManagedAppChangeSet): Promise<WriteStats> {
    for (const i of [...changes.installations.created, ...changes.installations.updated]) {
      if (i.source !== "managed") throw new TypeError(`applyManagedAppChanges: installation of source "${i.source}" (only "managed" rows belong to this stream)`);
    }
    const now = new Date();
    return this.#db.tx(async (s) => {
      let stats = ZERO;
      stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, MANAGED_APP, changes.apps, (a) => a.id, now));
      stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, STATUS, changes.statuses, appDeviceKey, now));
      stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, LINK, changes.links, appDeviceKey, now));
      stats = addStats(stats, await writeEntityChanges(s, this.#db, scopeId, MANAGED_INSTALLATION, changes.installations, installationKey, now));
      return stats;
    });
  }

  async loadInstallations(scopeId: string, keys: readonly InstallationKey[]): Promise<ReadonlyMap<InstallationKey, StoredInstallation>> {
    const parts = [...new Set(keys)].map((k) => {
      const p = parseInstallationKey(k);
      return [p.deviceId, p.appKey, p.source, p.sourceRef];
    });
    return this.#db.session(async (s) => {
      const out = new Map<InstallationKey, StoredInstallation>();
      for (const batch of chunks(parts, this.#db.batchSize(4))) {
        // A CTE of the wanted keys joined on the primary key: one index probe per key on both
        // databases (a row-value IN list was planned as a scan on a large PostgreSQL table).
        const rows = await s.all(
          `with k (device_id, app_key, source, source_ref) as (values ${valuesList(batch.length, 4)})
           select i.* from k join installation i
             on i.scope_id = ? and i.device_id = k.device_id and i.app_key = k.app_key and i.source = k.source and i.source_ref = k.source_ref`,
          [...batch.flat(), scopeId],
        );
        for (const r of rows) {
          const i = installationFromRow(r);
          out.set(installationKey(i), i);
        }
      }
      return out;
    });
  }

  async listInstallations(scopeId: string, source: InstallationSource): Promise<readonly StoredInstallation[]> {
    return this.#db.session(async (s) =>
      (await s.all(`select * from installation where scope_id = ? and source = ? order by device_id, app_key, source_ref`, [scopeId, source])).map(installationFromRow),
    );
  }

  async applySoftwareEvents(scopeId: string, changes: readonly StoredInstallation[], cursor: InsightsCursor): Promise<WriteStats> {
    for (const i of changes) {
      if (i.source !== "events") throw new TypeError(`applySoftwareEvents: installation of source "${i.source}" (only "events" rows belong to this stream)`);
    }
    const rows = dedupeInstallations(changes);
    const now = new Date();
    return this.#db.tx(async (s) => {
      const written = await mergeInstallations(s, this.#db, scopeId, rows, now);
      await saveCursor(s, scopeId, SOFTWARE_EVENTS_STREAM, cursor, now);
      return written;
    });
  }

  async getSoftwareEventsCursor(scopeId: string): Promise<InsightsCursor | null> {
    const row = await this.#db.session((s) => s.get(`select value from sync_cursor where scope_id = ? and stream = ?`, [scopeId, SOFTWARE_EVENTS_STREAM]));
    return row === undefined ? null : (JSON.parse(str(row["value"])) as InsightsCursor);
  }

  async getSoftwareEventsCoverage(scopeId: string): Promise<SoftwareEventsCoverage> {
    return this.#db.session(async (s) => coverageFromRow(await s.get(`select kind, since, reason, detail from software_events_coverage where scope_id = ?`, [scopeId])));
  }

  async setSoftwareEventsCoverage(scopeId: string, coverage: SoftwareEventsCoverage): Promise<void> {
    const row: Param[] =
      coverage.kind === "available"
        ? [scopeId, coverage.kind, coverage.since, null, null]
        : coverage.kind === "unavailable"
          ? [scopeId, coverage.kind, null, coverage.reason, coverage.detail]
          : [scopeId, coverage.kind, null, null, null];
    await this.#db.session((s) =>
      s.run(
        `insert into software_events_coverage (scope_id, kind, since, reason, detail) values (?, ?, ?, ?, ?)
         on conflict (scope_id) do update set kind = excluded.kind, since = excluded.since, reason = excluded.reason, detail = excluded.detail`,
        row,
      ),
    );
  }

  async purgeScope(scopeId: string): Promise<void> {
    await this.#db.tx(async (s) => {
      for (const table of MDM_TABLES) await s.run(`delete from ${table} where scope_id = ?`, [scopeId]);
      await s.run(`delete from sync_cursor where scope_id = ? and stream = ?`, [scopeId, SOFTWARE_EVENTS_STREAM]);
    });
  }
}

/** One row per key (a statement may not hit a row twice); the later evidence wins, seen ranges widen. */
function dedupeInstallations(rows: readonly StoredInstallation[]): StoredInstallation[] {
  const byKey = new Map<InstallationKey, StoredInstallation>();
  for (const r of rows) {
    parseIso(r.evidenceAt, "evidenceAt");
    const k = installationKey(r);
    const prior = byKey.get(k);
    if (prior === undefined) {
      byKey.set(k, r);
      continue;
    }
    const later = evidenceTuple(r) > evidenceTuple(prior) ? r : prior;
    byKey.set(k, { ...later, firstSeenAt: minIso(prior.firstSeenAt, r.firstSeenAt), lastSeenAt: maxIso(prior.lastSeenAt, r.lastSeenAt) });
  }
  return [...byKey.values()];
}

function evidenceTuple(r: StoredInstallation): string {
  return JSON.stringify([new Date(r.evidenceAt).toISOString(), r.evidenceId, r.evidenceKind, r.name, r.version ?? "", r.packageManager ?? ""]);
}
function minIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}
function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

const MERGE_COLUMNS = ["scope_id", ...INSTALLATION_KEYS, ...INSTALLATION_VALUES, "removed_at", "updated_at"];

/**
 * The `events` rows written as the fold joins them, in SQL: the evidence (and what it decides:
 * name, version, package manager, removed_at) moves only to a later (instant, id, kind, name,
 * version, package manager); first seen only earlier; last seen only later. Nothing else fires
 * the DO UPDATE, so replaying a batch, or a stale fold, writes nothing and never moves backwards.
 */
async function mergeInstallations(s: Session, db: Db, scopeId: string, rows: readonly StoredInstallation[], now: Date): Promise<WriteStats> {
  if (rows.length === 0) return ZERO;
  const t = "installation";
  const bin = s.dialect === "postgresql" ? `collate "C"` : `collate binary`;
  const later = lexGreater([
    [`excluded.evidence_at`, `${t}.evidence_at`],
    [`excluded.evidence_id ${bin}`, `${t}.evidence_id ${bin}`],
    [`excluded.evidence_kind ${bin}`, `${t}.evidence_kind ${bin}`],
    [`excluded.name ${bin}`, `${t}.name ${bin}`],
    [`coalesce(excluded.version, '') ${bin}`, `coalesce(${t}.version, '') ${bin}`],
    [`coalesce(excluded.package_manager, '') ${bin}`, `coalesce(${t}.package_manager, '') ${bin}`],
  ]);
  const earlierFirst = `(excluded.first_seen_at is not null and (${t}.first_seen_at is null or excluded.first_seen_at < ${t}.first_seen_at))`;
  const laterLast = `(excluded.last_seen_at is not null and (${t}.last_seen_at is null or excluded.last_seen_at > ${t}.last_seen_at))`;
  const decided = ["name", "version", "package_manager", "evidence_at", "evidence_id", "evidence_kind", "removed_at"].map((c) => `${c} = case when ${later} then excluded.${c} else ${t}.${c} end`);
  const set = [
    ...decided,
    `first_seen_at = case when ${earlierFirst} then excluded.first_seen_at else ${t}.first_seen_at end`,
    `last_seen_at = case when ${laterLast} then excluded.last_seen_at else ${t}.last_seen_at end`,
    `updated_at = excluded.updated_at`,
  ].join(", ");
  let inserted = 0;
  let updated = 0;
  for (const batch of chunks(rows, db.batchSize(MERGE_COLUMNS.length))) {
    const params: Param[] = [];
    const keys: Param[][] = [];
    for (const r of batch) {
      const row = installationRow(r);
      keys.push(row.slice(0, INSTALLATION_KEYS.length));
      params.push(scopeId, ...row, r.removedAt === null ? null : parseIso(r.removedAt, "removedAt"), now);
    }
    const written = await upsertBatch(
      s,
      `insert into ${t} (${MERGE_COLUMNS.join(", ")}) values ${valuesList(batch.length, MERGE_COLUMNS.length)}
       on conflict (scope_id, ${INSTALLATION_KEYS.join(", ")}) do update set ${set}
       where ${later} or ${earlierFirst} or ${laterLast}`,
      params,
      () => freshKeys(s, t, scopeId, INSTALLATION_KEYS, keys, batch.length),
    );
    inserted += written.inserted;
    updated += written.updated;
  }
  return { inserted, updated, deleted: 0 };
}

/** `(a1, a2, …) > (b1, b2, …)` lexicographically, spelled out (row-value comparison with collations differs between the two databases). */
function lexGreater(pairs: readonly (readonly [string, string])[]): string {
  const terms: string[] = [];
  for (let i = 0; i < pairs.length; i += 1) {
    const eq = pairs.slice(0, i).map(([a, b]) => `${a} = ${b}`);
    const [a, b] = pairs[i] as readonly [string, string];
    terms.push(`(${[...eq, `${a} > ${b}`].join(" and ")})`);
  }
  return `(${terms.join(" or ")})`;
}

export function deviceFromRow(r: Record<string, unknown>): Tracked<Device> {
  return {
    id: str(r["id"]),
    hostname: strOrNull(r["hostname"]),
    displayName: strOrNull(r["display_name"]),
    serialNumber: strOrNull(r["serial_number"]),
    os: strOrNull(r["os"]),
    osFamily: strOrNull(r["os_family"]),
    version: strOrNull(r["version"]),
    arch: strOrNull(r["arch"]),
    lastContact: strOrNull(r["last_contact"]),
    active: toBool(r["active"]),
    agentVersion: strOrNull(r["agent_version"]),
    systemInsights: str(r["system_insights"]) as SystemInsightsState,
    mdm: r["mdm"] === null || r["mdm"] === undefined ? null : (JSON.parse(str(r["mdm"])) as MdmEnrollment),
    createdAt: strOrNull(r["upstream_created_at"]),
    removedAt: toIsoOrNull(r["removed_at"]),
  };
}

export function managedAppFromRow(r: Record<string, unknown>): Tracked<ManagedApp> {
  return {
    id: str(r["id"]),
    displayName: str(r["display_name"]),
    settings: JSON.parse(str(r["settings"])) as ManagedAppSetting[],
    createdAt: strOrNull(r["upstream_created_at"]),
    updatedAt: strOrNull(r["upstream_updated_at"]),
    removedAt: toIsoOrNull(r["removed_at"]),
  };
}

export function statusFromRow(r: Record<string, unknown>): Tracked<ManagedAppStatus> {
  const code = r["code"];
  return {
    appId: str(r["app_id"]),
    deviceId: str(r["device_id"]),
    state: str(r["state"]),
    version: strOrNull(r["version"]),
    timestamp: strOrNull(r["reported_at"]),
    details: strOrNull(r["details"]),
    code: code === null || code === undefined ? null : Number(code),
    removedAt: toIsoOrNull(r["removed_at"]),
  };
}

export function installationFromRow(r: Record<string, unknown>): StoredInstallation {
  return {
    deviceId: str(r["device_id"]),
    appKey: str(r["app_key"]),
    source: str(r["source"]) as InstallationSource,
    sourceRef: str(r["source_ref"]),
    name: str(r["name"]),
    version: strOrNull(r["version"]),
    packageManager: strOrNull(r["package_manager"]),
    firstSeenAt: toIsoOrNull(r["first_seen_at"]),
    lastSeenAt: toIsoOrNull(r["last_seen_at"]),
    evidenceAt: toIsoOrNull(r["evidence_at"]) ?? "",
    evidenceId: str(r["evidence_id"]),
    evidenceKind: str(r["evidence_kind"]) as InstallationEvidenceKind,
    removedAt: toIsoOrNull(r["removed_at"]),
  };
}

export function coverageFromRow(r: Record<string, unknown> | undefined): SoftwareEventsCoverage {
  if (r === undefined) return { kind: "not-synced" };
  switch (r["kind"]) {
    case "available":
      return { kind: "available", since: str(r["since"]) };
    case "unavailable":
      return { kind: "unavailable", reason: str(r["reason"]) as "insights-not-enabled" | "insights-forbidden", detail: strOrNull(r["detail"]) ?? "" };
    default:
      return { kind: "not-synced" };
  }
}
