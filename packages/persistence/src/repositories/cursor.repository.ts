import type { CursorPort, StreamName } from "@jumpcloud-sync/domain";
import type { Db, Session } from "../db.js";

export async function saveCursor(s: Session, scopeId: string, stream: StreamName, value: unknown, at: Date): Promise<void> {
  await s.run(
    `insert into sync_cursor (scope_id, stream, value, updated_at) values (?, ?, ?, ?)
     on conflict (scope_id, stream) do update set value = excluded.value, updated_at = excluded.updated_at`,
    [scopeId, stream, JSON.stringify(value), at],
  );
}

export class CursorRepository implements CursorPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async getCursor<T>(scopeId: string, stream: StreamName): Promise<T | null> {
    const row = await this.#db.session((s) => s.get(`select value from sync_cursor where scope_id = ? and stream = ?`, [scopeId, stream]));
    return row === undefined ? null : (JSON.parse(String(row["value"])) as T);
  }

  async saveCursor(scopeId: string, stream: StreamName, value: unknown): Promise<void> {
    await this.#db.session((s) => saveCursor(s, scopeId, stream, value, new Date()));
  }
}
