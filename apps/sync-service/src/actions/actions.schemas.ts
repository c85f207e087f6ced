import { z } from "zod";

// The actions API's contract (request validation and the documented responses), beside the
// module that serves it. `.meta({ id })` names a schema as an OpenAPI component.

const isoDate = z.iso.datetime({ offset: true });
const UserStatus = z.enum(["active", "suspended", "staged"]);
const Outcome = z.enum(["succeeded", "failed", "refused", "accepted", "previewed"]);

const limit = z.coerce.number().int().min(1).max(500).default(50).describe("Page size (1–500, default 50).");
const cursor = z.string().min(1).max(2000).optional().describe("`nextCursor` of the previous page; omit for the first page.");

const userId = z.string().trim().min(1).max(100).describe("The JumpCloud user id.");
const username = z.string().trim().min(1).max(200).describe("The JumpCloud username (matched exactly).");

/** A user to act on: by id, or by username (looked up in JumpCloud). */
const TargetItem = z
  .union([z.object({ userId }).strict(), z.object({ username }).strict()])
  .meta({ id: "ActionTarget", description: "The user to act on: `{userId}` or `{username}` (looked up in JumpCloud, case-sensitive)." });

export const CreateUserItem = z
  .object({
    username: z
      .string()
      .max(200)
      .optional()
      .describe("The username. Omitted: built from `firstName` and `lastName`, each run of spaces one dot (`Jane  van Doe` → `Jane.van.Doe`); JumpCloud's rules apply either way."),
    firstName: z.string().trim().max(200).optional(),
    lastName: z.string().trim().max(200).optional(),
    email: z.email().max(320).describe("Required and unique in the organization."),
    state: z.enum(["staged", "activated"]).default("staged").describe("`staged`: the user activates later (activation email); `activated`: active at once."),
  })
  .strict()
  .meta({ id: "CreateUserItem", description: "A new user. No password is taken: JumpCloud's activation email lets the user set one (a password would have to sit in the durable queue)." });

const common = {
  scopeId: z.string().trim().min(1).max(200).describe("The scope (account × organization) whose directory to act on."),
  dryRun: z.boolean().default(false).describe("Validate everything (reads included) and answer what would change; no JumpCloud write is sent and nothing is queued."),
};

export const SubmitActionsBody = z
  .discriminatedUnion("action", [
    z.object({ ...common, action: z.literal("create"), users: z.array(CreateUserItem).min(1).max(500) }).strict(),
    z.object({ ...common, action: z.enum(["suspend", "activate", "unsuspend", "delete"]), users: z.array(TargetItem).min(1).max(500) }).strict(),
  ])
  .meta({ id: "SubmitActions", description: "One action for one or many users (bulk: up to 500)." });
export type SubmitActionsBody = z.output<typeof SubmitActionsBody>;

export const UpstreamCallDto = z
  .object({
    method: z.string(),
    path: z.string().describe("The JumpCloud path, with a lookup's filter (never a body)."),
    status: z.number().int().nullable().describe("null: not sent (dry run) or no answer (timeout, reset)."),
    phase: z.enum(["read", "write"]),
  })
  .meta({ id: "UpstreamCall", description: "A JumpCloud request an action made or would make: method, path and status, never a body." });

const ItemProblem = z
  .object({ status: z.number().int(), type: z.string(), title: z.string(), detail: z.string() })
  .meta({ id: "ActionItemProblem", description: "Why an item was refused (the same fields as a problem document)." });

export const ActionItemResultDto = z
  .object({
    index: z.number().int().describe("The item's position in `users`."),
    outcome: z.enum(["accepted", "no-change", "would-change", "refused"]).describe("`accepted`: queued (see `actionId`); `no-change`: already in that state, nothing to do; `would-change`: a dry run's verdict; `refused`: see `problem`."),
    actionId: z.string().nullable(),
    userId: z.string().nullable(),
    username: z.string().nullable(),
    from: UserStatus.nullable().describe("The user's status now (null for a create)."),
    to: z.enum(["active", "suspended", "staged", "deleted"]).nullable(),
    warnings: z.array(z.string()),
    requests: z.array(UpstreamCallDto).describe("Reads made to validate, and the writes sent later (accepted) or that would be sent (dry run)."),
    problem: ItemProblem.nullable(),
  })
  .meta({ id: "ActionItemResult" });

export const SubmitActionsResultDto = z
  .object({
    dryRun: z.boolean(),
    action: z.enum(["create", "suspend", "activate", "unsuspend", "delete"]),
    scopeId: z.string(),
    batchId: z.string().nullable().describe("Groups the queued actions of this request (`GET /v1/actions?batchId=`)."),
    items: z.array(ActionItemResultDto),
    summary: z.object({ accepted: z.number().int(), noChange: z.number().int(), wouldChange: z.number().int(), refused: z.number().int() }),
  })
  .meta({ id: "SubmitActionsResult", description: "A result per item. 202 when something was queued, 200 for a dry run or when nothing needed doing." });
export type SubmitActionsResultDto = z.infer<typeof SubmitActionsResultDto>;

export const ActionDto = z
  .object({
    id: z.string(),
    batchId: z.string().nullable(),
    scopeId: z.string(),
    accountId: z.string(),
    action: z.enum(["create", "suspend", "activate", "unsuspend", "delete"]),
    state: z.enum(["queued", "running", "succeeded", "failed"]).describe("queued → running → succeeded | failed; transient failures (429, 5xx, timeouts) go back to queued, a bounded number of times."),
    userId: z.string().nullable(),
    username: z.string().nullable(),
    email: z.string().nullable().describe("For a create."),
    from: UserStatus.nullable(),
    to: z.enum(["active", "suspended", "staged", "deleted"]).nullable(),
    requestedBy: z.string().describe("Who asked: `token:<name>` or `cli`."),
    attempts: z.number().int(),
    createdAt: isoDate,
    nextAttemptAt: isoDate,
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
    failure: z.object({ code: z.string(), message: z.string() }).nullable().describe("Why it failed (or the last transient error while it is retried)."),
    requests: z.array(UpstreamCallDto.omit({ phase: true }).extend({ at: isoDate })).describe("Every JumpCloud request it made, in order."),
    confirmation: z
      .enum(["pending", "confirmed", "not-confirmed"])
      .nullable()
      .describe("After success: confirmed by the Directory Insights event JumpCloud logs for it or by the next directory sync; null before success."),
    confirmationDetail: z.string().nullable(),
    confirmedAt: isoDate.nullable(),
  })
  .meta({ id: "Action", description: "A queued action and what became of it." });
export type ActionDto = z.infer<typeof ActionDto>;

export const ActionPage = z.object({ items: z.array(ActionDto), nextCursor: z.string().nullable() }).meta({ id: "ActionPage" });

export const ActionListQuery = z
  .object({
    cursor,
    limit,
    scopeId: z.string().min(1).optional(),
    state: z.enum(["queued", "running", "succeeded", "failed"]).optional(),
    action: z.enum(["create", "suspend", "activate", "unsuspend", "delete"]).optional(),
    userId: z.string().min(1).optional(),
    batchId: z.string().min(1).optional(),
  })
  .strict();

export const ActionIdParam = z.object({ actionId: z.string().min(1).max(200).describe("Action id.") });

export const AuditEntryDto = z
  .object({
    id: z.string(),
    at: isoDate,
    actor: z.string().describe("Who: `token:<name>`, `cli` or `system`."),
    action: z.string().describe("e.g. `user.suspend`, `user.create`, `account.update`."),
    target: z.string(),
    outcome: Outcome,
    details: z.record(z.string(), z.unknown()).describe("What was asked and what happened (JumpCloud requests as method, path, status); never a secret."),
  })
  .meta({ id: "AuditEntry" });
export const AuditPage = z.object({ items: z.array(AuditEntryDto), nextCursor: z.string().nullable() }).meta({ id: "AuditPage" });

export const AuditListQuery = z
  .object({
    cursor,
    limit,
    action: z.string().min(1).max(100).optional().describe("An exact action (`user.suspend`) or a prefix ending in `.` (`user.`)."),
    actor: z.string().min(1).max(200).optional(),
    target: z.string().min(1).max(400).optional(),
    outcome: Outcome.optional(),
    since: isoDate
      .transform((v) => new Date(v))
      .optional()
      .describe("Entries at or after this instant."),
  })
  .strict();
