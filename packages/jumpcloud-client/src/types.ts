import type { Client } from "openapi-fetch";
import type {
  Application,
  ConsolePaths,
  DirectoryInsightsEvent,
  EventCountQuery,
  EventQuery,
  GraphConnection,
  GraphObjectWithPaths,
  InsightsPaths,
  Organization,
  SearchAfter,
  SoftwareApp,
  SoftwareAppStatus,
  SoftwareAppWithStatus,
  System,
  SystemInsightsRow,
  SystemInsightsTable,
  SystemUser,
  SystemUserActivate,
  SystemUserCreate,
  SystemUserUpdate,
  UserGroup,
} from "./spec-patches.js";

export type Region = "us" | "eu" | "in";

export interface RateLimitOptions {
  /** Requests started per rolling minute, per API key. Default 200 (a reported figure; JumpCloud publishes none). */
  requestsPerMinute?: number;
  /** Requests in flight at once, per API key. Default 8. */
  concurrency?: number;
  /** The rolling window `requestsPerMinute` counts in. Default 60 000 ms (shorter in tests). */
  windowMs?: number;
}

/**
 * A request budget shared beyond this process (several replicas using one key): every attempt
 * takes one after the local limiter's slot, and a 429's delay is passed on so every process using
 * the key slows down. The service implements it on PostgreSQL.
 */
export interface RequestBudget {
  /** Resolves when one more request may start under the key's shared budget; rejects with the signal's reason. */
  take(signal: AbortSignal): Promise<void>;
  /** A 429 (with `Retry-After`, or the backoff without one): nobody using the key starts a request for `ms`. */
  pauseFor(ms: number): void;
}

export interface RetryOptions {
  /** Attempts per request, including the first. Default 5. `1` disables retries. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap on a computed backoff step (a `Retry-After` may ask for longer, up to 5 min). Default 30 000 ms. */
  maxDelayMs?: number;
}

export interface JumpCloudClientOptions {
  /** The admin's API key. Sent as `x-api-key`; never logged, never part of an error. */
  apiKey: string;
  /** Sent as `x-org-id` when set: required for multi-tenant (MSP) admins, omitted otherwise. */
  orgId?: string | null;
  /** Picks the console and Directory Insights hosts. Default `us`. */
  region?: Region;
  /** Console host root, e.g. `https://console.jumpcloud.com` (paths start with `/api`). Wins over `region`. */
  consoleBaseUrl?: string;
  /** Directory Insights base, e.g. `https://api.jumpcloud.com/insights/directory/v1`. Wins over `region`. */
  insightsBaseUrl?: string;
  rateLimit?: RateLimitOptions;
  /** A budget shared across processes, taken after the local limiter (see `RequestBudget`). */
  budget?: RequestBudget;
  retry?: RetryOptions;
  /** Per attempt, headers and body included. Default 30 000 ms. */
  timeoutMs?: number;
  /** The transport under the retry layer (tests, proxies). Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Called synchronously for every request, retry, 429 and page. Exceptions it throws are ignored. */
  onEvent?: (event: ClientEvent) => void;
  /** Aborts every request of this client (and of its `withOrg` siblings). */
  signal?: AbortSignal;
}

export type ClientEvent =
  | { type: "request"; operation: string; method: string; status: number | null; durationMs: number; attempt: number }
  | { type: "retry"; operation: string; attempt: number; delayMs: number; reason: string }
  | { type: "rate-limited"; operation: string; retryAfterMs: number | null }
  | { type: "page"; operation: string; family: PageFamily; rows: number };

export type ApplicationAssociationTarget = "user" | "user_group";
/** Targets of `GET /api/v2/systems/{id}/associations` (spec `trait_graphTargetsSystem_targets`). */
export type SystemAssociationTarget = "command" | "policy" | "policy_group" | "user" | "user_group";
/** Targets of `GET /api/v2/softwareapps/{id}/associations`. */
export type SoftwareAppAssociationTarget = "system" | "system_group";

export interface ListSystemsOptions {
  /** v1 `fields`, sent space-separated. `_id`/`id` are always kept. */
  fields?: string[];
  /** v1 filters with the `$` operators, e.g. `osFamily:$eq:windows`. Several are ANDed (`filter[0]=…`). */
  filter?: string[];
}

export type PageFamily = "v1" | "v2" | "systeminsights" | "insights";

export interface ListUsersOptions {
  /** v1 `fields`, sent space-separated. `_id`/`id` are always kept. */
  fields?: string[];
  /** v1 filters with the `$` operators, e.g. `department:$eq:Finance`. Several are ANDed (`filter[0]=…`). */
  filter?: string[];
}

export interface SystemInsightsOptions {
  /** `eq`/`in` only, e.g. `system_id:eq:<id>` or `system_id:in:a|b`. Several are comma-joined. */
  filter?: string[];
  /** Comma-joined; prefix `-` for descending. */
  sort?: string[];
  /** Page size, at most 10 000. Default 10 000. */
  limit?: number;
  /**
   * Stop on a page shorter than `limit` (API-NOTES §8: "loop until a short page"): ⌈rows / limit⌉
   * requests, one for an empty table. Default false: page on to an empty page, which survives a
   * page shortened mid-stream by null records at the cost of one more request per table.
   */
  endOnShortPage?: boolean;
}

export interface EventPage {
  events: DirectoryInsightsEvent[];
  /** `X-Result-Count` (rows in this page). */
  resultCount: number;
  /** `X-Limit` (the page size the server applied). */
  limit: number;
  /** Parsed `X-Search_after`; `null` when the server sent none. */
  searchAfter: SearchAfter | null;
}

export interface JumpCloudClient {
  /** The `x-org-id` this client sends, or `null`. */
  readonly orgId: string | null;
  /** A sibling client for another org: same key, same options, same rate limiter. `null` sends no `x-org-id`. */
  withOrg(orgId: string | null): JumpCloudClient;

  /** Raw typed openapi-fetch client for the unified console spec (paths `/api/...`, `/api/v2/...`). */
  readonly console: Client<ConsolePaths>;
  /** Raw typed openapi-fetch client for Directory Insights (paths `/events`, `/events/count`, ...). */
  readonly insights: Client<InsightsPaths>;

  /** `GET /api/organizations` (MSP: every managed org; use a client without `orgId`). */
  listOrganizations(): AsyncIterable<Organization>;
  getOrganization(id: string): Promise<Organization>;

  /** `GET /api/systemusers`, v1 paging. */
  listUsers(opts?: ListUsersOptions): AsyncIterable<SystemUser>;
  getUser(id: string): Promise<SystemUser>;

  /** `GET /api/v2/usergroups`. */
  listUserGroups(): AsyncIterable<UserGroup>;
  /** `GET /api/v2/usergroups/{group_id}/members`: direct members as graph edges. */
  listUserGroupMembers(groupId: string): AsyncIterable<GraphConnection>;
  /** `GET /api/v2/users/{user_id}/memberof`: the user's groups, with paths. */
  listUserMemberOf(userId: string): AsyncIterable<GraphObjectWithPaths>;
  /** GET /api/v2/users/{user_id}/applications: SSO apps bound to the user, directly or via groups (see `paths`). */
  listUserApplications(userId: string): AsyncIterable<GraphObjectWithPaths>;

  /** `GET /api/applications` (SSO/SAML applications), v1 paging. */
  listApplications(): AsyncIterable<Application>;
  /** `GET /api/v2/applications/{id}/users`: users bound directly or through groups, with `paths`. */
  listApplicationUsers(appId: string): AsyncIterable<GraphObjectWithPaths>;
  /** `GET /api/v2/applications/{id}/usergroups`. */
  listApplicationUserGroups(appId: string): AsyncIterable<GraphObjectWithPaths>;
  /**
   * `GET /api/v2/applications/{id}/associations?targets=…`: direct edges only. Several targets go
   * comma-joined in one listing (`targets=user,user_group`), saving a request per application.
   */
  listApplicationAssociations(appId: string, targets: ApplicationAssociationTarget | readonly ApplicationAssociationTarget[]): AsyncIterable<GraphConnection>;

  // ---- MDM: devices, bindings, managed software ----
  /** `GET /api/systems` (devices), v1 paging: limit 100, `sort=_id`. */
  listSystems(opts?: ListSystemsOptions): AsyncIterable<System>;
  /** `GET /api/v2/systems/{system_id}/users`: users bound to the device, directly or through groups, with `paths`. */
  listSystemUsers(systemId: string): AsyncIterable<GraphObjectWithPaths>;
  /** `GET /api/v2/users/{user_id}/systems`: the devices a user is bound to, with `paths`. */
  listUserSystems(userId: string): AsyncIterable<GraphObjectWithPaths>;
  /** `GET /api/v2/systems/{system_id}/associations?targets=…`: direct edges; several targets comma-joined. */
  listSystemAssociations(systemId: string, targets: SystemAssociationTarget | readonly SystemAssociationTarget[]): AsyncIterable<GraphConnection>;
  /** `GET /api/v2/systems/{system_id}/memberof`: the device's groups, with paths. */
  listSystemMemberOf(systemId: string): AsyncIterable<GraphObjectWithPaths>;
  /** `GET /api/v2/systemgroups/{group_id}/members`: direct members (devices) as graph edges. */
  listSystemGroupMembers(groupId: string): AsyncIterable<GraphConnection>;
  /** `GET /api/v2/systems/{system_id}/softwareappstatuses`: every managed app of the device with its status. */
  listSystemSoftwareAppStatuses(systemId: string): AsyncIterable<SoftwareAppWithStatus>;
  /** `GET /api/v2/softwareapps`: the managed software apps (what JumpCloud deploys, not an inventory). */
  listSoftwareApps(): AsyncIterable<SoftwareApp>;
  /** `GET /api/v2/softwareapps/{id}`. */
  getSoftwareApp(id: string): Promise<SoftwareApp>;
  /** `GET /api/v2/softwareapps/{id}/statuses`: the app's state on each device (every state). */
  listSoftwareAppStatuses(appId: string): AsyncIterable<SoftwareAppStatus>;
  /** `GET /api/v2/softwareapps/{id}/systems`: devices the app reaches, directly or through device groups, with `paths`. */
  listSoftwareAppSystems(appId: string): AsyncIterable<GraphObjectWithPaths>;
  /** `GET /api/v2/softwareapps/{id}/associations?targets=system|system_group`: direct edges. */
  listSoftwareAppAssociations(appId: string, targets: SoftwareAppAssociationTarget | readonly SoftwareAppAssociationTarget[]): AsyncIterable<GraphConnection>;

  /** `GET /api/v2/systeminsights/<table>`: bare arrays, limit up to 10 000, `eq`/`in` filters. */
  listSystemInsights<T extends SystemInsightsTable>(table: T, opts?: SystemInsightsOptions): AsyncIterable<SystemInsightsRow<T>>;
  /**
   * One table's rows for the given devices: `system_id:in:a|b|…` in chunks of `chunkSize` ids
   * (default 100, keeping URLs short), each chunk paged like `listSystemInsights`; `opts.filter`
   * is ANDed to each chunk's filter.
   */
  listSystemInsightsForSystems<T extends SystemInsightsTable>(
    table: T,
    systemIds: readonly string[],
    opts?: SystemInsightsOptions & { chunkSize?: number },
  ): AsyncIterable<SystemInsightsRow<T>>;

  /** Directory Insights `POST /events`, paged by `search_after`. Defaults: `limit` 10 000, `sort` ASC. */
  events(query: EventQuery): AsyncIterable<EventPage>;
  /** Directory Insights `POST /events/count`; the paging fields of the query (`limit`, `search_after`, `skip`, `sort`, `fields`) are dropped. */
  countEvents(query: EventCountQuery): Promise<number>;

  // Actions: sent once, never retried after they may have reached the server.
  /** `POST /api/systemusers`. */
  createUser(body: SystemUserCreate): Promise<SystemUser>;
  /** `PUT /api/systemusers/{id}` (partial). */
  updateUser(id: string, body: SystemUserUpdate): Promise<SystemUser>;
  /** `POST /api/systemusers/{id}/state/suspend` (empty body). The spec's 200 has no body: read the user back with `getUser`. */
  suspendUser(id: string): Promise<void>;
  /** `POST /api/systemusers/{id}/state/activate` (STAGED → ACTIVATED; `body.email` controls the email). The spec's 200 is a bare string. */
  activateUser(id: string, body?: SystemUserActivate): Promise<void>;
  /** `DELETE /api/systemusers/{id}`; resolves to the deleted user. */
  deleteUser(id: string): Promise<SystemUser>;
}
