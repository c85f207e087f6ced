// Query serializers per API family. openapi-fetch's default repeats array params
// (`fields=a&fields=b`), which JumpCloud does not document for any family.

type Query = Record<string, unknown>;

const enc = encodeURIComponent;

function pairs(query: Query, join: string, skip: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (skip.has(key)) continue;
    const value = raw;
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) out.push(`${enc(key)}=${value.map((v) => enc(String(v))).join(join)}`);
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      out.push(`${enc(key)}=${enc(String(value))}`);
    } else {
      throw new TypeError(`query parameter "${key}": nested objects are not supported by JumpCloud's list routes`);
    }
  }
  return out;
}

/**
 * v1: `fields` and `sort` are space-separated strings; arrays are space-joined. Filters: one is
 * `filter=…`, several are ANDed as `filter[0]=…&filter[1]=…` (JumpCloud's documented form).
 */
export function serializeV1Query(query: Query, filters: readonly string[] = []): string {
  const out = pairs(query, "%20", new Set(["filter"]));
  const all = [...filters, ...(typeof query.filter === "string" ? [query.filter] : [])];
  if (all.length === 1) out.push(`filter=${enc(all[0]!)}`);
  else all.forEach((f, i) => out.push(`filter[${i}]=${enc(f)}`));
  return out.join("&");
}

/** v2 and System Insights: arrays (`fields`, `sort`, `filter`) are one comma-joined value (`explode: false`). */
export function serializeV2Query(query: Query): string {
  return pairs(query, ",").join("&");
}
