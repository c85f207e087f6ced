import type { Sim } from "../src/index.js";

export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  key?: string | null;
  orgId?: string | string[];
  headers?: Record<string, string>;
}

function headersFor(sim: Sim, opts: CallOptions): Headers {
  const h = new Headers({ accept: "application/json" });
  const key = opts.key === undefined ? sim.credentials.apiKey : opts.key;
  if (key !== null) h.set("x-api-key", key);
  const org = opts.orgId;
  if (Array.isArray(org)) for (const o of org) h.append("x-org-id", o);
  else if (org !== undefined) h.set("x-org-id", org);
  for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
  return h;
}

async function wrap<T>(r: Response): Promise<Res<T>> {
  const text = await r.text();
  let body: unknown = undefined;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: r.status, headers: r.headers, body: body as T, text };
}

export async function get<T = any>(sim: Sim, path: string, opts: CallOptions = {}): Promise<Res<T>> {
  return wrap<T>(await fetch(sim.url + path, { headers: headersFor(sim, opts) }));
}

export async function send<T = any>(sim: Sim, method: string, path: string, body: unknown, opts: CallOptions = {}): Promise<Res<T>> {
  const h = headersFor(sim, opts);
  if (body !== undefined) h.set("content-type", "application/json");
  return wrap<T>(await fetch(sim.url + path, { method, headers: h, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) }));
}

export async function events<T = any>(sim: Sim, query: unknown, opts: CallOptions = {}, path = "/events"): Promise<Res<T>> {
  return send<T>(sim, "POST", `/insights/directory/v1${path}`, query, opts);
}

/** Pages a v1 list to its end (limit 100 unless told), by totalCount. */
export async function allV1(sim: Sim, path: string, opts: CallOptions = {}, limit = 100): Promise<{ rows: any[]; requests: number }> {
  const rows: any[] = [];
  let requests = 0;
  for (;;) {
    const sep = path.includes("?") ? "&" : "?";
    const r = await get<{ totalCount: number; results: any[] }>(sim, `${path}${sep}limit=${limit}&skip=${rows.length}`, opts);
    requests++;
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    rows.push(...r.body.results);
    if (rows.length >= r.body.totalCount || r.body.results.length === 0) return { rows, requests };
  }
}

/** Pages a v2 list by x-total-count, advancing skip by what each page held. */
export async function allV2(sim: Sim, path: string, opts: CallOptions = {}, limit = 100): Promise<{ rows: any[]; requests: number }> {
  const rows: any[] = [];
  let requests = 0;
  for (;;) {
    const sep = path.includes("?") ? "&" : "?";
    const r = await get<any[]>(sim, `${path}${sep}limit=${limit}&skip=${rows.length}`, opts);
    requests++;
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    rows.push(...r.body);
    const total = Number(r.headers.get("x-total-count"));
    if (rows.length >= total || r.body.length === 0) return { rows, requests };
  }
}

/** Pages DI to its end with search_after, until X-Result-Count < X-Limit. */
export async function allEvents(sim: Sim, query: Record<string, unknown>, opts: CallOptions = {}): Promise<{ rows: any[]; requests: number }> {
  const rows: any[] = [];
  let requests = 0;
  let searchAfter: unknown = undefined;
  for (;;) {
    const r = await events<any[]>(sim, searchAfter === undefined ? query : { ...query, search_after: searchAfter }, opts);
    requests++;
    if (r.status !== 200) throw new Error(`DI: ${r.status} ${r.text}`);
    rows.push(...r.body);
    if (Number(r.headers.get("x-result-count")) < Number(r.headers.get("x-limit"))) return { rows, requests };
    searchAfter = JSON.parse(r.headers.get("x-search_after") ?? "null");
  }
}

export const sortedIds = (xs: { id: string }[]) => xs.map((x) => x.id).sort();

/** Pages a System Insights table (no total is sent) until a short page. */
export async function allSi(sim: Sim, path: string, opts: CallOptions = {}, limit = 10_000): Promise<{ rows: any[]; requests: number }> {
  const rows: any[] = [];
  let requests = 0;
  for (;;) {
    const sep = path.includes("?") ? "&" : "?";
    const r = await get<any[]>(sim, `${path}${sep}limit=${limit}&skip=${rows.length}`, opts);
    requests++;
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
    rows.push(...r.body);
    if (r.body.length < limit) return { rows, requests };
  }
}
