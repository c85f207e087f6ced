import type { IncomingHttpHeaders } from "node:http";
import type { Org } from "../model.js";
import type { Actor, ApiKey, World } from "../world.js";

export interface Ctx {
  world: World;
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
  key: ApiKey;
  actor: Actor;
  /** The org this request acts on (org-scoped console routes). */
  org: Org;
  /** Orgs a DI request reads (one or more x-org-id). */
  orgs: Org[];
  /** Set by the fault layer: serve a short page if this is a v2 list mid-stream. */
  shortPage: boolean;
  requestId: string;
  /** Records that a short page was actually served (for stats). */
  onShortPage(): void;
}

/** A JSON array whose rows are already serialized (DI pages). */
export class RawJsonRows {
  constructor(readonly rows: string[]) {}
}

export interface Reply {
  status: number;
  /** JSON-serialized unless undefined (empty body). */
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply;

export type Scope =
  /** Needs an org: x-org-id rules apply. */
  | "org"
  /** GET /api/organizations: takes no x-org-id. */
  | "org-list"
  /** GET /api/organizations/{id}: the org comes from the path. */
  | "org-path"
  /** Directory Insights: one or more x-org-id. */
  | "di";

export interface Route {
  method: string;
  template: string;
  scope: Scope;
  family: "v1" | "v2" | "di";
  handler: Handler;
  pattern: RegExp;
  names: string[];
}

export function route(method: string, template: string, scope: Scope, handler: Handler): Route {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    })}$`,
  );
  const family = template.startsWith("/insights/") ? "di" : template.startsWith("/api/v2/") ? "v2" : "v1";
  return { method, template, scope, family, handler, pattern, names };
}
