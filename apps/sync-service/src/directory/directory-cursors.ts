import { Inject, Injectable } from "@nestjs/common";
import { DIRECTORY_STREAM } from "@jumpcloud-sync/domain";
import { STORE, type DirectoryAreaStore } from "../store/store.types.js";

/** The directory stream's durable state (through the CursorPort): when it last applied, and a one-shot force. */
export interface DirectoryCursor {
  readonly lastAppliedAt: string | null;
  /** Set by an operator after a mass-deletion refusal: the next snapshot applies whatever it removes. */
  readonly forceNextSnapshot: boolean;
  readonly forceRequestedAt: string | null;
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
   * force is used up by the snapshot it let through, and only by it.
   */
  async afterSnapshot(scopeId: string, at: Date, forced: boolean): Promise<DirectoryCursor> {
    const current = await this.get(scopeId);
    return {
      lastAppliedAt: at.toISOString(),
      forceNextSnapshot: forced ? false : current.forceNextSnapshot,
      forceRequestedAt: forced ? null : current.forceRequestedAt,
    };
  }
}
