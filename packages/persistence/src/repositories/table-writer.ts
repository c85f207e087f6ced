// Set-based writers shared by the directory and MDM repositories: chunked multi-row
// `INSERT … ON CONFLICT DO UPDATE … WHERE <a column differs>` (0 rows written on a no-op) and
// removals that stamp `removed_at` on live rows only.
import type { EntityChanges, Removal, WriteStats } from "@jumpcloud-sync/domain";
import { chunks, parseIso, valuesList, type Db, type Param, type Session } from "../db.js";

/** How one synced table is written: its key, its columns and how a record becomes a row. */
export interface TableSpec<T> {
  readonly table: string;
  /** Key columns after `scope_id`. */
  readonly keys: readonly string[];
  /** Value columns compared (IS DISTINCT FROM) to decide whether an upsert changes the row. */
  readonly values: readonly string[];
  /** Key values then value values, in column order. */
  readonly row: (r: T) => Param[];
  /** The key columns' values of a domain key (a removal's `key`). */
  readonly keyParts: (key: string) => Param[];
}

export const ZERO: WriteStats = { inserted: 0, updated: 0, deleted: 0 };

export function addStats(a: WriteStats, b: WriteStats): WriteStats {
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated, deleted: a.deleted + b.deleted };
}

/**
 * Created and updated records go through one set-based upsert per batch whose DO UPDATE only
 * fires when a value differs or the row is a tombstone (re-creation clears `removed_at`), so
 * unchanged rows are never written; removals stamp `removed_at` on live rows only.
 */
export async function writeEntityChanges<T, K extends string>(
  s: Session,
  db: Db,
  scopeId: string,
  spec: TableSpec<T>,
  changes: EntityChanges<T, K>,
  keyOf: (t: T) => string,
  now: Date,
): Promise<WriteStats> {
  let inserted = 0;
  let updated = 0;
  const upserts = dedupe([...changes.created, ...changes.updated], keyOf);
  if (upserts.length > 0) {
    const columns = ["scope_id", ...spec.keys, ...spec.values, "updated_at"];
    const set = [...spec.values.map((c) => `${c} = excluded.${c}`), "removed_at = null", "updated_at = excluded.updated_at"].join(", ");
    const changed = [...spec.values.map((c) => `${spec.table}.${c} is distinct from excluded.${c}`), `${spec.table}.removed_at is not null`].join(" or ");
    for (const batch of chunks(upserts, db.batchSize(columns.length))) {
      const params: Param[] = [];
      const keys: Param[][] = [];
      for (const r of batch) {
        const row = spec.row(r);
        keys.push(row.slice(0, spec.keys.length));
        params.push(scopeId, ...row, now);
      }
      const written = await upsertBatch(
        s,
        `insert into ${spec.table} (${columns.join(", ")}) values ${valuesList(batch.length, columns.length)}
         on conflict (scope_id, ${spec.keys.join(", ")}) do update set ${set} where ${changed}`,
        params,
        () => freshKeys(s, spec.table, scopeId, spec.keys, keys, batch.length),
      );
      inserted += written.inserted;
      updated += written.updated;
    }
  }
  updated += await stampRemovals(s, db, scopeId, spec, changes.removed, now);
  return { inserted, updated, deleted: 0 };
}

async function stampRemovals<T>(s: Session, db: Db, scopeId: string, spec: TableSpec<T>, removed: readonly Removal[], now: Date): Promise<number> {
  let n = 0;
  // Grouped by date so that one statement stamps many rows; a tombstone keeps its first date.
  const byDate = new Map<string, Removal[]>();
  for (const r of removed) {
    const group = byDate.get(r.removedAt);
    if (group === undefined) byDate.set(r.removedAt, [r]);
    else group.push(r);
  }
  for (const [removedAt, group] of byDate) {
    const at = parseIso(removedAt, "removedAt");
    const keyCols = spec.keys.length;
    for (const batch of chunks(group, db.batchSize(keyCols + 1))) {
      // `updated_at` is when the store learnt it, so `updatedSince` readers see the removal.
      const params: Param[] = [at, now, scopeId];
      for (const r of batch) params.push(...spec.keyParts(r.key));
      const keyList = keyCols === 1 ? `${spec.keys[0]} in (${batch.map(() => "?").join(", ")})` : `(${spec.keys.join(", ")}) in (values ${valuesList(batch.length, keyCols)})`;
      n += await s.run(`update ${spec.table} set removed_at = ?, updated_at = ? where scope_id = ? and removed_at is null and ${keyList}`, params);
    }
  }
  return n;
}

/**
 * Runs one upsert batch and tells inserts from updates. PostgreSQL says so itself (`xmax = 0` on
 * a freshly inserted row version); SQLite's affected-row count does not, so there the batch's keys
 * are probed first (`freshKeys`, an O(batch) primary-key lookup in the same transaction).
 */
export async function upsertBatch(s: Session, sql: string, params: readonly Param[], fresh: () => Promise<number>): Promise<{ inserted: number; updated: number }> {
  if (s.dialect === "postgresql") {
    const rows = await s.all(`${sql} returning (xmax = 0) as inserted`, params);
    const inserted = rows.filter((r) => r["inserted"] === true).length;
    return { inserted, updated: rows.length - inserted };
  }
  const inserted = await fresh();
  const touched = await s.run(sql, params);
  return { inserted, updated: touched - inserted };
}

/** How many of a batch's (distinct) keys have no row yet. */
export async function freshKeys(s: Session, table: string, scopeId: string, keyColumns: readonly string[], keys: readonly Param[][], size: number): Promise<number> {
  const list = keyColumns.length === 1 ? `${keyColumns[0]} in (${keys.map(() => "?").join(", ")})` : `(${keyColumns.join(", ")}) in (values ${valuesList(keys.length, keyColumns.length)})`;
  const r = await s.get(`select count(*) as n from ${table} where scope_id = ? and ${list}`, [scopeId, ...keys.flat()]);
  return size - Number(r?.["n"] ?? 0);
}

export function dedupe<T>(records: readonly T[], keyOf: (t: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const r of records) byKey.set(keyOf(r), r);
  return [...byKey.values()];
}

/** `a/b` keys (assignments, bindings, statuses, links): the first `/` splits them. */
export function splitPair(key: string): [string, string] {
  const i = key.indexOf("/");
  if (i < 0) throw new TypeError(`not a two-part key (a/b): ${key}`);
  return [key.slice(0, i), key.slice(i + 1)];
}
