import type { MikroORM } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/sql";
import { CompiledQuery, type Kysely } from "kysely";
import type { Dialect } from "./config.js";
import { releaseStatements } from "./native-statements.js";

export type Param = string | number | boolean | Date | null;
export type Row = Record<string, unknown>;

/**
 * One unit of work on a short-lived forked EntityManager, inside its transaction when there is one.
 * Statements go through the ORM connection's Kysely executor with bound parameters (MikroORM's
 * `connection.execute` inlines every value into the SQL text, which is wasteful for 10⁵-row batches).
 */
export class Session {
  readonly em: EntityManager;
  readonly dialect: Dialect;

  constructor(em: EntityManager, dialect: Dialect) {
    this.em = em;
    this.dialect = dialect;
  }

  /** The transaction's Kysely handle (a `ControlledTransaction` is a Kysely) or the pool's. */
  #executor(): Kysely<unknown> {
    const tx: unknown = this.em.getTransactionContext();
    return (tx ?? this.em.getConnection().getClient()) as Kysely<unknown>;
  }

  /**
   * Rewrites `?` placeholders to `$n` for PostgreSQL (so the repositories' SQL must not contain a
   * literal `?`: no jsonb `?` operator, no `?` in string literals) and converts values the driver
   * does not take.
   */
  #compile(sql: string, params: readonly Param[]): CompiledQuery {
    const values = params.map((v) => toDriver(this.dialect, v));
    if (this.dialect === "sqlite") return CompiledQuery.raw(sql, values);
    let i = 0;
    return CompiledQuery.raw(
      sql.replace(/\?/gu, () => `$${++i}`),
      values,
    );
  }

  async all<T extends Row = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    const started = performance.now();
    const res = await this.#executor().executeQuery<T>(this.#compile(sql, params));
    this.#log(sql, started, { results: res.rows.length });
    if (this.dialect === "sqlite") await releaseStatements();
    return [...res.rows];
  }

  async get<T extends Row = Row>(sql: string, params: readonly Param[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Rows inserted, updated or deleted by the statement. */
  async run(sql: string, params: readonly Param[] = []): Promise<number> {
    const started = performance.now();
    const res = await this.#executor().executeQuery(this.#compile(sql, params));
    const affected = Number(res.numAffectedRows ?? 0n);
    this.#log(sql, started, { affected });
    if (this.dialect === "sqlite") await releaseStatements();
    return affected;
  }

  /** With `debug`, statements go to MikroORM's query log: the SQL only, never the parameters. */
  #log(sql: string, started: number, counts: { results?: number; affected?: number }): void {
    const logger = this.em.config.getLogger();
    if (!logger.isEnabled("query")) return;
    const text = sql.replace(/\s+/gu, " ");
    const query = text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
    logger.logQuery({ query, took: Math.round(performance.now() - started), ...counts, level: "info" });
  }
}

/** Opens sessions on forks of the ORM's EntityManager: nothing outlives a repository call. */
export class Db {
  readonly orm: MikroORM;
  readonly dialect: Dialect;
  /**
   * SQLite binds at most 32,766 parameters per statement, PostgreSQL 65,535. Within that, SQLite
   * (in-process, no round trip) gains from the biggest statements; on PostgreSQL 100-, 1,000- and
   * 5,000-row statements measured within 10 % of each other here, so it takes a middle size that
   * keeps each message and its parse small.
   */
  readonly maxParams: number;
  readonly maxRows: number;

  constructor(orm: MikroORM, dialect: Dialect) {
    this.orm = orm;
    this.dialect = dialect;
    this.maxParams = dialect === "sqlite" ? 32_000 : 65_000;
    this.maxRows = dialect === "sqlite" ? 5_000 : 1_000;
  }

  /** Autocommit: for reads and single-statement writes (atomic on their own). */
  async session<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    return fn(new Session(this.#fork(), this.dialect));
  }

  async tx<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    return this.#fork().transactional((txEm) => fn(new Session(txEm, this.dialect)));
  }

  #fork(): EntityManager {
    return this.orm.em.fork({ clear: true }) as EntityManager;
  }

  /** Rows per statement for a multi-row VALUES list of `columns` columns. */
  batchSize(columns: number): number {
    return Math.max(1, Math.min(this.maxRows, Math.floor(this.maxParams / columns)));
  }
}

function toDriver(dialect: Dialect, v: Param): unknown {
  if (dialect === "postgresql") return v;
  // better-sqlite3 takes neither booleans nor dates; MikroORM stores SQLite datetimes as epoch ms.
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return v;
}

/** `?, ?, ?` groups for a multi-row VALUES list. */
export function valuesList(rows: number, columns: number): string {
  const one = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  return Array.from({ length: rows }, () => one).join(", ");
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A stored timestamp (epoch ms on SQLite, Date or string from PostgreSQL) as a Date. */
export function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === "number" || typeof v === "bigint") return new Date(Number(v));
  if (typeof v === "string") return /^\d+$/u.test(v) ? new Date(Number(v)) : new Date(v);
  throw new TypeError(`not a timestamp: ${String(v)}`);
}

export function toDateOrNull(v: unknown): Date | null {
  return v === null || v === undefined ? null : toDate(v);
}

export function toIsoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : toDate(v).toISOString();
}

export function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === 1n || v === "t" || v === "true";
}

export function str(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  throw new TypeError(`expected a string column, got ${typeof v}`);
}

export function strOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

/** Parses an ISO 8601 timestamp from the domain, refusing garbage instead of storing NaN. */
export function parseIso(value: string, what: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new TypeError(`${what}: not an ISO 8601 timestamp: ${value}`);
  return d;
}

/** Opaque, stable keyset cursors. */
export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === "string" || typeof p === "number")) {
      return parts;
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError(cursor);
}

export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
  constructor(cursor: string) {
    super(`invalid page cursor: ${cursor.slice(0, 40)}`);
  }
}
