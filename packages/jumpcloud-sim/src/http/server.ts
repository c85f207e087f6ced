// node:http plumbing: routing, auth and org scoping, faults, latency, statistics.
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES, createServer } from "node:http";
import type { SimStats } from "../api.types.js";
import { SimError } from "../errors.js";
import type { FaultEngine } from "../faults.js";
import type { Org } from "../model.js";
import { OBJECT_ID, mix32 } from "../rng.js";
import type { ApiKey, World } from "../world.js";
import { consoleRoutes } from "./console-routes.js";
import { type Ctx, RawJsonRows, type Reply, type Route } from "./context.js";
import { diRoutes } from "./di-routes.js";
import { mdmRoutes } from "./mdm-routes.js";

const ROUTES: Route[] = [...consoleRoutes, ...mdmRoutes, ...diRoutes];
const MAX_BODY = 5 * 1024 * 1024;

export interface ServerDeps {
  world: World;
  faults: FaultEngine;
  /** The main key (revokeKeyAfterRequests revokes it). */
  mainKey: () => string;
  latencyMs?: number | { min: number; max: number };
  latencyOnClock?: boolean;
}

export class StatsRecorder {
  private s: SimStats = StatsRecorder.empty();
  static empty(): SimStats {
    return {
      total: 0,
      byStatus: {},
      byRoute: {},
      served429: 0,
      faults: { "429": 0, "5xx": 0, drop: 0, malformed: 0, shortPage: 0, stall: 0 },
      writes: { attempted: 0, applied: 0, byRoute: {} },
    };
  }
  record(routeKey: string, status: string): void {
    this.s.total++;
    this.s.byStatus[status] = (this.s.byStatus[status] ?? 0) + 1;
    const r = (this.s.byRoute[routeKey] ??= { total: 0, byStatus: {} });
    r.total++;
    r.byStatus[status] = (r.byStatus[status] ?? 0) + 1;
    if (status === "429") this.s.served429++;
  }
  write(routeKey: string, applied: boolean): void {
    const w = this.s.writes;
    const r = (w.byRoute[routeKey] ??= { attempted: 0, applied: 0 });
    w.attempted++;
    r.attempted++;
    if (applied) {
      w.applied++;
      r.applied++;
    }
  }
  fault(kind: keyof SimStats["faults"]): void {
    this.s.faults[kind]++;
  }
  snapshot(): SimStats {
    return structuredClone(this.s);
  }
  reset(): void {
    this.s = StatsRecorder.empty();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(", ") : v;
}

function errorBody(route: Route | null, status: number, message: string, details?: readonly Record<string, unknown>[]): unknown {
  if (route?.family === "di") return { message };
  return { code: status, message, status: STATUS_CODES[status] ?? "Error", ...(details === undefined ? {} : { details }) };
}

function requestId(seq: number): string {
  const h = mix32(seq, 0x5157).toString(16).padStart(8, "0");
  return `${h}-${seq.toString(16).padStart(4, "0").slice(-4)}-4000-8000-${seq.toString(16).padStart(12, "0")}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new SimError(413, "request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const OPEN = Buffer.from("[");
const COMMA = Buffer.from(",");
const CLOSE = Buffer.from("]");

function arrayBuffer(items: unknown[], parts: Buffer[]): void {
  parts.push(OPEN);
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(Buffer.from(JSON.stringify(item) ?? "null"));
  });
  parts.push(CLOSE);
}

/**
 * JSON, serialized row by row: one JSON.stringify over a page of 10,000 events falls off V8's
 * one-byte fast path at the first non-ASCII name and then runs several times slower for the
 * whole page; per-row strings keep the slow path to the rows that need it.
 */
export function toJsonParts(body: unknown): Buffer[] {
  const parts: Buffer[] = [];
  if (body instanceof RawJsonRows) {
    parts.push(OPEN);
    body.rows.forEach((row, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(Buffer.from(row));
    });
    parts.push(CLOSE);
  } else if (Array.isArray(body)) arrayBuffer(body, parts);
  else if (body !== null && typeof body === "object" && Object.values(body).some(Array.isArray)) {
    parts.push(Buffer.from("{"));
    let first = true;
    Object.entries(body).forEach(([k, v]) => {
      if (v === undefined) return;
      parts.push(Buffer.from(`${first ? "" : ","}${JSON.stringify(k)}:`));
      first = false;
      if (Array.isArray(v)) arrayBuffer(v, parts);
      else parts.push(Buffer.from(JSON.stringify(v)));
    });
    parts.push(Buffer.from("}"));
  } else parts.push(Buffer.from(JSON.stringify(body)));
  return parts;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A stall must not keep the process (or `close()`) waiting: the timer is unref'd, the socket may be gone. */
const stallFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/** Resolves once the world's clock reaches `at` (checked every 10 ms; the timer keeps no process alive). */
function untilClock(world: World, at: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (world.clock.now().getTime() >= at) return resolve();
    const timer = setInterval(() => {
      if (world.clock.now().getTime() < at) return;
      clearInterval(timer);
      resolve();
    }, 10);
    timer.unref();
  });
}

export function createSimServer(deps: ServerDeps, stats: StatsRecorder): Server {
  const { world, faults } = deps;
  let requests = 0;

  function resolveKey(req: IncomingMessage): ApiKey {
    const raw = header(req, "x-api-key");
    const key = raw === undefined ? undefined : world.keys.get(raw);
    if (key === undefined || key.revoked) throw new SimError(401, "Unauthorized: invalid or missing API key");
    return key;
  }

  function orgFor(key: ApiKey, id: string): Org {
    if (!key.orgIds.includes(id)) throw new SimError(404, `organization ${id} not found`);
    return world.org(id);
  }

  function scope(route: Route, key: ApiKey, req: IncomingMessage, params: Record<string, string>): { org: Org; orgs: Org[] } {
    const xOrg = header(req, "x-org-id")?.trim();
    const own = world.org(key.orgIds[0]);
    switch (route.scope) {
      case "org-list":
        if (xOrg !== undefined && xOrg !== "") throw new SimError(403, "ID included on unsupported route");
        return { org: own, orgs: [] };
      case "org-path": {
        const id = params.id as string;
        if (!OBJECT_ID.test(id)) throw new SimError(400, `"${id}" is not a valid organization ID`);
        if (xOrg !== undefined && xOrg !== "" && xOrg !== id) throw new SimError(400, "x-org-id doesn't match the organization ID in the path");
        return { org: orgFor(key, id), orgs: [] };
      }
      case "org": {
        if (xOrg === undefined || xOrg === "") {
          if (key.multiTenant) throw new SimError(401, "ID not included for multi-tenant admin");
          return { org: own, orgs: [own] };
        }
        if (!OBJECT_ID.test(xOrg)) throw new SimError(400, `x-org-id "${xOrg}" is malformed`);
        const org = orgFor(key, xOrg);
        return { org, orgs: [org] };
      }
      case "di": {
        if (key.roleName === "Command Runner") throw new SimError(403, "Only administrator roles can access the API; command runners receive a 403");
        const ids = xOrg === undefined || xOrg === "" ? [] : xOrg.split(/\s*,\s*/);
        if (ids.length === 0) {
          if (key.multiTenant) {
            const provider = header(req, "x-provider-id");
            if (provider !== undefined && provider === key.providerId) return { org: own, orgs: [] };
            throw new SimError(401, "ID not included for multi-tenant admin");
          }
          ids.push(own.id);
        }
        const orgs: Org[] = [];
        for (const id of ids) {
          if (!OBJECT_ID.test(id)) throw new SimError(400, `x-org-id "${id}" is malformed`);
          const org = orgFor(key, id);
          if (!orgs.includes(org)) orgs.push(org);
        }
        if (orgs.some((o) => !o.diEnabled)) throw new SimError(402, "Directory Insights is not enabled for your organization");
        return { org: orgs[0] as Org, orgs };
      }
    }
  }

  function send(res: ServerResponse, reply: Reply, malformed = false): void {
    const headers: Record<string, string> = { ...reply.headers };
    let parts: Buffer[] = [];
    if (reply.body !== undefined) {
      parts = toJsonParts(reply.body);
      headers["content-type"] = "application/json; charset=utf-8";
    }
    if (malformed) {
      const whole = Buffer.concat(parts);
      parts = [whole.length > 2 ? whole.subarray(0, Math.max(1, Math.floor(whole.length / 2))) : Buffer.from('{"results":[')];
    }
    let length = 0;
    for (const p of parts) length += p.length;
    headers["content-length"] = String(length);
    res.writeHead(reply.status, headers);
    // Rows go out as they were serialized (corked into few writes), never copied into one buffer.
    res.cork();
    for (const p of parts) res.write(p);
    res.end();
    process.nextTick(() => res.uncork());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests++;
    const seq = faults.next();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://sim.local");
    let route: Route | null = null;
    let params: Record<string, string> = {};
    let pathKnown = false;
    for (const r of ROUTES) {
      const m = r.pattern.exec(url.pathname);
      if (m === null) continue;
      pathKnown = true;
      if (r.method !== method) continue;
      route = r;
      params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1] as string)]));
      break;
    }
    const routeKey = route === null ? "UNMATCHED" : `${route.method} ${route.template}`;
    const rawBody = await readBody(req);
    if (faults.shouldRevoke(seq)) world.revoke(deps.mainKey());

    const lat = deps.latencyMs;
    if (lat !== undefined) {
      const ms = typeof lat === "number" ? lat : lat.min + ((mix32(requests, 0x1a7) / 4294967296) * (lat.max - lat.min + 1)) | 0;
      if (ms > 0) await (deps.latencyOnClock === true ? untilClock(deps.world, deps.world.clock.now().getTime() + ms) : sleep(ms));
    }

    if (route === null) {
      const status = pathKnown ? 405 : 404;
      stats.record(routeKey, String(status));
      send(res, { status, body: errorBody(null, status, pathKnown ? `method ${method} not allowed` : `no route for ${method} ${url.pathname}`) });
      return;
    }

    const decision = faults.decide(seq, method, route.template);
    switch (decision.kind) {
      case "drop":
        stats.fault("drop");
        stats.record(routeKey, "dropped");
        req.socket.destroy();
        return;
      case "429":
        stats.fault("429");
        stats.record(routeKey, "429");
        send(res, {
          status: 429,
          body: errorBody(route, 429, "Too Many Requests"),
          headers: decision.retryAfter === null ? {} : { "retry-after": String(decision.retryAfter) },
        });
        return;
      case "5xx":
        stats.fault("5xx");
        stats.record(routeKey, String(decision.status));
        send(res, { status: decision.status, body: errorBody(route, decision.status, STATUS_CODES[decision.status] ?? "Server Error") });
        return;
      case "stall":
      case "malformed":
      case "none":
        break;
    }
    const readOnly = method === "GET" || route.family === "di";
    if (decision.kind === "stall" && !decision.afterApply) {
      stats.fault("stall");
      stats.record(routeKey, "stalled");
      if (!readOnly) stats.write(routeKey, false);
      await stallFor(decision.ms);
      req.socket.destroy();
      return;
    }
    if (decision.kind === "malformed" && !readOnly) {
      // A write is not applied when its answer is garbage: state stays consistent.
      stats.fault("malformed");
      stats.record(routeKey, "200");
      stats.write(routeKey, false);
      send(res, { status: 200, body: { results: [] } }, true);
      return;
    }

    let reply: Reply;
    try {
      const key = resolveKey(req);
      if (!readOnly && (key.roleName === "Read Only" || key.roleName === "Command Runner")) throw new SimError(403, `the ${key.roleName} role cannot change data`);
      const { org, orgs } = scope(route, key, req, params);
      let body: unknown = undefined;
      if (rawBody.trim() !== "") {
        try {
          body = JSON.parse(rawBody) as unknown;
        } catch {
          throw new SimError(400, "the request body is not valid JSON");
        }
      }
      const ctx: Ctx = {
        world,
        method,
        params,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        body,
        key,
        actor: { id: key.adminId, email: key.adminEmail },
        org,
        orgs,
        shortPage: faults.shortPage(method, route.template),
        requestId: requestId(requests),
        onShortPage: () => stats.fault("shortPage"),
      };
      reply = route.handler(ctx);
    } catch (err) {
      if (err instanceof SimError) reply = { status: err.status, body: errorBody(route, err.status, err.message, err.details) };
      else {
        reply = { status: 500, body: errorBody(route, 500, `internal error: ${(err as Error).message}`) };
      }
    }
    if (route.family === "di" && reply.status >= 400) reply.headers = { ...reply.headers, "X-Request-Id": requestId(requests) };
    if (!readOnly) stats.write(routeKey, reply.status >= 200 && reply.status < 300);
    if (decision.kind === "stall") {
      // Applied, but the answer never arrives in time: the caller cannot tell whether it happened.
      stats.fault("stall");
      stats.record(routeKey, "stalled");
      await stallFor(decision.ms);
      req.socket.destroy();
      return;
    }
    const malformed = decision.kind === "malformed" && reply.status === 200;
    if (malformed) stats.fault("malformed");
    stats.record(routeKey, String(reply.status));
    send(res, reply, malformed);
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof SimError ? err.status : 500;
      if (!res.headersSent) {
        res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ message: (err as Error).message }));
      }
    });
  });
}
