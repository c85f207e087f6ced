import type { AppAssignment, EntityChanges, Removal, Tracked } from "../model/directory.js";

/**
 * Reconciliation in chunks, so that neither the stored directory nor the observed one has to be
 * in memory whole: the observed records of one table (or of one application's assignments) are
 * compared with the stored rows of the same keys, read page by page in any order. The result is
 * the same change set `diffEntities` gives for the whole table (see chunked-reconcile.test.ts).
 */
export class ChunkedDiff<T, K extends string = string> {
  readonly #observed = new Map<K, T>();
  readonly #seen = new Set<K>();
  readonly #created: T[] = [];
  readonly #updated: T[] = [];
  readonly #removed: Removal<K>[] = [];
  readonly #keyOf: (t: T) => K;
  readonly #same: (a: T, b: T) => boolean;
  readonly #at: string;

  /** `observed`: the complete fresh listing of the chunk's keys (a repeated key counts once, the first). */
  constructor(observed: Iterable<T>, keyOf: (t: T) => K, same: (a: T, b: T) => boolean, at: string) {
    this.#keyOf = keyOf;
    this.#same = same;
    this.#at = at;
    for (const record of observed) {
      const key = keyOf(record);
      if (!this.#observed.has(key)) this.#observed.set(key, record);
    }
  }

  /** A page of stored rows (tombstones included); every stored key of the chunk in exactly one page. */
  compare(stored: Iterable<Tracked<T>>): void {
    for (const before of stored) {
      const key = this.#keyOf(before);
      const record = this.#observed.get(key);
      if (record === undefined) {
        if (before.removedAt === null) this.#removed.push({ key, removedAt: this.#at });
        continue;
      }
      this.#seen.add(key);
      if (before.removedAt !== null) this.#created.push(record);
      else if (!this.#same(before, record)) this.#updated.push(record);
    }
  }

  /** After the last page: the chunk's changes (observed keys no page had are created). */
  finish(): EntityChanges<T, K> {
    for (const [key, record] of this.#observed) if (!this.#seen.has(key)) this.#created.push(record);
    this.#seen.clear();
    this.#observed.clear();
    return { created: this.#created, updated: this.#updated, removed: this.#removed };
  }
}

/**
 * The assignments of one application from a snapshot's listings, sorted by user: a direct user
 * edge, and each member of each bound group (as an assignment via that group). Members and
 * assignees the users listing did not return (`isUser` false) are skipped. JumpCloud user groups do
 * not nest, so members are users.
 */
export function assignmentsOfApplication(
  applicationId: string,
  directUserIds: Iterable<string>,
  boundGroupIds: Iterable<string>,
  membersOf: (groupId: string) => Iterable<string>,
  isUser: (userId: string) => boolean,
): AppAssignment[] {
  const byUser = new Map<string, { direct: boolean; groupIds: Set<string> }>();
  const entry = (userId: string): { direct: boolean; groupIds: Set<string> } => {
    let e = byUser.get(userId);
    if (e === undefined) byUser.set(userId, (e = { direct: false, groupIds: new Set<string>() }));
    return e;
  };
  for (const userId of directUserIds) if (isUser(userId)) entry(userId).direct = true;
  for (const groupId of boundGroupIds) for (const userId of membersOf(groupId)) if (isUser(userId)) entry(userId).groupIds.add(groupId);
  return [...byUser.entries()]
    .map(([userId, e]) => ({ applicationId, userId, direct: e.direct, groupIds: [...e.groupIds].sort() }))
    .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}
