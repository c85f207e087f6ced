// Shared by the directory and MDM reconcilers (not part of the package's face: index.ts does not
// export this file). A stored map with tombstones versus a fresh complete listing.
import type { EntityChanges, Removal, Tracked } from "../model/directory.js";

/**
 * Created: new keys or tombstones seen again; updated: live records that differ; removed: live
 * records missing from the listing. A key repeated in the listing counts once (the first).
 */
export function diffEntities<T, K extends string = string>(
  previous: ReadonlyMap<K, Tracked<T>>,
  observed: readonly T[],
  keyOf: (t: T) => K,
  same: (a: T, b: T) => boolean,
  at: string,
): EntityChanges<T, K> {
  const created: T[] = [];
  const updated: T[] = [];
  const seen = new Set<K>();
  for (const record of observed) {
    const key = keyOf(record);
    // A listing can repeat a row (skip paging under concurrent writes); the first one wins.
    if (seen.has(key)) continue;
    seen.add(key);
    const before = previous.get(key);
    if (before === undefined || before.removedAt !== null) created.push(record);
    else if (!same(before, record)) updated.push(record);
  }
  const removed: Removal<K>[] = [];
  for (const [key, before] of previous) {
    if (before.removedAt === null && !seen.has(key)) removed.push({ key, removedAt: at });
  }
  return { created, updated, removed };
}

/** What the store does with one entity's changes, in memory. */
export function applyEntityChanges<T, K extends string = string>(
  state: ReadonlyMap<K, Tracked<T>>,
  changes: EntityChanges<T, K>,
  keyOf: (t: T) => K,
): ReadonlyMap<K, Tracked<T>> {
  const next = new Map(state);
  for (const record of [...changes.created, ...changes.updated]) next.set(keyOf(record), { ...record, removedAt: null });
  for (const r of changes.removed) {
    const before = next.get(r.key);
    // A tombstone keeps its first removal date: re-applying a removal changes nothing.
    if (before !== undefined && before.removedAt === null) next.set(r.key, { ...before, removedAt: r.removedAt });
  }
  return next;
}

export function entityChangeCount(e: EntityChanges<unknown, string>): number {
  return e.created.length + e.updated.length + e.removed.length;
}

export function countLive<T>(map: ReadonlyMap<string, Tracked<T>>): number {
  let n = 0;
  for (const r of map.values()) if (r.removedAt === null) n += 1;
  return n;
}

export function sameArray(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  // Listings are usually in a stable order: compare in place before paying for a sort.
  let inOrder = true;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) {
      inOrder = false;
      break;
    }
  }
  if (inOrder) return true;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((v, i) => v === sb[i]);
}
