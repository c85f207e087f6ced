import type { Lease, LeasePort, StreamName } from "@jumpcloud-sync/domain";
import { str, toDate, type Db } from "../db.js";

/**
 * The one lease primitive: a row per (scope, stream), taken or renewed by a single conditional
 * upsert. The DO UPDATE only fires when the row is expired or already ours, so of two contenders
 * exactly one sees a row affected — on SQLite (the write lock serialises them) and on PostgreSQL
 * (the second waits on the first's row lock, then re-evaluates the condition on the new row).
 */
export class LeaseRepository implements LeasePort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async acquire(scopeId: string, stream: StreamName, owner: string, ttlMs: number, now: Date, takeOverFrom?: string): Promise<Lease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    // `takeOverFrom`: a prefix of owners whose lease may be taken before expiry (compared with substr, not LIKE, so `_` and `%` are plain).
    const takeOver = takeOverFrom === undefined || takeOverFrom === "" ? "" : " or substr(sync_lease.owner, 1, ?) = ?";
    const taken = await this.#db.session((s) =>
      s.run(
        `insert into sync_lease (scope_id, stream, owner, expires_at) values (?, ?, ?, ?)
         on conflict (scope_id, stream) do update set owner = excluded.owner, expires_at = excluded.expires_at
         where sync_lease.expires_at <= ? or sync_lease.owner = excluded.owner${takeOver}`,
        [scopeId, stream, owner, expiresAt, now, ...(takeOver === "" ? [] : [takeOverFrom?.length ?? 0, takeOverFrom ?? ""])],
      ),
    );
    return taken === 1 ? { scopeId, stream, owner, expiresAt } : null;
  }

  async holder(scopeId: string, stream: StreamName): Promise<Lease | null> {
    const row = await this.#db.session((s) => s.get(`select owner, expires_at from sync_lease where scope_id = ? and stream = ?`, [scopeId, stream]));
    return row === undefined ? null : { scopeId, stream, owner: str(row["owner"]), expiresAt: toDate(row["expires_at"]) };
  }

  async renew(lease: Lease, ttlMs: number, now: Date): Promise<Lease | null> {
    const expiresAt = new Date(now.getTime() + ttlMs);
    // Ours even if past expiry, as long as nobody took it meanwhile: the owner column says so.
    const renewed = await this.#db.session((s) =>
      s.run(`update sync_lease set expires_at = ? where scope_id = ? and stream = ? and owner = ?`, [expiresAt, lease.scopeId, lease.stream, lease.owner]),
    );
    return renewed === 1 ? { ...lease, expiresAt } : null;
  }

  async release(lease: Lease): Promise<void> {
    await this.#db.session((s) => s.run(`delete from sync_lease where scope_id = ? and stream = ? and owner = ?`, [lease.scopeId, lease.stream, lease.owner]));
  }
}
