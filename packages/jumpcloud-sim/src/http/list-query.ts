// v1 and v2 list parameters: limit/skip/sort/fields/filter, parsed strictly (API-NOTES §2).
import { SimError } from "../errors.js";

export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 10;

type Rec = Record<string, unknown>;
export type Predicate = (rec: Rec) => boolean;

export interface ListParams {
  limit: number;
  skip: number;
  sort: { field: string; desc: boolean }[];
  fields: string[] | null;
  filter: Predicate | null;
}

function nonNegativeInt(name: string, raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw)) throw new SimError(400, `${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

function limitParam(query: URLSearchParams): number {
  const limit = nonNegativeInt("limit", query.get("limit"), DEFAULT_LIMIT);
  if (limit > MAX_LIMIT) throw new SimError(400, `limit must be at most ${MAX_LIMIT}, got ${limit}`);
  return limit;
}

export function getPath(rec: Rec, path: string): unknown {
  if (path in rec) return rec[path];
  let cur: unknown = rec;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Rec)[part];
  }
  return cur;
}

function scalar(v: unknown): string | null {
  if (v === undefined) return null;
  if (v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function compareLoose(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Splits on unescaped "|" ("\|" is a literal bar). */
function terms(value: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\" && value[i + 1] === "|") {
      cur += "|";
      i++;
    } else if (c === "|") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const V1_OPS = new Set(["$eq", "$ne", "$in", "$nin", "$lt", "$lte", "$gt", "$gte", "$sw"]);
const V1_EC_OPS = new Set(["$ew", "$co", "$nco"]);

/** One v1 term `field:$op:value`. Without `$` the contract says "undefined behavior"; we answer 400. */
export function v1Term(expr: string, eventuallyConsistent: boolean): Predicate {
  const m = /^([^:]+):([^:]*):([\s\S]*)$/.exec(expr);
  if (m === null) throw new SimError(400, `invalid filter "${expr}": expected <field>:<$op>:<value>`);
  const [, field, op, value] = m as unknown as [string, string, string, string];
  if (!op.startsWith("$")) throw new SimError(400, `invalid filter "${expr}": v1 operators need the "$" prefix (e.g. ${field}:$${op}:${value})`);
  if (!V1_OPS.has(op) && !V1_EC_OPS.has(op)) throw new SimError(400, `invalid filter "${expr}": unknown operator ${op}`);
  if (V1_EC_OPS.has(op) && !eventuallyConsistent) throw new SimError(400, `filter operator ${op} requires the header x-eventually-consistent: true`);
  const list = terms(value);
  if (op === "$sw" && list.length > 1 && !eventuallyConsistent) throw new SimError(400, "multi-term $sw requires the header x-eventually-consistent: true");
  return (rec) => {
    const v = scalar(getPath(rec, field));
    switch (op) {
      case "$eq":
        return v === value;
      case "$ne":
        return v !== value;
      case "$in":
        return v !== null && list.includes(v);
      case "$nin":
        return v === null || !list.includes(v);
      case "$lt":
        return v !== null && compareLoose(v, value) < 0;
      case "$lte":
        return v !== null && compareLoose(v, value) <= 0;
      case "$gt":
        return v !== null && compareLoose(v, value) > 0;
      case "$gte":
        return v !== null && compareLoose(v, value) >= 0;
      case "$sw":
        return v !== null && list.some((t) => v.startsWith(t));
      case "$ew":
        return v !== null && list.some((t) => v.endsWith(t));
      case "$co":
        return v !== null && list.some((t) => v.includes(t));
      case "$nco":
        return v === null || !list.some((t) => v.includes(t));
      default:
        return false;
    }
  };
}

function v1Filter(query: URLSearchParams, eventuallyConsistent: boolean): Predicate | null {
  const and: Predicate[] = [];
  const or: Predicate[] = [];
  for (const [key, value] of query) {
    if (key === "filter" || /^filter\[\d+\]$/.test(key) || /^filter\[and\]\[\d+\]$/.test(key)) and.push(v1Term(value, eventuallyConsistent));
    else if (/^filter\[or\]\[\d+\]$/.test(key)) or.push(v1Term(value, eventuallyConsistent));
    else if (key.startsWith("filter")) throw new SimError(400, `unsupported filter parameter ${key}`);
  }
  if (and.length === 0 && or.length === 0) return null;
  return (rec) => and.every((p) => p(rec)) && (or.length === 0 || or.some((p) => p(rec)));
}

export function parseV1(query: URLSearchParams, headers: Record<string, string | string[] | undefined>, defaultSort: string | null): ListParams {
  const sortRaw = query.get("sort") ?? defaultSort ?? "";
  const fieldsRaw = query.get("fields");
  const ec = String(headers["x-eventually-consistent"] ?? "").toLowerCase() === "true";
  return {
    limit: limitParam(query),
    skip: nonNegativeInt("skip", query.get("skip"), 0),
    sort: sortSpec(sortRaw.split(" ")),
    fields: fieldsRaw === null || fieldsRaw.trim() === "" ? null : fieldsRaw.split(" ").filter((f) => f !== ""),
    filter: v1Filter(query, ec),
  };
}

function sortSpec(parts: string[]): { field: string; desc: boolean }[] {
  return parts.filter((p) => p !== "").map((p) => (p.startsWith("-") ? { field: p.slice(1), desc: true } : { field: p, desc: false }));
}

const V2_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le", "between", "search", "in"]);

/** Comma-joined v2 filters; a comma belongs to the value unless what follows looks like `field:op:`. */
export function splitV2Filters(raw: string): string[] {
  const parts = raw.split(",");
  const out: string[] = [];
  for (const part of parts) {
    if (out.length > 0 && !/^[^:,]+:\$?[A-Za-z]+:/.test(part)) out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out.filter((p) => p !== "");
}

export function v2Term(expr: string): Predicate {
  const m = /^([^:]+):([^:]*):([\s\S]*)$/.exec(expr);
  if (m === null) throw new SimError(400, `invalid filter "${expr}": expected <field>:<op>:<value>`);
  const [, rawField, op, value] = m as unknown as [string, string, string, string];
  if (op.startsWith("$")) throw new SimError(400, `invalid filter "${expr}": v2 operators have no "$" prefix (use ${op.slice(1)})`);
  if (!V2_OPS.has(op)) throw new SimError(400, `invalid filter "${expr}": unknown operator ${op}`);
  const field = rawField;
  const list = terms(value);
  return (rec) => {
    const v = scalar(getPath(rec, field));
    switch (op) {
      case "eq":
        return v === value;
      case "ne":
        return v !== value;
      case "in":
        return v !== null && list.includes(v);
      case "gt":
        return v !== null && compareLoose(v, value) > 0;
      case "ge":
        return v !== null && compareLoose(v, value) >= 0;
      case "lt":
        return v !== null && compareLoose(v, value) < 0;
      case "le":
        return v !== null && compareLoose(v, value) <= 0;
      case "between": {
        const [lo, hi] = list;
        if (lo === undefined || hi === undefined) return false;
        return v !== null && compareLoose(v, lo) >= 0 && compareLoose(v, hi) <= 0;
      }
      case "search":
        return v !== null && v.toLowerCase().includes(value.toLowerCase());
      default:
        return false;
    }
  };
}

export function parseV2(query: URLSearchParams, filterAliases: Record<string, string> = {}): ListParams {
  const preds: Predicate[] = [];
  for (const raw of query.getAll("filter")) {
    for (const expr of splitV2Filters(raw)) {
      const field = expr.split(":")[0] ?? "";
      const aliased = filterAliases[field] === undefined ? expr : filterAliases[field] + expr.slice(field.length);
      preds.push(v2Term(aliased));
    }
  }
  const fieldsRaw = query.get("fields");
  return {
    limit: limitParam(query),
    skip: nonNegativeInt("skip", query.get("skip"), 0),
    sort: sortSpec((query.get("sort") ?? "").split(",")),
    fields: fieldsRaw === null || fieldsRaw.trim() === "" ? null : fieldsRaw.split(",").map((f) => f.trim()).filter((f) => f !== ""),
    filter: preds.length === 0 ? null : (rec) => preds.every((p) => p(rec)),
  };
}

export function applySort<T extends Rec>(rows: T[], sort: { field: string; desc: boolean }[], idField: string): T[] {
  if (sort.length === 0) return rows;
  const keyed = rows.map((r, i) => ({ r, i }));
  keyed.sort((a, b) => {
    for (const { field, desc } of sort) {
      const av = getPath(a.r, field);
      const bv = getPath(b.r, field);
      const c = compareValues(av, bv);
      if (c !== 0) return desc ? -c : c;
    }
    const ai = String(a.r[idField]);
    const bi = String(b.r[idField]);
    return ai < bi ? -1 : ai > bi ? 1 : a.i - b.i;
  });
  return keyed.map((k) => k.r);
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const as = scalar(a) ?? "";
  const bs = scalar(b) ?? "";
  return as < bs ? -1 : as > bs ? 1 : 0;
}

export function project<T extends Rec>(rec: T, fields: string[] | null, always: string[]): Rec {
  if (fields === null) return rec;
  const out: Rec = {};
  for (const f of always) if (f in rec) out[f] = rec[f];
  for (const f of fields) {
    const v = getPath(rec, f);
    if (v !== undefined) out[f] = v;
  }
  return out;
}
