import { Inject, Injectable } from "@nestjs/common";
import { DIRECTORY_STREAM } from "@jumpcloud-sync/domain";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";

/** The directory stream's durable state (through the CursorPort): when it last applied, and a one-shot force. */
export interface DirectoryCursor {
  readonly lastAppliedAt: string | null;
  /** Set by an operator after a mass-deletion refusal: the next snapshot applies whatever it removes. */
  readonly forceNextSnapshot: boolean;
  readonly forceRequestedAt: string | null;
  /** When the last full snapshot was applied (the incremental runs' safety-net cadence counts from it). */
  readonly lastFullSnapshotAt?: string | null;
  /** Directory Insights change events up to here are reflected (null: none read yet, the next run is full). */
  readonly changesReadThrough?: string | null;
  /** Where the last full snapshot's read began: every change before it is reflected by that snapshot. */
  readonly snapshotReadFrom?: string | null;
  /** Change events already handled that the next window's overlap will return again (ids, deduplicated on). */
  readonly handledEventIds?: readonly string[];
}

@Injectable()
export class DirectoryCursors {
  constructor(@Inject(STORE) private readonly store: DirectoryAreaStore) {}

  async get(scopeId: string): Promise<DirectoryCursor> {
    return (await this.store.cursors.getCursor<DirectoryCursor>(scopeId, DIRECTORY_STREAM)) ?? { lastAppliedAt: null, forceNextSnapshot: false, forceRequestedAt: null };
  }

  async forceRequested(scopeId: string): Promise<boolean> {
    return (await this.get(scopeId)).forceNextSnapshot;
  }

  async requestForce(scopeId: string, at: Date): Promise<void> {
    const current = await this.get(scopeId);
    await this.store.cursors.saveCursor(scopeId, DIRECTORY_STREAM, { ...current, forceNextSnapshot: true, forceRequestedAt: at.toISOString() } satisfies DirectoryCursor);
  }

  /**
   * The cursor a snapshot applied at `at` leaves, written with its data (`applySnapshot`): the
   * force is used up by the snapshot it let through, and only by it. A full snapshot whose read
   * started at `readFrom` reflects every change event up to then; an incremental run moves
   * `changesReadThrough` to the end of the window it read and keeps the last full snapshot's date.
   */
  async afterSnapshot(
    scopeId: string,
    at: Date,
    forced: boolean,
    changes: { readonly full: boolean; readonly readThrough: string | null; readonly handledEventIds?: readonly string[] } = { full: true, readThrough: null },
  ): Promise<DirectoryCursor> {
    const current = await this.get(scopeId);
    return {
      lastAppliedAt: at.toISOString(),
      forceNextSnapshot: forced ? false : current.forceNextSnapshot,
      forceRequestedAt: forced ? null : current.forceRequestedAt,
      lastFullSnapshotAt: changes.full ? at.toISOString() : (current.lastFullSnapshotAt ?? null),
      changesReadThrough: changes.readThrough,
      snapshotReadFrom: changes.full ? changes.readThrough : (current.snapshotReadFrom ?? null),
      handledEventIds: changes.handledEventIds ?? [],
    };
  }
}
