// Pagination per JumpCloud API family (API-NOTES.md §2 and §9). Each iterator re-validates the
// shape of every page: a wrong shape is an `invalid-response` error, never a silent stop.
import { invalidResponse, type CallContext } from "./responses.js";
import type { DirectoryInsightsEvent, EventQuery, InsightsPageResponseHeaders, SearchAfter, V2ListResponseHeaders } from "./spec-patches.js";
import type { ClientEvent, EventPage, PageFamily } from "./types.js";

export const V1_LIMIT = 100;
export const V2_LIMIT = 100;
export const SYSTEM_INSIGHTS_MAX_LIMIT = 10_000;
export const INSIGHTS_MAX_LIMIT = 10_000;

type Page = { data: unknown; response: Response };

interface SkipPaging {
  operation: string;
  ctx: CallContext;
  emit: (e: ClientEvent) => void;
  limit: number;
  fetchPage: (skip: number, limit: number) => Promise<Page>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * v1 records declare `_id`; responses carry `id` too. Backfill whichever is missing so both are
 * strings (spec gap 2 in spec-patches.ts). A record with neither cannot be deduplicated or used.
 */
export function normalizeV1Record<T extends { _id: string; id: string }>(value: unknown, operation: string, ctx: CallContext): T {
  if (!isRecord(value)) throw invalidResponse(operation, ctx, "expected an object record");
  const id = typeof value.id === "string" ? value.id : typeof value._id === "string" ? value._id : undefined;
  if (id === undefined || id === "") throw invalidResponse(operation, ctx, "record without `_id`/`id`");
  // The one runtime step behind the patched record types: shape checked above, ids guaranteed here.
  return { ...value, _id: typeof value._id === "string" ? value._id : id, id } as unknown as T;
}

/**
 * v1: `{ totalCount, results }`. `skip` advances by the limit, not by the rows received (JumpCloud
 * returns short pages mid-stream); stop once `skip ≥ totalCount` (or, with no total, on an empty page).
 */
export async function* paginateV1<T extends { _id: string; id: string }>(p: SkipPaging): AsyncGenerator<T> {
  const seen = new Set<string>();
  for (let skip = 0; ; skip += p.limit) {
    const { data } = await p.fetchPage(skip, p.limit);
    if (!isRecord(data) || !Array.isArray(data.results)) throw invalidResponse(p.operation, p.ctx, "expected `{ totalCount, results: [] }`");
    const total = data.totalCount;
    if (total !== undefined && total !== null && (typeof total !== "number" || !Number.isInteger(total) || total < 0)) {
      throw invalidResponse(p.operation, p.ctx, "`totalCount` is not a non-negative integer");
    }
    const rows = data.results as unknown[];
    p.emit({ type: "page", operation: p.operation, family: "v1", rows: rows.length });
    for (const raw of rows) {
      // JumpCloud confirmed null records inside pages; they carry nothing to yield.
      if (raw === null) continue;
      const record = normalizeV1Record<T>(raw, p.operation, p.ctx);
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      yield record;
    }
    if (typeof total === "number" ? skip + p.limit >= total : rows.length === 0) return;
  }
}

export function parseTotalCount(response: Response, operation: string, ctx: CallContext): number | null {
  const raw = header<V2ListResponseHeaders>(response, "x-total-count");
  if (raw === null || raw.trim() === "") return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidResponse(operation, ctx, `x-total-count header is not a count`);
  return n;
}

/**
 * v2 and System Insights: bare arrays, total in `x-total-count`. Same skip rule as v1; with no
 * header, stop on an empty page (or, with `endOnShortPage`, on a page shorter than the limit). `keyOf` dedupes within one iteration (omit it for rows with no id).
 */
export async function* paginateV2<T>(
  p: SkipPaging & {
    family: Extract<PageFamily, "v2" | "systeminsights">;
    keyOf?: (row: Record<string, unknown>) => string | undefined;
    /** Without a total, stop on a page shorter than the limit instead of on an empty page. */
    endOnShortPage?: boolean;
  },
): AsyncGenerator<T> {
  const seen = new Set<string>();
  for (let skip = 0; ; skip += p.limit) {
    const { data, response } = await p.fetchPage(skip, p.limit);
    if (!Array.isArray(data)) throw invalidResponse(p.operation, p.ctx, "expected a JSON array");
    const total = parseTotalCount(response, p.operation, p.ctx);
    p.emit({ type: "page", operation: p.operation, family: p.family, rows: data.length });
    for (const row of data as unknown[]) {
      if (row === null) continue;
      if (!isRecord(row)) throw invalidResponse(p.operation, p.ctx, "expected object rows");
      if (p.keyOf !== undefined) {
        const key = p.keyOf(row);
        if (key === undefined) throw invalidResponse(p.operation, p.ctx, "row without an id");
        if (seen.has(key)) continue;
        seen.add(key);
      }
      yield row as T;
    }
    if (total !== null ? skip + p.limit >= total : p.endOnShortPage === true ? data.length < p.limit : data.length === 0) return;
  }
}

export const keyById = (row: Record<string, unknown>): string | undefined => (typeof row.id === "string" && row.id !== "" ? row.id : undefined);
export const keyByTypeAndId = (row: Record<string, unknown>): string | undefined => {
  const id = keyById(row);
  return id === undefined || typeof row.type !== "string" ? undefined : `${row.type}:${id}`;
};
/** GraphConnection has no id of its own: the edge is identified by its target. */
export const keyByTarget = (row: Record<string, unknown>): string | undefined => (isRecord(row.to) ? keyByTypeAndId(row.to) : undefined);

/** Reads a response header declared in the spec patches (spec gap 1); names are case-insensitive. */
function header<H>(response: Response, name: keyof H & string): string | null {
  return response.headers.get(name);
}

function headerInt(response: Response, name: keyof InsightsPageResponseHeaders, operation: string, ctx: CallContext): number | null {
  const raw = header<InsightsPageResponseHeaders>(response, name);
  if (raw === null || raw.trim() === "") return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidResponse(operation, ctx, `${name} header is not a count`);
  return n;
}

/** `X-Search_after`: a JSON array `[epochMillis, "id"]` (spec gap 3). */
export function parseSearchAfter(raw: string | null, operation: string, ctx: CallContext): SearchAfter | null {
  if (raw === null || raw.trim() === "") return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw invalidResponse(operation, ctx, "X-Search_after header is not JSON", err);
  }
  // An empty page before any cursor exists has nothing to point at: `[]` (or `null`) means "no cursor".
  if (value === null || (Array.isArray(value) && value.length === 0)) return null;
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "number" || !Number.isFinite(value[0]) || typeof value[1] !== "string") {
    throw invalidResponse(operation, ctx, "X-Search_after header is not [epochMillis, id]");
  }
  return [value[0], value[1]];
}

/**
 * Directory Insights: POST the identical query plus `search_after` from the previous page's
 * `X-Search_after`, until `X-Result-Count < X-Limit`. The header is sent even on the last page, so
 * it is never the stop signal.
 */
export async function* paginateInsights(p: {
  operation: string;
  ctx: CallContext;
  emit: (e: ClientEvent) => void;
  query: EventQuery;
  fetchPage: (body: EventQuery) => Promise<Page>;
}): AsyncGenerator<EventPage> {
  const limit = p.query.limit ?? INSIGHTS_MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > INSIGHTS_MAX_LIMIT) {
    throw new RangeError(`events: limit must be an integer in 1..${INSIGHTS_MAX_LIMIT} (got ${limit})`);
  }
  const base: EventQuery = { ...p.query, limit, sort: p.query.sort ?? "ASC" };
  let searchAfter = p.query.search_after;
  for (;;) {
    const body: EventQuery = searchAfter === undefined ? base : { ...base, search_after: searchAfter };
    const { data, response } = await p.fetchPage(body);
    if (!Array.isArray(data)) throw invalidResponse(p.operation, p.ctx, "expected a JSON array of events");
    for (const e of data as unknown[]) if (!isRecord(e)) throw invalidResponse(p.operation, p.ctx, "expected object events");
    const events = data as DirectoryInsightsEvent[];
    const resultCount = headerInt(response, "X-Result-Count", p.operation, p.ctx) ?? events.length;
    const pageLimit = headerInt(response, "X-Limit", p.operation, p.ctx) ?? limit;
    const next = parseSearchAfter(header<InsightsPageResponseHeaders>(response, "X-Search_after"), p.operation, p.ctx);
    p.emit({ type: "page", operation: p.operation, family: "insights", rows: events.length });
    yield { events, resultCount, limit: pageLimit, searchAfter: next };
    if (resultCount < pageLimit) return;
    if (next === null) throw invalidResponse(p.operation, p.ctx, "a full page came without X-Search_after; cannot continue");
    if (searchAfter !== undefined && next[0] === searchAfter[0] && next[1] === searchAfter[1]) {
      throw invalidResponse(p.operation, p.ctx, "X-Search_after did not advance; stopping instead of looping");
    }
    searchAfter = next;
  }
}
