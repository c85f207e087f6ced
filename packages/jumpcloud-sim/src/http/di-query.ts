// Directory Insights: EventQuery validation and execution (API-NOTES §9 and the DI spec's info).
import { SimError } from "../errors.js";
import { type EventLog, type EventRecord, type Org, eventTimestamp, materialize, serializeEvent } from "../model.js";
import { isVisible } from "../truth.js";

export const DI_DEFAULT_LIMIT = 1000;
export const DI_MAX_LIMIT = 10_000;
const SERVICES = [
  "alerts", "all", "directory", "ldap", "mdm", "notifications", "object_storage", "password_manager", "password_vault", "radius", "reports",
  "saas_app_management", "software", "sso", "systems", "access_management", "asset_management", "workflows", "genai", "aigw", "ai_admin", "generic_di",
];
// The spec's prose says "alert" where its enum says "alerts"; both are accepted.
const SERVICE_SET = new Set([...SERVICES, "alert"]);
const QUERY_KEYS = new Set(["service", "start_time", "end_time", "sort", "limit", "search_after", "skip", "search_term", "q", "exact_match", "fields", "exclude_provider_activity"]);
const UNSEARCHABLE = ["changes", "useragent", "system_timestamp"];
const STRING_OPS = new Set(["eq", "ne", "contains", "startsWith", "endsWith", "in", "not_in", "lt", "gt", "lte", "gte", "before", "after"]);
/** Fields an event of this sim can carry (top level); projections naming none of them are a 400. */
export const KNOWN_FIELDS = new Set([
  "id", "event_type", "service", "organization", "timestamp", "@version", "provider", "initiated_by", "resource", "success", "mfa", "mfa_meta",
  "auth_method", "auth_context", "client_ip", "geoip", "useragent", "error_message", "application", "sso_token_success", "idp_initiated",
  "target_resource", "changes", "association", "system", "username", "process_name", "src_ip", "correlation", "message_chain",
]);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

export type Term = (ev: EventView) => boolean;

export interface EventQuery {
  services: Set<string> | "all";
  startMs: number;
  endMs: number | null;
  desc: boolean;
  limit: number;
  searchAfter: [number, string] | null;
  skip: number;
  term: Term | null;
  fields: string[] | null;
}

/** Lazy access to an event's fields: cheap ones from the compact record, the rest materialized. */
export class EventView {
  private full: Record<string, unknown> | null = null;
  constructor(
    readonly r: EventRecord,
    readonly org: Org,
  ) {}

  /** The event's JSON text (fast path for generated login events). */
  serialized(): string {
    return this.full === null ? serializeEvent(this.r, this.org.id, this.org.providerId) : JSON.stringify(this.full);
  }

  json(): Record<string, unknown> {
    this.full ??= materialize(this.r, this.org.id, this.org.providerId);
    return this.full;
  }

  get(path: string): unknown {
    const r = this.r;
    // The fast path knows only generated login events; compact software events go through json().
    if (r.body === null && r.sw === null) {
      switch (path) {
        case "id":
          return r.id;
        case "event_type":
          return r.type;
        case "service":
          return r.service;
        case "organization":
          return this.org.id;
        case "timestamp":
          return eventTimestamp(r);
        case "success":
          return r.type === "sso_auth" ? undefined : r.ok;
        case "sso_token_success":
          return r.type === "sso_auth" ? r.ok : undefined;
        case "initiated_by.id":
          return r.actorId;
        default:
          break;
      }
    }
    let cur: unknown = this.json();
    for (const part of path.split(".")) {
      if (cur === null || typeof cur !== "object") return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }
}

function parseTime(name: string, v: unknown): number {
  if (typeof v !== "string" || !RFC3339.test(v)) throw new SimError(400, `${name} must be an RFC3339 timestamp (e.g. 2020-01-01T14:00:00Z), got ${JSON.stringify(v)}`);
  const withZone = /(Z|[+-]\d{2}:\d{2})$/i.test(v) ? v : `${v}Z`;
  const ms = Date.parse(withZone);
  if (!Number.isFinite(ms)) throw new SimError(400, `${name} is not a valid date: ${v}`);
  return ms;
}

const lower = (v: unknown): string => (v === null || v === undefined ? "" : typeof v === "string" ? v.toLowerCase() : typeof v === "number" || typeof v === "boolean" ? String(v).toLowerCase() : JSON.stringify(v));

function compileLeaf(field: string, operator: string, value: unknown): Term {
  if (UNSEARCHABLE.some((u) => field === u || field.startsWith(`${u}.`))) throw new SimError(400, `search on "${field}" is not supported`);
  if (!STRING_OPS.has(operator)) throw new SimError(400, `unknown search operator "${operator}"`);
  const list = Array.isArray(value) ? value.map(lower) : null;
  if ((operator === "in" || operator === "not_in") && list === null) throw new SimError(400, `operator ${operator} needs a list value`);
  const want = lower(value);
  const num = typeof value === "number" ? value : Number(value);
  return (ev) => {
    const raw = ev.get(field);
    const have = raw === undefined ? null : lower(raw);
    switch (operator) {
      case "eq":
        return list !== null ? have !== null && list.includes(have) : have === want;
      case "ne":
        return list !== null ? have === null || !list.includes(have) : have !== want;
      case "in":
        return have !== null && (list as string[]).includes(have);
      case "not_in":
        return have === null || !(list as string[]).includes(have);
      case "contains":
        return have !== null && have.includes(want);
      case "startsWith":
        return have !== null && have.startsWith(want);
      case "endsWith":
        return have !== null && have.endsWith(want);
      case "lt":
        return typeof raw === "number" && raw < num;
      case "gt":
        return typeof raw === "number" && raw > num;
      case "lte":
        return typeof raw === "number" && raw <= num;
      case "gte":
        return typeof raw === "number" && raw >= num;
      case "before":
      case "after": {
        const t = Date.parse(String(raw));
        const ref = Date.parse(String(value));
        if (!Number.isFinite(t) || !Number.isFinite(ref)) return false;
        return operator === "before" ? t < ref : t > ref;
      }
      default:
        return false;
    }
  };
}

function compileTerm(term: unknown): Term {
  if (term === null || typeof term !== "object" || Array.isArray(term)) throw new SimError(400, "each search term must be an object");
  const t = term as Record<string, unknown>;
  const keys = Object.keys(t);
  if (keys.length === 0) throw new SimError(400, "empty search term");
  if ("field" in t && "value" in t) {
    if (typeof t.field !== "string") throw new SimError(400, "search term field must be a string");
    const op = t.operator === undefined ? (Array.isArray(t.value) ? "in" : "eq") : t.operator;
    if (typeof op !== "string") throw new SimError(400, "search term operator must be a string");
    return compileLeaf(t.field, op, t.value);
  }
  const parts: Term[] = [];
  for (const key of keys) {
    if (key === "and" || key === "or" || key === "not") parts.push(compileConjunction({ [key]: t[key] }));
    else parts.push(compileLeaf(key, Array.isArray(t[key]) ? "in" : "eq", t[key]));
  }
  return parts.length === 1 ? (parts[0] as Term) : (ev) => parts.every((p) => p(ev));
}

function compileConjunction(st: unknown): Term {
  if (st === null || typeof st !== "object" || Array.isArray(st)) throw new SimError(400, "search_term must be an object");
  const keys = Object.keys(st);
  if (keys.length !== 1 || !["and", "or", "not"].includes(keys[0] as string))
    throw new SimError(400, "search_term must hold exactly one of 'and', 'or' or 'not'");
  const key = keys[0] as "and" | "or" | "not";
  const list = (st as Record<string, unknown>)[key];
  if (!Array.isArray(list) || list.length === 0) throw new SimError(400, `search_term.${key} must be a non-empty array of terms`);
  const terms = list.map(compileTerm);
  if (key === "and") return (ev) => terms.every((p) => p(ev));
  if (key === "or") return (ev) => terms.some((p) => p(ev));
  return (ev) => !terms.some((p) => p(ev));
}

export function parseEventQuery(body: unknown, now: number): EventQuery {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new SimError(400, "the request body must be a JSON EventQuery object");
  const q = body as Record<string, unknown>;
  for (const key of Object.keys(q)) if (!QUERY_KEYS.has(key)) throw new SimError(400, `unknown query field "${key}"`);
  if (!Array.isArray(q.service) || q.service.length === 0) throw new SimError(400, `service is required: a non-empty array of ${SERVICES.join(", ")}`);
  for (const s of q.service) if (typeof s !== "string" || !SERVICE_SET.has(s)) throw new SimError(400, `unknown service ${JSON.stringify(s)}; supported values: ${SERVICES.join(", ")}`);
  const services = (q.service as string[]).includes("all") ? "all" : new Set((q.service as string[]).map((s) => (s === "alert" ? "alerts" : s)));
  if (q.start_time === undefined) throw new SimError(400, "start_time is required");
  const startMs = parseTime("start_time", q.start_time);
  if (startMs > now) throw new SimError(400, `start_time ${JSON.stringify(q.start_time)} is in the future`);
  let endMs: number | null = null;
  if (q.end_time !== undefined) {
    endMs = parseTime("end_time", q.end_time);
    if (endMs <= startMs) throw new SimError(400, "end_time must be after start_time");
  }
  // "Nonsensical/missing sort directives cause the system to default to ascending order, silently."
  const desc = typeof q.sort === "string" && q.sort.toUpperCase() === "DESC";
  // "Any nonsensical values for the limit field will cause the system to return the default row count."
  const limit = typeof q.limit === "number" && Number.isInteger(q.limit) && q.limit >= 1 && q.limit <= DI_MAX_LIMIT ? q.limit : DI_DEFAULT_LIMIT;
  let searchAfter: [number, string] | null = null;
  if (q.search_after !== undefined && q.search_after !== null) {
    const sa = q.search_after;
    if (Array.isArray(sa) && sa.length === 0) searchAfter = null;
    else if (!Array.isArray(sa) || sa.length !== 2 || typeof sa[0] !== "number" || !Number.isFinite(sa[0]) || typeof sa[1] !== "string")
      throw new SimError(400, "search_after must be the [epochMillis, id] pair from the X-Search_after header");
    else searchAfter = [sa[0], sa[1]];
  }
  let skip = 0;
  if (q.skip !== undefined) {
    if (typeof q.skip !== "number" || !Number.isInteger(q.skip) || q.skip < 0) throw new SimError(400, "skip must be a non-negative integer");
    skip = q.skip;
  }
  let fields: string[] | null = null;
  if (q.fields !== undefined) {
    if (!Array.isArray(q.fields) || q.fields.some((f) => typeof f !== "string")) throw new SimError(400, "fields must be an array of strings");
    if (q.fields.length === 0) throw new SimError(400, "fields must not be empty");
    fields = q.fields as string[];
    if (!fields.some((f) => KNOWN_FIELDS.has(f.split(".")[0] as string))) throw new SimError(400, "fields names no known field");
  }
  if (q.exclude_provider_activity !== undefined && typeof q.exclude_provider_activity !== "boolean") throw new SimError(400, "exclude_provider_activity must be a boolean");
  const terms: Term[] = [];
  if (q.search_term !== undefined) terms.push(compileConjunction(q.search_term));
  if (q.q !== undefined) {
    if (typeof q.q !== "string") throw new SimError(400, "q must be a string");
    const needle = q.q.toLowerCase();
    terms.push((ev) => JSON.stringify(ev.json()).toLowerCase().includes(needle));
  }
  if (q.exact_match !== undefined) {
    if (typeof q.exact_match !== "string") throw new SimError(400, "exact_match must be a string");
    if (q.q !== undefined) throw new SimError(400, "exact_match cannot be combined with q");
    const needle = JSON.stringify(q.exact_match.toLowerCase());
    terms.push((ev) => JSON.stringify(ev.json()).toLowerCase().includes(needle));
  }
  const term: Term | null = terms.length === 0 ? null : terms.length === 1 ? (terms[0] as Term) : (ev) => terms.every((t) => t(ev));
  return { services, startMs, endMs, desc, limit, searchAfter, skip, term, fields };
}

interface Cursor {
  org: Org;
  log: EventLog;
  i: number;
}

/**
 * Runs the query over one or more orgs' logs, in (timestamp, id) order (or its reverse), from the
 * search_after key on. Only events visible now and inside retention match.
 */
export function* matching(orgs: Org[], q: EventQuery, now: number, retentionDays: number): Generator<EventView> {
  const effectiveEnd = Math.min(q.endMs ?? now, now);
  // The software stream lives in a log of its own: a directory query never walks it, nor a
  // software query the directory's half a million events.
  const wantSoftware = q.services === "all" || q.services.has("software");
  const wantOthers = q.services === "all" || [...q.services].some((s) => s !== "software");
  const logs = orgs.flatMap((org) => [...(wantOthers ? [{ org, log: org.events }] : []), ...(wantSoftware ? [{ org, log: org.softwareEvents }] : [])]);
  const cursors: Cursor[] = logs.map(({ org, log }) => {
    if (!q.desc) {
      let i = log.lowerBound(q.startMs);
      if (q.searchAfter !== null) i = Math.max(i, log.afterKey(q.searchAfter[0], q.searchAfter[1]));
      return { org, log, i };
    }
    let i = log.lowerBound(effectiveEnd + 1) - 1;
    if (q.searchAfter !== null) {
      // Strictly before the key in descending order.
      let lo = 0;
      let hi = log.records.length;
      const [ms, id] = q.searchAfter;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const r = log.records[mid] as EventRecord;
        if (r.ms < ms || (r.ms === ms && r.id < id)) lo = mid + 1;
        else hi = mid;
      }
      i = Math.min(i, lo - 1);
    }
    return { org, log, i };
  });
  for (;;) {
    let best: Cursor | null = null;
    let bestRec: EventRecord | null = null;
    for (const c of cursors) {
      const r = c.log.records[c.i];
      if (r === undefined || c.i < 0) continue;
      if (!q.desc ? r.ms > effectiveEnd : r.ms < q.startMs) continue;
      if (bestRec === null || (!q.desc ? before(r, bestRec) : before(bestRec, r))) {
        best = c;
        bestRec = r;
      }
    }
    if (best === null || bestRec === null) return;
    best.i += q.desc ? -1 : 1;
    const r = bestRec;
    if (!isVisible(r, now, retentionDays)) continue;
    if (q.services !== "all" && !q.services.has(r.service)) continue;
    const view = new EventView(r, best.org);
    if (q.term !== null && !q.term(view)) continue;
    yield view;
  }
}

function before(a: EventRecord, b: EventRecord): boolean {
  return a.ms < b.ms || (a.ms === b.ms && a.id < b.id);
}

export function project(ev: Record<string, unknown>, fields: string[] | null): Record<string, unknown> {
  if (fields === null) return ev;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    let cur: unknown = ev;
    for (const part of f.split(".")) cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[part] : undefined;
    if (cur === undefined) continue;
    const parts = f.split(".");
    let target = out;
    for (const part of parts.slice(0, -1)) {
      target[part] ??= {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = cur;
  }
  return out;
}
