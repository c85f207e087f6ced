import type { AuditEntry, AuditPort, AuditQuery } from "@jumpcloud-sync/domain";
import { decodeCursor, encodeCursor, str, toDate, type Db, type Param } from "../db.js";
import { clampLimit } from "./sync-run.repository.js";

/** Keys whose values never belong in the audit log, whatever a caller passes. */
const SECRET_KEY = /(api[-_]?key|secret|token|password|authorization|ciphertext)/iu;

export class AuditRepository implements AuditPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.#db.session((s) =>
      s.run(`insert into audit_entry (at, actor, action, target, outcome, details) values (?, ?, ?, ?, ?, ?)`, [
        entry.at,
        entry.actor,
        entry.action,
        entry.target,
        entry.outcome,
        JSON.stringify(redact(entry.details)),
      ]),
    );
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<{ items: (AuditEntry & { id: string })[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: Param[] = [];
    for (const [column, value] of [["target", query.target], ["actor", query.actor], ["outcome", query.outcome]] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    if (query.action !== undefined) {
      if (query.action.endsWith(".")) {
        // A prefix: compared as a range, so `_` and `%` in it stay literal and the index serves it.
        where.push("action >= ? and action < ?");
        params.push(query.action, `${query.action.slice(0, -1)}/`);
      } else {
        where.push("action = ?");
        params.push(query.action);
      }
    }
    if (query.since !== undefined) {
      where.push("at >= ?");
      params.push(query.since);
    }
    if (query.cursor !== undefined) {
      const [id] = decodeCursor(query.cursor, 1);
      where.push("id < ?");
      params.push(Number(id));
    }
    const limit = clampLimit(query.limit);
    const rows = await this.#db.session((s) =>
      s.all(`select * from audit_entry ${where.length > 0 ? `where ${where.join(" and ")}` : ""} order by id desc limit ${limit + 1}`, params),
    );
    const items = rows.slice(0, limit).map((r) => ({
      id: str(r["id"]),
      at: toDate(r["at"]),
      actor: str(r["actor"]),
      action: str(r["action"]),
      target: str(r["target"]),
      outcome: str(r["outcome"]) as AuditEntry["outcome"],
      details: JSON.parse(str(r["details"])) as Record<string, unknown>,
    }));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor([Number(last.id)]) : null };
  }
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(v)]));
  }
  return value;
}
