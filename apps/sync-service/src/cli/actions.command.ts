import type { Action, ActionKind, ActionState } from "@jumpcloud-sync/domain";
import { SubmitActionsBody, type SubmitActionsResultDto } from "../actions/actions.schemas.js";
import { actionDto, ActionsService, type SubmitResponse } from "../actions/actions.service.js";
import { ActionsWorker } from "../actions/actions.worker.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { intOption, parse, UsageError, type ParsedArgs } from "./args.js";
import { table, toJson } from "./format.js";
import { withService } from "./service.js";

export const ACTIONS_USAGE = `jumpcloud-sync actions <command>     act on JumpCloud users (accounts connected with read-and-act only)
  create  [--scope <id>] --email <e> (--username <u> | --first-name <f> --last-name <l>) [--activated]
  suspend | activate | unsuspend | delete  [--scope <id>] (--user <id> | --username <u>)…
      common: [--dry-run] [--no-wait] [--idempotency-key <k>] [--json]
      --dry-run validates with reads and prints what would change; nothing is written or queued.
      Without --no-wait the command works the queued actions and exits 0 when all succeeded, 1 otherwise.
  list [--scope <id>] [--state queued|running|succeeded|failed] [--limit <n>] [--json]
  work                      works the queue until it is empty (after a crash: claims what a dead process left)
  --scope may be left out when there is exactly one enabled scope.`;

const KINDS: readonly ActionKind[] = ["create", "suspend", "activate", "unsuspend", "delete"];
const STATES: readonly ActionState[] = ["queued", "running", "succeeded", "failed"];
const ACTOR = "cli";

const COMMON = {
  scope: { type: "string" },
  "dry-run": { type: "boolean" },
  "no-wait": { type: "boolean" },
  "idempotency-key": { type: "string" },
  json: { type: "boolean" },
} as const;

export async function actionsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub ?? "") {
    case "create": {
      const args = parse(rest, { ...COMMON, email: { type: "string" }, username: { type: "string" }, "first-name": { type: "string" }, "last-name": { type: "string" }, activated: { type: "boolean" } });
      noPositionals(args, "actions create");
      const email = args.str("email");
      if (email === undefined) throw new UsageError("actions create needs --email");
      const username = args.str("username");
      const firstName = args.str("first-name");
      const lastName = args.str("last-name");
      if (username === undefined && firstName === undefined && lastName === undefined) throw new UsageError("actions create needs --username, or --first-name and --last-name to build it from");
      const user = { email, state: args.bool("activated") ? "activated" : "staged", ...(username === undefined ? {} : { username }), ...(firstName === undefined ? {} : { firstName }), ...(lastName === undefined ? {} : { lastName }) };
      return submit(args, "create", [user]);
    }
    case "suspend":
    case "activate":
    case "unsuspend":
    case "delete": {
      const args = parse(rest, { ...COMMON, user: { type: "string", multiple: true }, username: { type: "string", multiple: true } });
      noPositionals(args, `actions ${sub}`);
      const users = [...args.list("user").map((userId) => ({ userId })), ...args.list("username").map((u) => ({ username: u }))];
      if (users.length === 0) throw new UsageError(`actions ${sub} needs --user <id> or --username <name> (repeat for several)`);
      return submit(args, sub as ActionKind, users);
    }
    case "list": {
      const args = parse(rest, { scope: { type: "string" }, state: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } });
      noPositionals(args, "actions list");
      const state = args.str("state");
      if (state !== undefined && !STATES.includes(state as ActionState)) throw new UsageError(`--state must be one of ${STATES.join(", ")}`);
      const limit = intOption(args.str("limit"), "--limit") ?? 50;
      return withService({}, async ({ app }) => {
        const scope = args.str("scope");
        const page = await app.get<SyncStore>(STORE).actions.list({ limit, ...(scope === undefined ? {} : { scopeId: scope }), ...(state === undefined ? {} : { state: state as ActionState }) });
        if (args.bool("json")) {
          process.stdout.write(`${toJson(page.items.map(actionDto))}\n`);
          return 0;
        }
        if (page.items.length === 0) {
          process.stdout.write("No actions.\n");
          return 0;
        }
        process.stdout.write(`${table([["ID", "ACTION", "USER", "STATE", "ATTEMPTS", "CREATED", "CONFIRMATION", "DETAIL"], ...page.items.map(row)])}\n`);
        return 0;
      });
    }
    case "work": {
      const args = parse(rest, {});
      noPositionals(args, "actions work");
      return withService({}, async ({ app, signalled }) => {
        const store = app.get<SyncStore>(STORE);
        const controller = new AbortController();
        const check = setInterval(() => {
          if (signalled() !== null) controller.abort();
        }, 100);
        try {
          await app.get(ActionsWorker).runUntilIdle(controller.signal);
        } finally {
          clearInterval(check);
        }
        const failed = (await store.actions.list({ state: "failed", limit: 1 })).items.length;
        process.stdout.write(`The action queue is empty${failed > 0 ? " (some actions failed: `jumpcloud-sync actions list --state failed`)" : ""}.\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(ACTIONS_USAGE);
  }
}

async function submit(args: ParsedArgs, kind: ActionKind, users: Record<string, unknown>[]): Promise<number> {
  if (!KINDS.includes(kind)) throw new UsageError(ACTIONS_USAGE);
  return withService({}, async ({ app }) => {
    const store = app.get<SyncStore>(STORE);
    const scopeId = args.str("scope") ?? (await onlyScope(store));
    const parsed = SubmitActionsBody.safeParse({ scopeId, action: kind, dryRun: args.bool("dry-run"), users });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const body: SubmitActionsBody = parsed.data;
    const answer = await app.get(ActionsService).submit(body, { actor: ACTOR, idempotencyScope: ACTOR }, { method: "CLI", path: `actions ${kind}` }, args.str("idempotency-key") ?? null, { work: false });
    const result = resultOf(answer);
    if (result === null) {
      const p = answer.body as { detail?: string; title?: string };
      process.stderr.write(`jumpcloud-sync: ${p.title ?? "refused"}: ${p.detail ?? JSON.stringify(answer.body)}\n`);
      return 1;
    }
    const ids = result.items.flatMap((i) => (i.actionId === null ? [] : [i.actionId]));
    const done = ids.length === 0 || args.bool("no-wait") ? [] : await app.get(ActionsWorker).runUntilDone(ids);
    if (args.bool("json")) {
      process.stdout.write(`${toJson({ ...result, actions: done.map(actionDto) })}\n`);
    } else {
      process.stdout.write(`${describe(result, done, args.bool("no-wait"))}\n`);
    }
    const refused = result.items.some((i) => i.outcome === "refused");
    const failed = done.some((a) => a.state !== "succeeded");
    return refused || failed ? 1 : 0;
  });
}

function resultOf(answer: SubmitResponse): SubmitActionsResultDto | null {
  const body = answer.body as Partial<SubmitActionsResultDto>;
  return Array.isArray(body.items) ? (body as SubmitActionsResultDto) : null;
}

async function onlyScope(store: SyncStore): Promise<string> {
  const scopes = (await store.accounts.listScopes()).filter((s) => s.enabled);
  if (scopes.length === 1 && scopes[0] !== undefined) return scopes[0].id;
  throw new UsageError(scopes.length === 0 ? "no scope yet: add an account first (`jumpcloud-sync accounts add`)" : `several scopes exist: pass --scope (${scopes.map((s) => s.id).join(", ")})`);
}

function describe(result: SubmitActionsResultDto, done: readonly Action[], noWait: boolean): string {
  const byId = new Map(done.map((a) => [a.id, a]));
  const lines = result.items.map((i) => {
    const who = i.username ?? i.userId ?? `#${i.index}`;
    const change = i.from === null && i.to === null ? "" : ` ${i.from ?? "(new)"} → ${i.to ?? "?"}`;
    const action = i.actionId === null ? undefined : byId.get(i.actionId);
    const state =
      i.outcome === "refused"
        ? `refused (${i.problem?.status ?? "?"}): ${i.problem?.detail ?? ""}`
        : i.outcome === "would-change"
          ? `would change (dry run; would send ${i.requests.filter((r) => r.phase === "write").map((r) => `${r.method} ${r.path}`).join(", ")})`
          : i.outcome === "no-change"
            ? `no change: ${i.warnings.join("; ")}`
            : action === undefined
              ? `queued as ${i.actionId ?? "?"}${noWait ? " (`jumpcloud-sync actions work` or the service will do it)" : ""}`
              : action.state === "succeeded"
                ? `succeeded (${action.attempts} attempt${action.attempts === 1 ? "" : "s"}; action ${action.id})`
                : `${action.state}: ${action.failure?.message ?? ""}`;
    const warnings = i.outcome !== "no-change" && i.warnings.length > 0 ? ` [warning: ${i.warnings.join("; ")}]` : "";
    return `#${i.index} ${result.action} ${who}${change}: ${state}${warnings}`;
  });
  return [...lines, `${result.dryRun ? "Dry run: nothing was written. " : ""}accepted ${result.summary.accepted}, would change ${result.summary.wouldChange}, no change ${result.summary.noChange}, refused ${result.summary.refused}`].join("\n");
}

function row(a: Action): string[] {
  return [
    a.id,
    a.kind,
    a.target.username ?? a.target.userId ?? "?",
    a.state,
    String(a.attempts),
    a.createdAt.toISOString(),
    a.confirmation ?? "-",
    a.failure?.message ?? a.confirmationDetail ?? "",
  ];
}

function noPositionals(args: ParsedArgs, usage: string): void {
  if (args.positionals.length > 0) throw new UsageError(`unexpected ${args.positionals.join(" ")}; see \`jumpcloud-sync ${usage} --help\`\n${ACTIONS_USAGE}`);
}
