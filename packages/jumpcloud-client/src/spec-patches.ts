// The one place where the vendored JumpCloud specs are corrected. Every gap listed in
// ../shared/jumpcloud-api/SOURCES.md ("Known gaps") and API-NOTES.md §12 is patched here, as types,
// so the rest of the package never casts around the generated code. The runtime side of each patch
// (header parsing, `id` backfill) lives next to the pagination code and is named in the comments.
import type {
  components as ConsoleComponents,
  operations as ConsoleOperations,
  paths as GeneratedConsolePaths,
} from "./generated/console.gen.js";
import type {
  components as InsightsComponents,
  operations as InsightsOperations,
  paths as GeneratedInsightsPaths,
} from "./generated/insights.gen.js";

type ConsoleSchemas = ConsoleComponents["schemas"];
type InsightsSchemas = InsightsComponents["schemas"];

// ---------------------------------------------------------------------------------------------
// Gap 1: no response headers are declared anywhere.
// ---------------------------------------------------------------------------------------------

/** Headers of a v2 list response (`/api/v2/...`, bare JSON array body). Parsed by `parseTotalCount`. */
export interface V2ListResponseHeaders {
  /** Total number of rows across all pages. Usually present; JumpCloud's own module falls back when absent. */
  "x-total-count"?: string;
}

/** Headers of a Directory Insights `POST /events` response. Parsed by `parseInsightsPageHeaders`. */
export interface InsightsPageResponseHeaders {
  /** Rows in this page. */
  "X-Result-Count"?: string;
  /** The page size the server applied. */
  "X-Limit"?: string;
  /** e.g. `ASC`. */
  "X-Sort"?: string;
  /** JSON array `[epochMillis, "id"]`, sent even on the last page. */
  "X-Search_after"?: string;
  "X-Request-Id"?: string;
}

// ---------------------------------------------------------------------------------------------
// Gap 2: v1 records declare `_id` but not `id`; real responses carry both. The paginator backfills
// `id` from `_id` when a response lacks it (see `normalizeV1Record`), so both are always strings.
// ---------------------------------------------------------------------------------------------

type WithV1Ids<T> = Omit<T, "_id" | "id"> & { _id: string; id: string };

export type Organization = WithV1Ids<ConsoleSchemas["organization"]>;
export type SystemUser = WithV1Ids<ConsoleSchemas["systemuserreturn"]>;
export type Application = WithV1Ids<ConsoleSchemas["application"]>;
/** A device (`GET /api/systems`, v1). */
export type System = WithV1Ids<ConsoleSchemas["system"]>;
/** Body of `POST /api/systemusers` (`username` and `email` required). */
export type SystemUserCreate = ConsoleSchemas["systemuserputpost"];
/** Body of `PUT /api/systemusers/{id}` (partial update). */
export type SystemUserUpdate = ConsoleSchemas["systemuserput"];
/**
 * Body of `POST /api/systemusers/{id}/state/activate`: `{}`, `{email: boolean}` (send the welcome
 * email or not) or `{email: "alt@x"}` (send it there). Gap: the spec types `email` as an empty object.
 */
export type SystemUserActivate = { email?: boolean | string };

// v2 records already declare `id`, but as optional on UserGroup; rows without one are rejected
// as invalid responses, because paging dedupes by it.
export type UserGroup = Omit<ConsoleSchemas["UserGroup"], "id"> & { id: string };
export type GraphConnection = ConsoleSchemas["GraphConnection"];

// MDM software apps (v2): `id` is optional in the spec; rows without one are rejected as invalid
// responses, because paging dedupes by it and every status refers to it.
export type SoftwareApp = Omit<ConsoleSchemas["software-app"], "id"> & { id: string };
export type SoftwareAppSettings = ConsoleSchemas["software-app-settings"];
/** A managed app's state on one device; `state` is not enumerated by the spec (`INSTALLED`, `FAILED`, `PENDING`, … as reported). */
export type SoftwareAppStatus = ConsoleSchemas["software-app-status"];
/** `GET /api/v2/systems/{id}/softwareappstatuses` rows: the app and its status on that device. */
export type SoftwareAppWithStatus = ConsoleSchemas["software-app-with-status"];
export type GraphObjectWithPaths = ConsoleSchemas["GraphObjectWithPaths"];
export type GraphObject = ConsoleSchemas["GraphObject"];

// ---------------------------------------------------------------------------------------------
// Gap 3: Directory Insights `search_after` is typed `Record<string, never>[]`; the real value is
// the tuple `[epochMillis, id]` from the `X-Search_after` header.
// ---------------------------------------------------------------------------------------------

export type SearchAfter = [number, string];

/** The DI event query, with `search_after` corrected. */
export type EventQuery = Omit<InsightsSchemas["EventQuery"], "search_after"> & {
  search_after?: SearchAfter;
};
/**
 * Query for `/events/count`. The spec takes the whole `EventQuery`; paging fields (`limit`,
 * `search_after`, `skip`, `sort`, `fields`) do not change a count, and `countEvents` drops them.
 */
export type EventCountQuery = EventQuery;
export type InsightsService = InsightsSchemas["EventServiceTimeQuery"]["service"][number];

/**
 * A Directory Insights event. The spec types the body as `object[]`; these are the fields every
 * event carries in JumpCloud's documented samples (absent if `fields` excludes them).
 */
export type DirectoryInsightsEvent = NonNullable<
  InsightsOperations["directoryInsights_eventsPost"]["responses"][200]["content"]["application/json"]
>[number] & {
  id?: string;
  event_type?: string;
  service?: string;
  timestamp?: string;
  organization?: string;
};

type JsonBody<T> = { content: { "application/json": T } };
type WithJsonBody<Op, Body> = Omit<Op, "requestBody"> & { requestBody: JsonBody<Body> };

/** Generated DI paths with the corrected `EventQuery` on the event routes. */
export type InsightsPaths = Omit<GeneratedInsightsPaths, "/events" | "/events/count"> & {
  "/events": Omit<GeneratedInsightsPaths["/events"], "post"> & {
    post: WithJsonBody<InsightsOperations["directoryInsights_eventsPost"], EventQuery>;
  };
  "/events/count": Omit<GeneratedInsightsPaths["/events/count"], "post"> & {
    post: WithJsonBody<InsightsOperations["directoryInsights_eventsCountPost"], EventCountQuery>;
  };
};

// ---------------------------------------------------------------------------------------------
// Gap 4: a few v2 GETs declare `x-total-count` as a *request* header. It is harmless for typing
// (optional), and the client never sends it, so those routes stay as generated.
// Gap 5: `state/activate` types `email` as an empty object; it is `boolean | string`.
// ---------------------------------------------------------------------------------------------

type ActivatePath = "/api/systemusers/{id}/state/activate";

export type ConsolePaths = Omit<GeneratedConsolePaths, ActivatePath> & {
  [P in ActivatePath]: Omit<GeneratedConsolePaths[P], "post"> & {
    post: Omit<ConsoleOperations["postApiSystemusersByIdStateActivate"], "requestBody"> & {
      requestBody?: JsonBody<SystemUserActivate>;
    };
  };
};

// ---------------------------------------------------------------------------------------------
// System Insights tables: every `/api/v2/systeminsights/<table>` path with a GET. The
// `/api/v2/systeminsights/{system_id}/<table>` entries have no operations and are excluded.
// ---------------------------------------------------------------------------------------------

type SystemInsightsPath = {
  [P in keyof ConsolePaths]: P extends `/api/v2/systeminsights/${infer T}`
    ? T extends `${string}/${string}` | `{${string}`
      ? never
      : ConsolePaths[P]["get"] extends { responses: { 200: unknown } }
        ? P
        : never
    : never;
}[keyof ConsolePaths];

export type SystemInsightsTable = SystemInsightsPath extends `/api/v2/systeminsights/${infer T}` ? T : never;

export type SystemInsightsRow<T extends SystemInsightsTable> =
  ConsolePaths[`/api/v2/systeminsights/${T}`]["get"] extends {
    responses: { 200: { content: { "application/json": (infer R)[] } } };
  }
    ? R
    : never;
