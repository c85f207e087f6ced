import type { EntityChanges } from "@jumpcloud-sync/domain";

/** Rows created, updated and removed, summed over the chunks. */
export function tally(...changes: EntityChanges<unknown>[]): { created: number; updated: number; removed: number; add: (c: EntityChanges<unknown>) => void } {
  const t = {
    created: 0,
    updated: 0,
    removed: 0,
    add(c: EntityChanges<unknown>): void {
      t.created += c.created.length;
      t.updated += c.updated.length;
      t.removed += c.removed.length;
    },
  };
  for (const c of changes) t.add(c);
  return t;
}
