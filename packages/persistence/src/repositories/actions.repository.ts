import type {
  Action,
  ActionFailure,
  ActionKind,
  ActionOutcome,
  ActionPort,
  ActionQuery,
  ActionState,
  ConfirmationState,
  CreateUserParams,
  DirectoryUser,
  IdempotentResponse,
  NewAction,
  Page,
  UpstreamCall,
  UserStatus,
} from "@jumpcloud-sync/domain";
import { decodeCursor, encodeCursor, str, strOrNull, toDate, toDateOrNull, type Db, type Param, type Row, type Session } from "../db.js";
import { USER } from "./directory-store.repository.js";
import { clampLimit } from "./sync-run.repository.js";

const ACTION_COLUMNS =
  "id, batch_id, scope_id, account_id, kind, target_user_id, target_username, params, state, actor, attempts, next_attempt_at, lease_owner, lease_expires_at, write_started_at, created_at, started_at, finished_at, from_status, to_status, failure_code, failure_message, upstream, confirmation, confirmation_detail, confirmed_at";

/**
 * The action queue and the idempotency records (`ActionPort`). Claims are conditional updates that
 * run unchanged on both databases: a row is ours when our `update … where` affected it.
 */
export class ActionsRepository implements ActionPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async accept(actions: readonly NewAction[], at: Date, response: IdempotentResponse | null): Promise<{ readonly replay: IdempotentResponse | null }> {
    return this.#db.tx(async (s) => {
      if (response !== null) {
        // The key row first: of two concurrent requests with one key, the second's insert waits
        // on the first's (PostgreSQL) or on the write lock (SQLite), then inserts nothing.
        const inserted = await s.run(
          `insert into action_request (scope, key, fingerprint, status, body, created_at) values (?, ?, ?, ?, ?, ?) on conflict (scope, key) do nothing`,
          [response.scope, response.key, response.fingerprint, response.status, response.body, response.createdAt],
        );
        if (inserted === 0) {
          const existing = await findResponse(s, response.scope, response.key);
          if (existing !== null) return { replay: existing };
        }
      }
      for (const a of actions) {
        await s.run(
          `insert into action (${ACTION_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, 0, ?, null, null, null, ?, null, null, ?, ?, null, null, '[]', null, null, null)`,
          [
            a.id,
            a.batchId,
            a.scopeId,
            a.accountId,
            a.kind,
            a.target.userId,
            a.target.username,
            a.params === null ? null : JSON.stringify(a.params),
            a.actor,
            at,
            at,
            a.fromStatus,
            a.toStatus,
          ],
        );
      }
      return { replay: null };
    });
  }

  async findResponse(scope: string, key: string): Promise<IdempotentResponse | null> {
    return this.#db.session((s) => findResponse(s, scope, key));
  }

  async claim(owner: string, leaseMs: number, now: Date, limit: number): Promise<Action[]> {
    const expires = new Date(now.getTime() + leaseMs);
    const candidates = await this.#db.session((s) =>
      s.all(
        `select id from action where (state = 'queued' and next_attempt_at <= ?) or (state = 'running' and lease_expires_at <= ?) order by created_at, id limit ${clampLimit(limit * 4)}`,
        [now, now],
      ),
    );
    const claimed: Action[] = [];
    for (const c of candidates) {
      if (claimed.length >= limit) break;
      const id = str(c["id"]);
      const won = await this.#db.session((s) =>
        s.run(
          `update action set state = 'running', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, started_at = coalesce(started_at, ?)
           where id = ? and ((state = 'queued' and next_attempt_at <= ?) or (state = 'running' and lease_expires_at <= ?))`,
          [owner, expires, now, id, now, now],
        ),
      );
      if (won !== 1) continue;
      const action = await this.get(id);
      if (action !== null) claimed.push(action);
    }
    return claimed;
  }

  async renew(id: string, owner: string, leaseMs: number, now: Date): Promise<boolean> {
    const n = await this.#db.session((s) =>
      s.run(`update action set lease_expires_at = ? where id = ? and state = 'running' and lease_owner = ?`, [new Date(now.getTime() + leaseMs), id, owner]),
    );
    return n === 1;
  }

  async markWriteStarted(id: string, owner: string, at: Date): Promise<boolean> {
    const n = await this.#db.session((s) => s.run(`update action set write_started_at = ? where id = ? and state = 'running' and lease_owner = ?`, [at, id, owner]));
    return n === 1;
  }

  async appendUpstream(id: string, owner: string, calls: readonly UpstreamCall[]): Promise<boolean> {
    if (calls.length === 0) return true;
    return this.#db.tx(async (s) => {
      const row = await s.get(`select upstream from action where id = ? and state = 'running' and lease_owner = ?`, [id, owner]);
      if (row === undefined) return false;
      const merged = [...(JSON.parse(str(row["upstream"])) as UpstreamCall[]), ...calls].map(stripCall);
      const n = await s.run(`update action set upstream = ? where id = ? and state = 'running' and lease_owner = ?`, [JSON.stringify(merged), id, owner]);
      return n === 1;
    });
  }

  async requeue(id: string, owner: string, nextAttemptAt: Date, failure: ActionFailure): Promise<boolean> {
    const n = await this.#db.session((s) =>
      s.run(
        `update action set state = 'queued', lease_owner = null, lease_expires_at = null, next_attempt_at = ?, failure_code = ?, failure_message = ? where id = ? and state = 'running' and lease_owner = ?`,
        [nextAttemptAt, failure.code, failure.message, id, owner],
      ),
    );
    return n === 1;
  }

  async finish(id: string, owner: string, outcome: ActionOutcome, at: Date): Promise<boolean> {
    const n = await this.#db.session((s) =>
      outcome.state === "succeeded"
        ? s.run(
            `update action set state = 'succeeded', lease_owner = null, lease_expires_at = null, finished_at = ?, target_user_id = coalesce(?, target_user_id), to_status = coalesce(?, to_status),
               failure_code = null, failure_message = null, confirmation = 'pending' where id = ? and state = 'running' and lease_owner = ?`,
            [at, outcome.userId, outcome.toStatus, id, owner],
          )
        : s.run(
            `update action set state = 'failed', lease_owner = null, lease_expires_at = null, finished_at = ?, failure_code = ?, failure_message = ? where id = ? and state = 'running' and lease_owner = ?`,
            [at, outcome.failure.code, outcome.failure.message, id, owner],
          ),
    );
    return n === 1;
  }

  async nextWakeUp(): Promise<Date | null> {
    const row = await this.#db.session((s) =>
      s.get(
        `select min(t) as t from (select min(next_attempt_at) as t from action where state = 'queued' union all select min(lease_expires_at) as t from action where state = 'running') due`,
      ),
    );
    const t = row?.["t"];
    return t === null || t === undefined ? null : toDate(t);
  }

  async get(id: string): Promise<Action | null> {
    const row = await this.#db.session((s) => s.get(`select ${ACTION_COLUMNS} from action where id = ?`, [id]));
    return row === undefined ? null : actionFromRow(row);
  }

  async list(query: ActionQuery): Promise<Page<Action>> {
    const where: string[] = [];
    const params: Param[] = [];
    const eq = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      where.push(`${column} = ?`);
      params.push(value);
    };
    eq("scope_id", query.scopeId);
    eq("state", query.state);
    eq("kind", query.kind);
    eq("target_user_id", query.userId);
    eq("batch_id", query.batchId);
    if (query.cursor !== undefined) {
      const [ms, cid] = decodeCursor(query.cursor, 2);
      const at = new Date(Number(ms));
      where.push("(created_at < ? or (created_at = ? and id < ?))");
      params.push(at, at, String(cid));
    }
    const limit = clampLimit(query.limit);
    const rows = await this.#db.session((s) =>
      s.all(`select ${ACTION_COLUMNS} from action ${where.length > 0 ? `where ${where.join(" and ")}` : ""} order by created_at desc, id desc limit ${limit + 1}`, params),
    );
    const items = rows.slice(0, limit).map(actionFromRow);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.createdAt.getTime(), last.id]) : null };
  }

  async listUnconfirmed(limit: number): Promise<Action[]> {
    const rows = await this.#db.session((s) =>
      s.all(`select ${ACTION_COLUMNS} from action where confirmation = 'pending' order by finished_at, id limit ${clampLimit(limit)}`),
    );
    return rows.map(actionFromRow);
  }

  async setConfirmation(id: string, state: Exclude<ConfirmationState, "pending">, detail: string, at: Date): Promise<void> {
    await this.#db.session((s) =>
      s.run(`update action set confirmation = ?, confirmation_detail = ?, confirmed_at = ? where id = ? and confirmation = 'pending'`, [state, detail, at, id]),
    );
  }

  async reflectCreated(scopeId: string, user: DirectoryUser, at: Date): Promise<void> {
    const columns = ["scope_id", ...USER.keys, ...USER.values, "removed_at", "updated_at"];
    const values: Param[] = [scopeId, ...USER.row(user), null, at];
    const set = [...USER.values, "removed_at", "updated_at"].map((c) => `${c} = excluded.${c}`).join(", ");
    await this.#db.session((s) =>
      s.run(`insert into directory_user (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")}) on conflict (scope_id, id) do update set ${set}`, values),
    );
  }

  async reflectStatus(scopeId: string, userId: string, status: UserStatus, at: Date): Promise<void> {
    await this.#db.session((s) =>
      s.run(`update directory_user set status = ?, updated_at = ? where scope_id = ? and id = ? and removed_at is null and status <> ?`, [status, at, scopeId, userId, status]),
    );
  }

  async reflectRemoved(scopeId: string, userId: string, at: Date): Promise<void> {
    // Like a snapshot's removal: the user's assignments go with it, the first removal date stays.
    await this.#db.tx(async (s) => {
      await s.run(`update directory_user set removed_at = ?, updated_at = ? where scope_id = ? and id = ? and removed_at is null`, [at, at, scopeId, userId]);
      await s.run(`update app_assignment set removed_at = ?, updated_at = ? where scope_id = ? and user_id = ? and removed_at is null`, [at, at, scopeId, userId]);
    });
  }
}

async function findResponse(s: Session, scope: string, key: string): Promise<IdempotentResponse | null> {
  const row = await s.get(`select scope, key, fingerprint, status, body, created_at from action_request where scope = ? and key = ?`, [scope, key]);
  if (row === undefined) return null;
  return { scope: str(row["scope"]), key: str(row["key"]), fingerprint: str(row["fingerprint"]), status: Number(row["status"]), body: str(row["body"]), createdAt: toDate(row["created_at"]) };
}

/** Only the three fields a call may carry: no body, no header can slip into the stored list. */
function stripCall(c: UpstreamCall): UpstreamCall {
  return { method: c.method, path: c.path, status: c.status, at: c.at };
}

function actionFromRow(r: Row): Action {
  const failureCode = strOrNull(r["failure_code"]);
  const params = strOrNull(r["params"]);
  return {
    id: str(r["id"]),
    batchId: strOrNull(r["batch_id"]),
    scopeId: str(r["scope_id"]),
    accountId: str(r["account_id"]),
    kind: str(r["kind"]) as ActionKind,
    target: { userId: strOrNull(r["target_user_id"]), username: strOrNull(r["target_username"]) },
    params: params === null ? null : (JSON.parse(params) as CreateUserParams),
    state: str(r["state"]) as ActionState,
    actor: str(r["actor"]),
    attempts: Number(r["attempts"]),
    writeStartedAt: toDateOrNull(r["write_started_at"]),
    createdAt: toDate(r["created_at"]),
    nextAttemptAt: toDate(r["next_attempt_at"]),
    startedAt: toDateOrNull(r["started_at"]),
    finishedAt: toDateOrNull(r["finished_at"]),
    fromStatus: strOrNull(r["from_status"]) as UserStatus | null,
    toStatus: strOrNull(r["to_status"]) as UserStatus | "deleted" | null,
    failure: failureCode === null ? null : { code: failureCode, message: strOrNull(r["failure_message"]) ?? "" },
    upstream: JSON.parse(str(r["upstream"])) as UpstreamCall[],
    confirmation: strOrNull(r["confirmation"]) as ConfirmationState | null,
    confirmationDetail: strOrNull(r["confirmation_detail"]),
    confirmedAt: toDateOrNull(r["confirmed_at"]),
  };
}
