import { createHash, randomUUID } from "node:crypto";
import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import type { JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";
import {
  chooseUsername,
  InvalidUsernameError,
  targetStatusOf,
  transitionFor,
  type Account,
  type Action,
  type ActionKind,
  type Clock,
  type CreateUserParams,
  type IdempotentResponse,
  type NewAction,
  type Scope,
} from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { userStatusOf } from "../directory/snapshot-mapper.js";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import type { ActionDto, SubmitActionsBody, SubmitActionsResultDto } from "./actions.schemas.js";
import { ActionsWorker } from "./actions.worker.js";
import { auditTarget } from "./audit-target.js";
import { refusalOf, UpstreamLog, UserLookups, writeOf, type Refusal } from "./upstream.js";

/** Who is asking: the audit actor and the scope their idempotency keys live in. */
export interface Caller {
  /** `token:<name>` or `cli`. */
  readonly actor: string;
  /** The API token's id (`cli` for the CLI): one caller cannot replay another's answers. */
  readonly idempotencyScope: string;
}

/** What goes back to the caller: a JSON body with its status; problems are problem+json. */
export interface SubmitResponse {
  readonly status: number;
  readonly body: unknown;
  readonly problem: boolean;
  readonly replayed: boolean;
}

type ItemResult = SubmitActionsResultDto["items"][number];

interface Planned {
  readonly result: ItemResult;
  readonly action: NewAction | null;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly errors?: { location: "body"; path: string; message: string }[];
}

function problem(r: Refusal, instance: string, errors?: ProblemBody["errors"]): ProblemBody {
  return { type: `urn:jumpcloud-sync:problem:${r.kind}`, title: r.title, status: r.status, detail: r.detail, instance, ...(errors === undefined ? {} : { errors }) };
}

/**
 * Accepts action requests: checks the permission, validates every item against JumpCloud with
 * reads only (does the user exist, is the transition valid, are the username and email free),
 * answers a dry run from that, or queues the accepted items durably — with the request's answer
 * under its Idempotency-Key in the same transaction — and records every item in the audit trail.
 */
@Injectable()
export class ActionsService {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly clients: JumpCloudClients,
    private readonly worker: ActionsWorker,
  ) {}

  /**
   * `work: false` queues without starting this process's worker (the CLI's `--no-wait` leaves the
   * actions to the service or to `actions work`; without it the CLI works them itself).
   */
  async submit(body: SubmitActionsBody, caller: Caller, request: { method: string; path: string }, idempotencyKey: string | null, options: { work?: boolean } = {}): Promise<SubmitResponse> {
    const instance = request.path;
    const fingerprint = fingerprintOf(request.method, request.path, body);
    const auditBase = { request: { method: request.method, path: request.path }, dryRun: body.dryRun, ...(idempotencyKey === null ? {} : { idempotencyKey }) };
    if (idempotencyKey !== null) {
      const stored = await this.store.actions.findResponse(caller.idempotencyScope, idempotencyKey);
      if (stored !== null) return this.replay(stored, fingerprint, body, caller, instance, auditBase);
    }

    const refuseAll = async (r: Refusal): Promise<SubmitResponse> => {
      await this.audit(caller.actor, `user.${body.action}`, `scope:${body.scopeId}`, "refused", { ...auditBase, reason: r.detail, status: r.status });
      return this.finishWithoutActions(problem(r, instance), r.status, true, caller, idempotencyKey, fingerprint);
    };
    const scope = await this.store.accounts.getScope(body.scopeId);
    const account = scope === null ? null : await this.store.accounts.getAccount(scope.accountId);
    if (scope === null || account === null) return refuseAll({ status: 404, kind: "not-found", title: "Not found", detail: `No scope ${body.scopeId}. List them with GET /v1/scopes.` });
    if (account.permission !== "read-and-act") {
      return refuseAll({
        status: 403,
        kind: "permission",
        title: "Actions not permitted",
        detail: `The account ${account.name} is connected with permission "${account.permission}": only accounts connected with "read-and-act" may act on JumpCloud. Reconnect it with that permission (\`jumpcloud-sync accounts update ${account.id} --permission read-and-act\`, or PATCH /v1/accounts/${account.id}) if its administrator's key may change users.`,
      });
    }
    if (!scope.enabled) return refuseAll({ status: 409, kind: "conflict", title: "Conflict", detail: `The scope ${scope.id} is disabled (its organization is no longer managed by this key).` });

    const client = await this.clients.forScope(account, scope);
    const batchId = body.users.length > 1 && !body.dryRun ? randomUUID() : null;
    const planned = await mapLimit<SubmitActionsBody["users"][number], Planned>(body.users, Math.max(1, this.config.jumpcloud.concurrency), (item, index) =>
      this.plan(body, item, index, { account, scope, client, batchId, caller }),
    );
    refuseDuplicates(body, planned);

    const items = planned.map((p) => p.result);
    const summary = {
      accepted: items.filter((i) => i.outcome === "accepted").length,
      noChange: items.filter((i) => i.outcome === "no-change").length,
      wouldChange: items.filter((i) => i.outcome === "would-change").length,
      refused: items.filter((i) => i.outcome === "refused").length,
    };
    const result: SubmitActionsResultDto = { dryRun: body.dryRun, action: body.action, scopeId: scope.id, batchId: summary.accepted > 0 ? batchId : null, items, summary };

    let status = summary.accepted > 0 ? 202 : 200;
    let responseBody: unknown = result;
    let isProblem = false;
    if (summary.refused === items.length) {
      isProblem = true;
      const only = items.length === 1 ? items[0]?.problem : null;
      if (only !== null && only !== undefined) {
        status = only.status;
        responseBody = { ...only, instance };
      } else {
        // Several items, none acceptable: one problem listing each item's reason.
        const statuses = new Set(items.map((i) => i.problem?.status));
        status = statuses.size === 1 ? (items[0]?.problem?.status ?? 422) : 422;
        responseBody = problem(
          { status, kind: "all-refused", title: "Nothing accepted", detail: `None of the ${items.length} items can be done: ${items.map((i) => `#${i.index}: ${i.problem?.detail ?? "refused"}`).join(" ")}` },
          instance,
          items.map((i) => ({ location: "body" as const, path: `users.${i.index}`, message: i.problem?.detail ?? "refused" })),
        );
      }
    }

    const actions = planned.flatMap((p) => (p.action === null ? [] : [p.action]));
    const now = this.clock.now();
    // A JumpCloud outage is not an answer worth replaying: the caller should retry and get the real one.
    const record: IdempotentResponse | null =
      idempotencyKey === null || status >= 500 ? null : { scope: caller.idempotencyScope, key: idempotencyKey, fingerprint, status, body: JSON.stringify(responseBody), createdAt: now };
    const { replay } = await this.store.actions.accept(actions, now, record);
    if (replay !== null) return this.replay(replay, fingerprint, body, caller, instance, auditBase);

    for (const item of items) {
      const outcome = item.outcome === "refused" ? "refused" : body.dryRun ? "previewed" : item.outcome === "accepted" ? "accepted" : "succeeded";
      await this.audit(caller.actor, `user.${body.action}`, auditTarget(scope.id, item.userId, item.username), outcome, {
        ...auditBase,
        ...(item.actionId === null ? {} : { actionId: item.actionId }),
        ...(batchId === null || item.actionId === null ? {} : { batchId }),
        item: item.index,
        from: item.from,
        to: item.to,
        ...(item.outcome === "no-change" ? { note: "already in that state: nothing sent" } : {}),
        ...(item.problem === null ? {} : { reason: item.problem.detail, status: item.problem.status }),
        ...(item.warnings.length === 0 ? {} : { warnings: item.warnings }),
        jumpcloud: item.requests.map(({ method, path, status: s, phase }) => ({ method, path, status: s, phase })),
      });
    }
    if (actions.length > 0) {
      this.logger.info({ actor: caller.actor, action: body.action, scopeId: scope.id, accepted: actions.length, batchId }, "actions accepted");
      if (options.work !== false) this.worker.kick();
    }
    return { status, body: responseBody, problem: isProblem, replayed: false };
  }

  private async replay(stored: IdempotentResponse, fingerprint: string, body: SubmitActionsBody, caller: Caller, instance: string, auditBase: Record<string, unknown>): Promise<SubmitResponse> {
    if (stored.fingerprint !== fingerprint) {
      const r: Refusal = {
        status: 422,
        kind: "idempotency-key-reused",
        title: "Idempotency key reused",
        detail: "This Idempotency-Key was already used for a different request (another body or path). Use a new key for a new request; retry a request with exactly the same body.",
      };
      await this.audit(caller.actor, `user.${body.action}`, `scope:${body.scopeId}`, "refused", { ...auditBase, reason: r.detail, status: 422 });
      return { status: 422, body: problem(r, instance), problem: true, replayed: false };
    }
    await this.audit(caller.actor, `user.${body.action}`, `scope:${body.scopeId}`, "succeeded", { ...auditBase, replayed: true, note: "the first answer to this Idempotency-Key was returned; nothing was done again", status: stored.status });
    const parsed: unknown = JSON.parse(stored.body);
    const isProblem = typeof parsed === "object" && parsed !== null && "type" in parsed && "title" in parsed && "status" in parsed && !("items" in parsed);
    return { status: stored.status, body: parsed, problem: isProblem, replayed: true };
  }

  private async finishWithoutActions(body: ProblemBody, status: number, isProblem: boolean, caller: Caller, key: string | null, fingerprint: string): Promise<SubmitResponse> {
    if (key !== null && status < 500) {
      const { replay } = await this.store.actions.accept([], this.clock.now(), { scope: caller.idempotencyScope, key, fingerprint, status, body: JSON.stringify(body), createdAt: this.clock.now() });
      if (replay !== null) return { status: replay.status, body: JSON.parse(replay.body) as unknown, problem: true, replayed: true };
    }
    return { status, body, problem: isProblem, replayed: false };
  }

  private async plan(
    body: SubmitActionsBody,
    item: SubmitActionsBody["users"][number],
    index: number,
    ctx: { account: Account; scope: Scope; client: JumpCloudClient; batchId: string | null; caller: Caller },
  ): Promise<Planned> {
    const log = new UpstreamLog(this.clock);
    const users = new UserLookups(ctx.client, log);
    const base = { index, actionId: null, userId: null, username: null, from: null, to: null, warnings: [] as string[] };
    const refused = (r: Refusal, extra: Partial<ItemResult> = {}): Planned => ({
      result: { ...base, ...extra, outcome: "refused", requests: log.calls.map(callDto), problem: { status: r.status, type: `urn:jumpcloud-sync:problem:${r.kind}`, title: r.title, detail: r.detail } },
      action: null,
    });
    try {
      if (body.action === "create") {
        const c = item as Extract<SubmitActionsBody, { action: "create" }>["users"][number];
        let choice;
        try {
          choice = chooseUsername({ username: c.username ?? null, firstName: c.firstName ?? null, lastName: c.lastName ?? null });
        } catch (error) {
          if (!(error instanceof InvalidUsernameError)) throw error;
          return refused({ status: 400, kind: "invalid-username", title: "Invalid username", detail: `${error.message}. JumpCloud usernames start with a letter and hold only letters, digits, "." and "_" (at most 30 characters); nothing was sent to JumpCloud.` });
        }
        const identity = { username: choice.username, warnings: [...choice.warnings] };
        const byName = await users.byUsername(choice.username);
        if (byName !== null) return refused({ status: 409, kind: "conflict", title: "Already exists", detail: `The username ${choice.username} is already taken by JumpCloud user ${byName.id}; nothing was created.` }, identity);
        const byEmail = await users.byEmail(c.email);
        if (byEmail !== null) return refused({ status: 409, kind: "conflict", title: "Already exists", detail: `The email ${c.email} is already used by JumpCloud user ${byEmail.id}; nothing was created.` }, identity);
        const params: CreateUserParams = { username: choice.username, email: c.email, firstName: c.firstName ?? null, lastName: c.lastName ?? null, initialState: c.state };
        const to = targetStatusOf("create", c.state);
        return this.accepted(body, log, { ...base, ...identity, to }, ctx, { userId: null, username: choice.username }, params, null, to);
      }
      const t = item as { userId: string } | { username: string };
      const user = "userId" in t ? await users.byId(t.userId) : await users.byUsername(t.username);
      const asked = "userId" in t ? { userId: t.userId } : { username: t.username };
      if (user === null) return refused({ status: 404, kind: "not-found", title: "Not found", detail: `JumpCloud has no user ${"userId" in t ? `with id ${t.userId}` : `named ${t.username}`} in this organization.` }, asked);
      const status = userStatusOf(user);
      const identity = { userId: user.id, username: user.username ?? null, from: status };
      const verdict = transitionFor(body.action, status);
      if (verdict.kind === "invalid") return refused({ status: 409, kind: "invalid-transition", title: "Not possible in this state", detail: `Cannot ${body.action} ${user.username ?? user.id}: ${verdict.reason}.` }, identity);
      if (verdict.kind === "no-op") {
        return { result: { ...base, ...identity, to: status, outcome: "no-change", requests: log.calls.map(callDto), warnings: [verdict.reason], problem: null }, action: null };
      }
      return this.accepted(body, log, { ...base, ...identity, to: verdict.to }, ctx, { userId: user.id, username: user.username ?? null }, null, status, verdict.to);
    } catch (error) {
      const r = refusalOf(error);
      if (r.status >= 500 && r.kind === "internal") this.logger.error({ err: error }, "validating an action item failed");
      return refused(r);
    }
  }

  private accepted(
    body: SubmitActionsBody,
    log: UpstreamLog,
    result: Omit<ItemResult, "outcome" | "requests" | "problem">,
    ctx: { account: Account; scope: Scope; batchId: string | null; caller: Caller },
    target: NewAction["target"],
    params: CreateUserParams | null,
    from: NewAction["fromStatus"],
    to: NewAction["toStatus"],
  ): Planned {
    const write = writeOf(body.action, target.userId);
    log.planned(write.method, write.path);
    const requests = log.calls.map(callDto);
    if (body.dryRun) return { result: { ...result, outcome: "would-change", requests, problem: null }, action: null };
    const id = randomUUID();
    const action: NewAction = { id, batchId: ctx.batchId, scopeId: ctx.scope.id, accountId: ctx.account.id, kind: body.action, target, params, actor: ctx.caller.actor, fromStatus: from, toStatus: to };
    return { result: { ...result, actionId: id, outcome: "accepted", requests, problem: null }, action };
  }

  private async audit(actor: string, action: string, target: string, outcome: "succeeded" | "failed" | "refused" | "accepted" | "previewed", details: Record<string, unknown>): Promise<void> {
    await this.store.audit.record({ at: this.clock.now(), actor, action, target, outcome, details });
  }

  async get(id: string): Promise<Action | null> {
    return this.store.actions.get(id);
  }
}

function callDto(c: { method: string; path: string; status: number | null; phase: "read" | "write" }): ItemResult["requests"][number] {
  return { method: c.method, path: c.path, status: c.status, phase: c.phase };
}

/**
 * One user once per request: a second item naming the same user (or, for creates, the same
 * username or email) is refused, so a bulk request never races itself.
 */
function refuseDuplicates(body: SubmitActionsBody, planned: Planned[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < planned.length; i++) {
    const p = planned[i];
    if (p === undefined || p.result.outcome === "refused") continue;
    const keys =
      body.action === "create"
        ? [`u:${p.result.username ?? ""}`, `e:${((body.users[i] as { email?: string } | undefined)?.email ?? "").toLowerCase()}`]
        : [`id:${p.result.userId ?? ""}`];
    if (keys.some((k) => seen.has(k))) {
      planned[i] = {
        action: null,
        result: {
          ...p.result,
          actionId: null,
          outcome: "refused",
          problem: { status: 409, type: "urn:jumpcloud-sync:problem:duplicate-item", title: "Duplicate item", detail: `Item #${i} names the same user as an earlier item of this request; each user is acted on once.` },
        },
      };
      continue;
    }
    for (const k of keys) seen.add(k);
  }
}

/** sha256 over method, path and the body with sorted keys: the same request always fingerprints the same. */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method.toUpperCase()} ${path}\n${canonical(body)}`).digest("hex");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(runners);
  return out;
}

/** An action as the API and the CLI show it. */
export function actionDto(a: Action): ActionDto {
  return {
    id: a.id,
    batchId: a.batchId,
    scopeId: a.scopeId,
    accountId: a.accountId,
    action: a.kind,
    state: a.state,
    userId: a.target.userId,
    username: a.target.username,
    email: a.params?.email ?? null,
    from: a.fromStatus,
    to: a.toStatus,
    requestedBy: a.actor,
    attempts: a.attempts,
    createdAt: a.createdAt.toISOString(),
    nextAttemptAt: a.nextAttemptAt.toISOString(),
    startedAt: a.startedAt?.toISOString() ?? null,
    finishedAt: a.finishedAt?.toISOString() ?? null,
    failure: a.failure,
    requests: a.upstream.map((c) => ({ method: c.method, path: c.path, status: c.status, at: c.at })),
    confirmation: a.confirmation,
    confirmationDetail: a.confirmationDetail,
    confirmedAt: a.confirmedAt?.toISOString() ?? null,
  };
}

export type { ActionKind };
