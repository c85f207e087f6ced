import { z } from "zod";

// The HTTP API's contract, in one place: request schemas validate (and coerce) what comes in, and
// response schemas document what goes out. The OpenAPI document is generated from these through
// Nest's Standard Schema support, so the served document, the validation and the types agree.
// `.meta({ id })` names a schema as an OpenAPI component.

export const id = (what: string) => z.string().min(1).max(200).describe(what);
export const isoDate = z.iso.datetime({ offset: true });
export const isoDateOrNull = isoDate.nullable();

// ---------------------------------------------------------------------------------------------
// Errors

export const ProblemDto = z
  .object({
    type: z.string().describe("A URI reference naming the kind of problem (`urn:jumpcloud-sync:problem:<kind>`, or `about:blank`)."),
    title: z.string().describe("A short, human-readable summary of the kind of problem."),
    status: z.number().int().describe("The HTTP status code."),
    detail: z.string().describe("What went wrong with this request, for a person."),
    instance: z.string().describe("The request path."),
    errors: z
      .array(
        z.object({
          location: z.enum(["query", "body", "path", "header"]),
          path: z.string().describe("Dotted path of the offending field (empty for the whole value)."),
          message: z.string(),
        }),
      )
      .optional()
      .describe("One entry per invalid field (validation problems only)."),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem document (`application/problem+json`)." });
export type ProblemDto = z.infer<typeof ProblemDto>;

// ---------------------------------------------------------------------------------------------
// Paging

export const limit = z.coerce.number().int().min(1).max(500).default(50).describe("Page size (1–500, default 50).");
export const cursor = z.string().min(1).max(2000).optional().describe("`nextCursor` of the previous page; omit for the first page.");
export const updatedSince = isoDate
  .transform((v) => new Date(v))
  .optional()
  .describe("Only items changed at or after this instant (ISO 8601 with offset).");

export const PageQuery = z.object({ cursor, limit });

export function page<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
    })
    .meta({ id: name });
}

// ---------------------------------------------------------------------------------------------
// Accounts and scopes

const Region = z.enum(["us", "eu", "in"]);
const Permission = z.enum(["read", "read-and-act"]);
/**
 * A stream name as the registry knows it. Not an enum: modules register streams (the service
 * checks names against the registry), so adding a stream leaves this document unchanged.
 */
const StreamName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/u, "a stream name: lowercase kebab-case")
  .describe("A registered stream: `directory` (snapshots) and `usage` (Directory Insights) today; the MDM module adds its own. `GET /v1/scopes/{scopeId}` lists a scope's streams.");
const AttentionCode = z.enum(["invalid-credentials", "org-not-found", "insights-not-enabled", "insights-forbidden", "mass-deletion-refused", "failing"]);

export const EndpointsDto = z
  .object({
    consoleBaseUrl: z.url().describe("Console API origin (paths start with /api and /api/v2)."),
    insightsBaseUrl: z.url().describe("Directory Insights base, ending in /insights/directory/v1."),
  })
  .meta({ id: "Endpoints" });

export const AttentionDto = z
  .object({
    stream: StreamName,
    code: AttentionCode,
    message: z.string(),
    since: isoDate,
  })
  .meta({ id: "AttentionReason", description: "Why a scope needs a person: a revoked key, a vanished organization, a refused mass deletion, repeated failures. (A plan without a feature is not one: see `StreamStatus.unavailable`; `insights-not-enabled` / `insights-forbidden` only remain on statuses written before that.)" });

export const StreamStatusDto = z
  .object({
    stream: StreamName,
    lastAttemptAt: isoDateOrNull,
    lastSuccessAt: isoDateOrNull,
    freshness: z
      .enum(["fresh", "stale", "never", "unavailable"])
      .describe("`fresh`: last success within twice the stream's freshness target (the account's schedule for `directory`); `stale`: older; `never`: no success yet; `unavailable`: the scope does not offer the stream's source (see `unavailable`)."),
    ageSeconds: z.number().int().nullable().describe("Seconds since the last success."),
    freshnessTargetSeconds: z.number().int().describe("How old the stream's data may get (its freshness target; the account's schedule for `directory`)."),
    pastTarget: z.boolean().describe("Older than its freshness target now (never for a stream with no success yet or an unavailable source): flagged, also in `/health/ready`, without failing readiness."),
    consecutiveFailures: z.number().int(),
    nextAttemptAt: isoDateOrNull,
    lastError: z.string().nullable(),
    attention: z.array(AttentionDto),
    unavailable: z
      .object({
        reason: z.string().describe("A stable code, e.g. `insights-not-enabled` (402), `insights-forbidden` (403)."),
        message: z.string(),
        since: isoDate,
      })
      .nullable()
      .describe("Set while the scope does not offer the stream's source (a plan without the feature): a capability, not a failure — runs succeed and the scope does not need attention."),
  })
  .meta({ id: "StreamStatus" });

export const ScopeDto = z
  .object({
    id: id("Scope id: account × organization."),
    accountId: z.string(),
    orgId: z.string().nullable(),
    orgName: z.string().nullable(),
    enabled: z.boolean(),
    running: z.boolean().describe("A sync of this scope runs in this process now."),
    needsAttention: z.boolean(),
    attention: z.array(AttentionDto).describe("Every stream's attention reasons."),
    streams: z.array(StreamStatusDto),
  })
  .meta({ id: "Scope" });
export type ScopeDto = z.infer<typeof ScopeDto>;

export const AccountDto = z
  .object({
    id: z.string(),
    name: z.string(),
    region: Region.nullable().describe("null when the endpoints are custom."),
    endpoints: EndpointsDto,
    permission: Permission,
    orgId: z.string().nullable(),
    multiTenant: z.boolean().describe("An MSP key with one scope per managed organization."),
    paused: z.boolean(),
    scheduleMinutes: z.number().int(),
    createdAt: isoDate,
    updatedAt: isoDate,
    needsAttention: z.boolean(),
    scopes: z.array(ScopeDto),
  })
  .meta({ id: "Account", description: "A JumpCloud connection. Its API key is write-only and never returned." });
export type AccountDto = z.infer<typeof AccountDto>;

export const AccountPage = page(AccountDto, "AccountPage");
export const ScopePage = page(ScopeDto, "ScopePage");

const apiKey = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(500)
  .meta({ writeOnly: true, description: "The JumpCloud API key (write-only: validated, encrypted at rest, never returned or logged)." });

const partialEndpoints = z
  .object({ consoleBaseUrl: z.url().optional(), insightsBaseUrl: z.url().optional() })
  .strict()
  .describe("Custom endpoints (a proxy, the stand-in); win over the region.");

export const CreateAccountBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200),
    apiKey,
    orgId: z.string().trim().min(1).max(100).optional().describe("Sent as x-org-id: one organization of a multi-org key."),
    allOrgs: z.boolean().optional().describe("An MSP key: one scope per managed organization."),
    region: Region.optional(),
    endpoints: partialEndpoints.optional(),
    permission: Permission.optional(),
    scheduleMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  })
  .strict()
  .refine((b) => !(b.allOrgs === true && b.orgId !== undefined), { message: "pass either orgId (one organization) or allOrgs (every managed organization), not both", path: ["allOrgs"] })
  .meta({ id: "CreateAccount" });
export type CreateAccountBody = z.output<typeof CreateAccountBody>;

export const UpdateAccountBody = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200).optional(),
    apiKey: apiKey.optional(),
    orgId: z.string().trim().min(1).max(100).optional(),
    region: Region.optional(),
    endpoints: partialEndpoints.optional(),
    permission: Permission.optional(),
    scheduleMinutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "nothing to update: pass at least one field" })
  .meta({ id: "UpdateAccount" });
export type UpdateAccountBody = z.output<typeof UpdateAccountBody>;

export const AccountListQuery = z.object({ cursor, limit, updatedSince }).strict();
export const RemoveAccountQuery = z
  .object({ data: z.enum(["keep", "purge"]).describe("`keep` the synced directory and usage, or `purge` it. The API key is wiped either way.") })
  .strict();
export const ScopeListQuery = z
  .object({
    cursor,
    limit,
    accountId: z.string().min(1).optional(),
    needsAttention: z
      .enum(["true", "false"])
      .transform((v) => v === "true")
      .optional()
      .describe("Only scopes that do (true) or do not (false) need attention."),
  })
  .strict();

export const AccountIdParam = z.object({ accountId: id("Account id.") });
export const ScopeIdParam = z.object({ scopeId: id("Scope id.") });

// ---------------------------------------------------------------------------------------------
// Sync

export const TriggerSyncBody = z
  .object({
    scopeIds: z.array(z.string().min(1)).min(1).max(1000).optional().describe("Only these scopes; default every enabled scope of every active account."),
  })
  .strict()
  .meta({ id: "TriggerSync" });

export const SyncScheduledDto = z
  .object({
    scheduled: z.array(z.object({ scopeId: z.string(), accountId: z.string(), streams: z.array(StreamName) })).describe("Scope syncs started now, in the background."),
    skipped: z.array(z.object({ scopeId: z.string(), reason: z.string() })).describe("Requested scopes that were not started, and why."),
  })
  .meta({ id: "SyncScheduled", description: "Accepted: the syncs run in the background; follow them in /v1/runs and /v1/scopes." });
export type SyncScheduledDto = z.infer<typeof SyncScheduledDto>;

export const CountersDto = z
  .object({
    requests: z.number().int(),
    pages: z.number().int(),
    retries: z.number().int(),
    rateLimited: z.number().int().describe("429 answers."),
    created: z.number().int(),
    updated: z.number().int(),
    removed: z.number().int(),
    events: z.number().int().describe("Directory Insights events read."),
    usageChanged: z.number().int(),
  })
  .meta({ id: "SyncCounters" });

export const RunDto = z
  .object({
    id: z.string(),
    scopeId: z.string(),
    stream: StreamName,
    state: z.enum(["pending", "running", "succeeded", "failed"]),
    trigger: z.enum(["schedule", "manual", "startup"]),
    startedAt: isoDate,
    finishedAt: isoDateOrNull,
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    counters: CountersDto,
  })
  .meta({ id: "SyncRun" });
export type RunDto = z.infer<typeof RunDto>;
export const RunPage = page(RunDto, "SyncRunPage");
export const RunListQuery = z.object({ cursor, limit, scopeId: z.string().min(1).optional(), stream: StreamName.optional() }).strict();

// ---------------------------------------------------------------------------------------------
// Directory

export const LastUsedDto = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("date"), at: isoDate, source: z.enum(["user_portal", "admin_portal", "sso"]) }).describe("Last successful use."),
    z.object({ kind: z.literal("not-seen-since"), since: isoDate }).describe("Looked from `since` and found no use."),
    z.object({ kind: z.literal("unknown"), reason: z.string() }).describe("Usage is not known (e.g. Directory Insights not enabled)."),
  ])
  .meta({ id: "LastUsed", description: "Tri-state last use: a date with its source, not seen since a date, or unknown with the reason." });

const UserAppDto = z
  .object({
    applicationId: z.string(),
    name: z.string(),
    displayLabel: z.string().nullable(),
    assigned: z
      .boolean()
      .describe("Assigned now (directly or through a group). `false`: a removed assignment, or none at all for an app the user signed in to anyway (access kept after an unassignment)."),
    direct: z.boolean().describe("Assigned to the user directly (besides or instead of through groups); for a removed assignment, how it was; `false` without any."),
    groupIds: z.array(z.string()).describe("Groups through which the user is (or, for a removed assignment, was) assigned."),
    lastUsed: LastUsedDto,
    removedAt: isoDateOrNull.describe("When the assignment (or, without one, the app) was removed."),
  })
  .meta({ id: "UserApplication", description: "An SSO application of a user: every app the user is or was assigned to, and every app the user signed in to, assigned or not." });

const nullableText = z.string().nullable();
export const UserDto = z
  .object({
    scopeId: z.string(),
    id: z.string(),
    username: z.string(),
    email: z.string(),
    displayName: nullableText,
    status: z.enum(["active", "suspended", "staged", "deleted"]),
    hr: z.object({
      employeeIdentifier: nullableText,
      employeeType: nullableText,
      department: nullableText,
      jobTitle: nullableText,
      company: nullableText,
      costCenter: nullableText,
      location: nullableText,
      managerId: nullableText,
    }),
    adminRole: nullableText.describe("The role of the linked admin account, if any."),
    groups: z.array(z.object({ id: z.string(), name: z.string() })).describe("User-group memberships (roles)."),
    applications: z.array(UserAppDto),
    lastUsed: LastUsedDto.describe("Overall last use (portal logins)."),
    removedAt: isoDateOrNull,
    updatedAt: isoDate,
  })
  .meta({ id: "User", description: "A synced user with roles, SSO applications and last use." });
export const UserPage = page(UserDto, "UserPage");
export const UserListQuery = z
  .object({
    cursor,
    limit,
    updatedSince,
    scopeId: z.string().min(1).optional(),
    status: z.enum(["active", "suspended", "staged", "deleted"]).optional(),
    groupId: z.string().min(1).optional().describe("Members of this user group."),
    search: z.string().trim().min(1).max(200).optional().describe("Case-insensitive match on username, email or display name."),
  })
  .strict();
export const UserParams = z.object({ scopeId: id("Scope id."), userId: id("JumpCloud user id.") });

export const ApplicationDto = z
  .object({
    scopeId: z.string(),
    id: z.string(),
    name: z.string(),
    displayLabel: z.string().nullable(),
    ssoUrl: z.string().nullable(),
    active: z.boolean(),
    assignedUsers: z.number().int().describe("Users assigned now (directly or through a group)."),
    usedBy: z.number().int().describe("Users with a recorded SSO login into the app, assigned or not."),
    users: z.number().int().describe("Users assigned now or with a recorded use: the entries of the app's users list."),
    lastUsed: LastUsedDto.describe("The latest SSO login of anyone into the app."),
    removedAt: isoDateOrNull,
    updatedAt: isoDate,
  })
  .meta({ id: "Application", description: "A synced SSO application." });
export const ApplicationPage = page(ApplicationDto, "ApplicationPage");
export const ApplicationListQuery = z
  .object({ cursor, limit, updatedSince, scopeId: z.string().min(1).optional(), search: z.string().trim().min(1).max(200).optional() })
  .strict();
export const ApplicationParams = z.object({ scopeId: id("Scope id."), applicationId: id("JumpCloud application id.") });

export const ApplicationUserDto = z
  .object({
    userId: z.string(),
    username: z.string(),
    assigned: z.boolean().describe("Assigned now (directly or through a group); `false` for someone who signed in to the app without a current assignment."),
    direct: z.boolean().describe("Assigned directly; `false` when not assigned."),
    groupIds: z.array(z.string()).describe("Groups through which the user is assigned; empty when not assigned."),
    lastUsed: LastUsedDto,
  })
  .meta({ id: "ApplicationUser", description: "A user of an SSO application: assigned now, or seen signing in to it." });
export const ApplicationUserPage = page(ApplicationUserDto, "ApplicationUserPage");
export const ApplicationUserQuery = PageQuery.strict();

// ---------------------------------------------------------------------------------------------
// Health

export const LivenessDto = z.object({ status: z.literal("ok") }).meta({ id: "Liveness" });
export const ReadinessDto = z
  .object({
    status: z.literal("ok"),
    runningScopes: z.number().int(),
    pastFreshnessTarget: z
      .object({
        count: z.number().int().describe("Scope × stream pairs older than their freshness target."),
        items: z
          .array(z.object({ scopeId: z.string(), stream: StreamName, ageSeconds: z.number().int(), targetSeconds: z.number().int() }))
          .describe("The 20 furthest past their target (relative to it) first."),
      })
      .describe("A detail, not a failure: a late scope does not make the replica unready."),
  })
  .meta({ id: "Readiness" });
