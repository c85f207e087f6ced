import createClient, { type Client } from "openapi-fetch";
import { authMiddleware } from "./middleware.js";
import {
  keyById,
  keyByTarget,
  keyByTypeAndId,
  normalizeV1Record,
  paginateInsights,
  paginateV1,
  paginateV2,
  SYSTEM_INSIGHTS_MAX_LIMIT,
  V1_LIMIT,
  V2_LIMIT,
} from "./pagination.js";
import { limiterForKey, type RateLimiter } from "./rate-limiter.js";
import { createRedactor, type Redactor } from "./redact.js";
import { resolveBaseUrls } from "./regions.js";
import { call, invalidResponse, type CallContext } from "./responses.js";
import { isRecord } from "./pagination.js";
import { serializeV1Query, serializeV2Query } from "./serializers.js";
import type {
  Application,
  ConsolePaths,
  EventCountQuery,
  EventQuery,
  GraphConnection,
  GraphObjectWithPaths,
  InsightsPaths,
  Organization,
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
import { createTransport, OPERATION_HEADER } from "./transport.js";
import type {
  ApplicationAssociationTarget,
  ClientEvent,
  EventPage,
  JumpCloudClient,
  JumpCloudClientOptions,
  ListSystemsOptions,
  ListUsersOptions,
  SoftwareAppAssociationTarget,
  SystemAssociationTarget,
  SystemInsightsOptions,
  RequestBudget,
} from "./types.js";

const DEFAULT_RETRY = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 } as const;
const DEFAULT_TIMEOUT_MS = 30_000;

/** What every client built from one `createJumpCloudClient` call shares, `withOrg` siblings included. */
interface Shared {
  apiKey: string;
  urls: { console: string; insights: string };
  limiter: RateLimiter;
  budget: RequestBudget | undefined;
  redact: Redactor;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  timeoutMs: number;
  fetch: typeof fetch;
  emit: (e: ClientEvent) => void;
  signal: AbortSignal | undefined;
}

export function createJumpCloudClient(options: JumpCloudClientOptions): JumpCloudClient {
  if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") throw new TypeError("createJumpCloudClient: apiKey is required");
  const retry = {
    maxAttempts: options.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1) throw new RangeError("retry.maxAttempts must be an integer ≥ 1");
  if (!(retry.baseDelayMs >= 0) || !(retry.maxDelayMs >= 0)) throw new RangeError("retry delays must be ≥ 0");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError("timeoutMs must be > 0");
  const onEvent = options.onEvent;
  const shared: Shared = {
    apiKey: options.apiKey,
    urls: resolveBaseUrls(options),
    limiter: limiterForKey(options.apiKey, options.rateLimit),
    budget: options.budget,
    redact: createRedactor(options.apiKey),
    retry,
    timeoutMs,
    fetch: options.fetch ?? globalThis.fetch,
    emit: (e) => {
      if (onEvent === undefined) return;
      try {
        onEvent(e);
      } catch {
        // A metrics hook must never break a sync.
      }
    },
    signal: options.signal,
  };
  return new JumpCloudClientImpl(shared, options.orgId ?? null);
}

function op(name: string): Record<string, string> {
  return { [OPERATION_HEADER]: name };
}

function targetsOf<T extends string>(operation: string, targets: T | readonly T[]): T[] {
  const list = typeof targets === "string" ? [targets] : [...new Set(targets)];
  if (list.length === 0) throw new RangeError(`${operation}: at least one target is required`);
  return list;
}

class JumpCloudClientImpl implements JumpCloudClient {
  readonly console: Client<ConsolePaths>;
  readonly insights: Client<InsightsPaths>;
  readonly #shared: Shared;
  readonly #orgId: string | null;

  constructor(shared: Shared, orgId: string | null) {
    if (orgId !== null && (typeof orgId !== "string" || orgId.trim() === "")) throw new TypeError("orgId must be a non-empty string or null");
    this.#shared = shared;
    this.#orgId = orgId;
    const transport = createTransport({ apiKey: shared.apiKey, limiter: shared.limiter, budget: shared.budget, ...shared.retry, timeoutMs: shared.timeoutMs, fetch: shared.fetch, emit: shared.emit, redact: shared.redact, signal: shared.signal });
    this.console = createClient<ConsolePaths>({ baseUrl: shared.urls.console, fetch: transport, querySerializer: serializeV2Query });
    this.console.use(authMiddleware({ api: "console", apiKey: shared.apiKey, orgId }));
    this.insights = createClient<InsightsPaths>({ baseUrl: shared.urls.insights, fetch: transport });
    this.insights.use(authMiddleware({ api: "insights", apiKey: shared.apiKey, orgId }));
  }

  get orgId(): string | null {
    return this.#orgId;
  }

  withOrg(orgId: string | null): JumpCloudClient {
    return new JumpCloudClientImpl(this.#shared, orgId);
  }

  // Keep util.inspect / console.log of a client from walking into closures that hold the key.
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `JumpCloudClient { orgId: ${JSON.stringify(this.#orgId)}, console: ${this.#shared.urls.console}, insights: ${this.#shared.urls.insights} }`;
  }

  toJSON(): Record<string, unknown> {
    return { orgId: this.#orgId, consoleBaseUrl: this.#shared.urls.console, insightsBaseUrl: this.#shared.urls.insights };
  }

  #ctx(api: "console" | "insights"): CallContext {
    return { api, orgId: this.#orgId, redact: this.#shared.redact, signal: this.#shared.signal };
  }

  #emit = (e: ClientEvent): void => this.#shared.emit(e);

  // ---- organizations ------------------------------------------------------------------------

  listOrganizations(): AsyncIterable<Organization> {
    const operation = "listOrganizations";
    const ctx = this.#ctx("console");
    return paginateV1<Organization>({
      operation,
      ctx,
      emit: this.#emit,
      limit: V1_LIMIT,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/organizations", {
            params: { query: { limit, skip, sort: "_id" } },
            querySerializer: (q) => serializeV1Query(q),
            headers: op(operation),
          }),
        ),
    });
  }

  async getOrganization(id: string): Promise<Organization> {
    const operation = "getOrganization";
    const ctx = this.#ctx("console");
    const { data } = await call(operation, ctx, () =>
      this.console.GET("/api/organizations/{id}", { params: { path: { id } }, querySerializer: (q) => serializeV1Query(q), headers: op(operation) }),
    );
    return normalizeV1Record<Organization>(data, operation, ctx);
  }

  // ---- users ---------------------------------------------------------------------------------

  listUsers(opts: ListUsersOptions = {}): AsyncIterable<SystemUser> {
    const operation = "listUsers";
    const ctx = this.#ctx("console");
    // `_id` is the dedupe key and the paging sort: always ask for it.
    const fields = opts.fields && opts.fields.length > 0 ? [...new Set(["_id", ...opts.fields])].join(" ") : undefined;
    const filters = opts.filter ?? [];
    return paginateV1<SystemUser>({
      operation,
      ctx,
      emit: this.#emit,
      limit: V1_LIMIT,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/systemusers", {
            params: { query: { limit, skip, sort: "_id", ...(fields === undefined ? {} : { fields }) } },
            querySerializer: (q) => serializeV1Query(q, filters),
            headers: op(operation),
          }),
        ),
    });
  }

  async getUser(id: string): Promise<SystemUser> {
    const operation = "getUser";
    const ctx = this.#ctx("console");
    const { data } = await call(operation, ctx, () =>
      this.console.GET("/api/systemusers/{id}", { params: { path: { id } }, querySerializer: (q) => serializeV1Query(q), headers: op(operation) }),
    );
    return normalizeV1Record<SystemUser>(data, operation, ctx);
  }

  // ---- groups ---------------------------------------------------------------------------------

  listUserGroups(): AsyncIterable<UserGroup> {
    const operation = "listUserGroups";
    const ctx = this.#ctx("console");
    return paginateV2<UserGroup>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyById,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () => this.console.GET("/api/v2/usergroups", { params: { query: { limit, skip } }, headers: op(operation) })),
    });
  }

  listUserGroupMembers(groupId: string): AsyncIterable<GraphConnection> {
    const operation = "listUserGroupMembers";
    const ctx = this.#ctx("console");
    return paginateV2<GraphConnection>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyByTarget,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/v2/usergroups/{group_id}/members", {
            params: { path: { group_id: groupId }, query: { limit, skip } },
            headers: op(operation),
          }),
        ),
    });
  }

  listUserMemberOf(userId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listUserMemberOf";
    const ctx = this.#ctx("console");
    return paginateV2<GraphObjectWithPaths>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyByTypeAndId,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/v2/users/{user_id}/memberof", {
            params: { path: { user_id: userId }, query: { limit, skip } },
            headers: op(operation),
          }),
        ),
    });
  }

  /** The SSO applications bound to a user, directly or through its groups (`paths` say which). */
  listUserApplications(userId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listUserApplications";
    const ctx = this.#ctx("console");
    return paginateV2<GraphObjectWithPaths>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyByTypeAndId,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/v2/users/{user_id}/applications", {
            params: { path: { user_id: userId }, query: { limit, skip } },
            headers: op(operation),
          }),
        ),
    });
  }

  // ---- applications ---------------------------------------------------------------------------

  listApplications(): AsyncIterable<Application> {
    const operation = "listApplications";
    const ctx = this.#ctx("console");
    return paginateV1<Application>({
      operation,
      ctx,
      emit: this.#emit,
      limit: V1_LIMIT,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/applications", {
            params: { query: { limit, skip, sort: "_id" } },
            querySerializer: (q) => serializeV1Query(q),
            headers: op(operation),
          }),
        ),
    });
  }

  listApplicationUsers(appId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listApplicationUsers";
    const ctx = this.#ctx("console");
    return paginateV2<GraphObjectWithPaths>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyByTypeAndId,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/v2/applications/{application_id}/users", {
            params: { path: { application_id: appId }, query: { limit, skip } },
            headers: op(operation),
          }),
        ),
    });
  }

  listApplicationUserGroups(appId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listApplicationUserGroups";
    const ctx = this.#ctx("console");
    return paginateV2<GraphObjectWithPaths>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyByTypeAndId,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/v2/applications/{application_id}/usergroups", {
            params: { path: { application_id: appId }, query: { limit, skip } },
            headers: op(operation),
          }),
        ),
    });
  }

  listApplicationAssociations(appId: string, targets: ApplicationAssociationTarget | readonly ApplicationAssociationTarget[]): AsyncIterable<GraphConnection> {
    const operation = "listApplicationAssociations";
    const targetList = typeof targets === "string" ? [targets] : [...new Set(targets)];
    if (targetList.length === 0) throw new RangeError("listApplicationAssociations: at least one target is required");
    const ctx = this.#ctx("console");
    return paginateV2<GraphConnection>({
      operation,
      ctx,
      emit: this.#emit,
      family: "v2",
      limit: V2_LIMIT,
      keyOf: keyByTarget,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/v2/applications/{application_id}/associations", {
            params: { path: { application_id: appId }, query: { targets: targetList, limit, skip } },
            headers: op(operation),
          }),
        ),
    });
  }

  // ---- MDM: devices, bindings, managed software ------------------------------------------------

  listSystems(opts: ListSystemsOptions = {}): AsyncIterable<System> {
    const operation = "listSystems";
    const ctx = this.#ctx("console");
    const fields = opts.fields && opts.fields.length > 0 ? [...new Set(["_id", ...opts.fields])].join(" ") : undefined;
    const filters = opts.filter ?? [];
    return paginateV1<System>({
      operation,
      ctx,
      emit: this.#emit,
      limit: V1_LIMIT,
      fetchPage: (skip, limit) =>
        call(operation, ctx, () =>
          this.console.GET("/api/systems", {
            params: { query: { limit, skip, sort: "_id", ...(fields === undefined ? {} : { fields }) } },
            querySerializer: (q) => serializeV1Query(q, filters),
            headers: op(operation),
          }),
        ),
    });
  }

  listSystemUsers(systemId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listSystemUsers";
    const ctx = this.#ctx("console");
    return this.#v2<GraphObjectWithPaths>(operation, ctx, keyByTypeAndId, (skip, limit) =>
      this.console.GET("/api/v2/systems/{system_id}/users", { params: { path: { system_id: systemId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listUserSystems(userId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listUserSystems";
    const ctx = this.#ctx("console");
    return this.#v2<GraphObjectWithPaths>(operation, ctx, keyByTypeAndId, (skip, limit) =>
      this.console.GET("/api/v2/users/{user_id}/systems", { params: { path: { user_id: userId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listSystemAssociations(systemId: string, targets: SystemAssociationTarget | readonly SystemAssociationTarget[]): AsyncIterable<GraphConnection> {
    const operation = "listSystemAssociations";
    const targetList = targetsOf(operation, targets);
    const ctx = this.#ctx("console");
    return this.#v2<GraphConnection>(operation, ctx, keyByTarget, (skip, limit) =>
      this.console.GET("/api/v2/systems/{system_id}/associations", {
        params: { path: { system_id: systemId }, query: { targets: targetList, limit, skip } },
        headers: op(operation),
      }),
    );
  }

  listSystemMemberOf(systemId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listSystemMemberOf";
    const ctx = this.#ctx("console");
    return this.#v2<GraphObjectWithPaths>(operation, ctx, keyByTypeAndId, (skip, limit) =>
      this.console.GET("/api/v2/systems/{system_id}/memberof", { params: { path: { system_id: systemId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listSystemGroupMembers(groupId: string): AsyncIterable<GraphConnection> {
    const operation = "listSystemGroupMembers";
    const ctx = this.#ctx("console");
    return this.#v2<GraphConnection>(operation, ctx, keyByTarget, (skip, limit) =>
      this.console.GET("/api/v2/systemgroups/{group_id}/members", { params: { path: { group_id: groupId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listSystemSoftwareAppStatuses(systemId: string): AsyncIterable<SoftwareAppWithStatus> {
    const operation = "listSystemSoftwareAppStatuses";
    const ctx = this.#ctx("console");
    // One row per app on this device: the app's id identifies the row.
    const keyOf = (row: Record<string, unknown>) => (isRecord(row.app) ? keyById(row.app) : undefined);
    return this.#v2<SoftwareAppWithStatus>(operation, ctx, keyOf, (skip, limit) =>
      this.console.GET("/api/v2/systems/{system_id}/softwareappstatuses", { params: { path: { system_id: systemId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listSoftwareApps(): AsyncIterable<SoftwareApp> {
    const operation = "listSoftwareApps";
    const ctx = this.#ctx("console");
    return this.#v2<SoftwareApp>(operation, ctx, keyById, (skip, limit) => this.console.GET("/api/v2/softwareapps", { params: { query: { limit, skip } }, headers: op(operation) }));
  }

  async getSoftwareApp(id: string): Promise<SoftwareApp> {
    const operation = "getSoftwareApp";
    const ctx = this.#ctx("console");
    const { data } = await call(operation, ctx, () => this.console.GET("/api/v2/softwareapps/{id}", { params: { path: { id } }, headers: op(operation) }));
    if (!isRecord(data) || keyById(data) === undefined) throw invalidResponse(operation, ctx, "expected a software app with an id");
    return data as SoftwareApp;
  }

  listSoftwareAppStatuses(appId: string): AsyncIterable<SoftwareAppStatus> {
    const operation = "listSoftwareAppStatuses";
    const ctx = this.#ctx("console");
    // A status names its device; its own id is optional in the spec, the device is what it is about.
    const keyOf = (row: Record<string, unknown>) => (typeof row.systemId === "string" && row.systemId !== "" ? row.systemId : undefined);
    return this.#v2<SoftwareAppStatus>(operation, ctx, keyOf, (skip, limit) =>
      this.console.GET("/api/v2/softwareapps/{software_app_id}/statuses", { params: { path: { software_app_id: appId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listSoftwareAppSystems(appId: string): AsyncIterable<GraphObjectWithPaths> {
    const operation = "listSoftwareAppSystems";
    const ctx = this.#ctx("console");
    return this.#v2<GraphObjectWithPaths>(operation, ctx, keyByTypeAndId, (skip, limit) =>
      this.console.GET("/api/v2/softwareapps/{software_app_id}/systems", { params: { path: { software_app_id: appId }, query: { limit, skip } }, headers: op(operation) }),
    );
  }

  listSoftwareAppAssociations(appId: string, targets: SoftwareAppAssociationTarget | readonly SoftwareAppAssociationTarget[]): AsyncIterable<GraphConnection> {
    const operation = "listSoftwareAppAssociations";
    const targetList = targetsOf(operation, targets);
    const ctx = this.#ctx("console");
    return this.#v2<GraphConnection>(operation, ctx, keyByTarget, (skip, limit) =>
      this.console.GET("/api/v2/softwareapps/{software_app_id}/associations", {
        params: { path: { software_app_id: appId }, query: { targets: targetList, limit, skip } },
        headers: op(operation),
      }),
    );
  }

  /** A v2 listing paged by 100 with `keyOf` dedupe. */
  #v2<T>(
    operation: string,
    ctx: CallContext,
    keyOf: (row: Record<string, unknown>) => string | undefined,
    fetch: (skip: number, limit: number) => Promise<{ data?: unknown; error?: unknown; response: Response }>,
  ): AsyncIterable<T> {
    return paginateV2<T>({ operation, ctx, emit: this.#emit, family: "v2", limit: V2_LIMIT, keyOf, fetchPage: (skip, limit) => call(operation, ctx, () => fetch(skip, limit)) });
  }

  // ---- System Insights ------------------------------------------------------------------------

  listSystemInsights<T extends SystemInsightsTable>(table: T, opts: SystemInsightsOptions = {}): AsyncIterable<SystemInsightsRow<T>> {
    const operation = `listSystemInsights:${table}`;
    const ctx = this.#ctx("console");
    const limit = opts.limit ?? SYSTEM_INSIGHTS_MAX_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > SYSTEM_INSIGHTS_MAX_LIMIT) {
      throw new RangeError(`listSystemInsights: limit must be an integer in 1..${SYSTEM_INSIGHTS_MAX_LIMIT} (got ${limit})`);
    }
    for (const f of opts.filter ?? []) {
      if (!/^[^:]+:(eq|in):/.test(f)) throw new RangeError(`listSystemInsights: System Insights filters support only eq and in (got "${f}")`);
    }
    // Every table shares the same query shape; one representative path keeps the call typed
    // without a 61-way union. The row type comes from the table's own path (SystemInsightsRow).
    const path = `/api/v2/systeminsights/${table}` as "/api/v2/systeminsights/apps";
    return paginateV2<SystemInsightsRow<T>>({
      operation,
      ctx,
      emit: this.#emit,
      family: "systeminsights",
      limit,
      ...(opts.endOnShortPage === true ? { endOnShortPage: true } : {}),
      fetchPage: (skip, pageLimit) =>
        call(operation, ctx, () =>
          this.console.GET(path, {
            params: {
              query: {
                limit: pageLimit,
                skip,
                ...(opts.filter && opts.filter.length > 0 ? { filter: opts.filter } : {}),
                ...(opts.sort && opts.sort.length > 0 ? { sort: opts.sort } : {}),
              },
            },
            headers: op(operation),
          }),
        ),
    });
  }

  async *listSystemInsightsForSystems<T extends SystemInsightsTable>(
    table: T,
    systemIds: readonly string[],
    opts: SystemInsightsOptions & { chunkSize?: number } = {},
  ): AsyncIterable<SystemInsightsRow<T>> {
    const chunkSize = opts.chunkSize ?? 100;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`listSystemInsightsForSystems: chunkSize must be a positive integer (got ${chunkSize})`);
    for (const id of systemIds) {
      // `|` separates `in` terms and `,` separates filters: an id containing either would change the query.
      if (id === "" || /[|,]/u.test(id)) throw new RangeError(`listSystemInsightsForSystems: not a system id: ${JSON.stringify(id)}`);
    }
    const ids = [...new Set(systemIds)];
    const { chunkSize: _chunkSize, ...rest } = opts;
    for (let i = 0; i < ids.length; i += chunkSize) {
      const filter = [`system_id:in:${ids.slice(i, i + chunkSize).join("|")}`, ...(rest.filter ?? [])];
      yield* this.listSystemInsights(table, { ...rest, filter });
    }
  }

  // ---- Directory Insights ---------------------------------------------------------------------

  events(query: EventQuery): AsyncIterable<EventPage> {
    const operation = "events";
    const ctx = this.#ctx("insights");
    return paginateInsights({
      operation,
      ctx,
      emit: this.#emit,
      query,
      fetchPage: (body) => call(operation, ctx, () => this.insights.POST("/events", { body, headers: op(operation) })),
    });
  }

  async countEvents(query: EventCountQuery): Promise<number> {
    const operation = "countEvents";
    const ctx = this.#ctx("insights");
    // The same query as `events()` counts the same rows: drop what only shapes pages.
    const { limit: _limit, search_after: _searchAfter, skip: _skip, sort: _sort, fields: _fields, ...body } = query;
    const { data } = await call(operation, ctx, () => this.insights.POST("/events/count", { body, headers: op(operation) }));
    const count = (data as { count?: unknown } | undefined)?.count;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0) throw invalidResponse(operation, ctx, "expected `{ count: <integer> }`");
    return count;
  }

  // ---- actions (sent once) ----------------------------------------------------------------------

  async createUser(body: SystemUserCreate): Promise<SystemUser> {
    const operation = "createUser";
    const ctx = this.#ctx("console");
    const { data } = await call(operation, ctx, () => this.console.POST("/api/systemusers", { body, headers: op(operation) }));
    return normalizeV1Record<SystemUser>(data, operation, ctx);
  }

  async updateUser(id: string, body: SystemUserUpdate): Promise<SystemUser> {
    const operation = "updateUser";
    const ctx = this.#ctx("console");
    const { data } = await call(operation, ctx, () => this.console.PUT("/api/systemusers/{id}", { params: { path: { id } }, body, headers: op(operation) }));
    return normalizeV1Record<SystemUser>(data, operation, ctx);
  }

  async suspendUser(id: string): Promise<void> {
    const operation = "suspendUser";
    const ctx = this.#ctx("console");
    // "Request body must be empty." The 200 carries no body either (the spec declares none).
    await call(operation, ctx, () => this.console.POST("/api/systemusers/{id}/state/suspend", { params: { path: { id } }, headers: op(operation), parseAs: "text" }));
  }

  async activateUser(id: string, body: SystemUserActivate = {}): Promise<void> {
    const operation = "activateUser";
    const ctx = this.#ctx("console");
    // The spec's 200 is `type: string` ("OK"), not the user: read as text, whatever it says.
    await call(operation, ctx, () =>
      this.console.POST("/api/systemusers/{id}/state/activate", { params: { path: { id } }, body, headers: op(operation), parseAs: "text" }),
    );
  }

  async deleteUser(id: string): Promise<SystemUser> {
    const operation = "deleteUser";
    const ctx = this.#ctx("console");
    const { data } = await call(operation, ctx, () => this.console.DELETE("/api/systemusers/{id}", { params: { path: { id } }, headers: op(operation) }));
    return normalizeV1Record<SystemUser>(data, operation, ctx);
  }
}
