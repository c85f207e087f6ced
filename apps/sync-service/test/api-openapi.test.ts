import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAPI_FILE, generateOpenApiJson } from "../src/api/generate-openapi.js";
import { startApiApp, type ApiApp } from "./support/api-app.js";

interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly security?: unknown;
  readonly responses: Record<string, { readonly content?: Record<string, { readonly schema: unknown }> }>;
}

interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: {
    readonly securitySchemes: Record<string, unknown>;
    readonly schemas: Record<string, { readonly properties?: Record<string, { readonly writeOnly?: boolean }> }>;
  };
}

interface RouteLayer {
  readonly route?: { readonly path: string | string[]; readonly methods: Record<string, boolean> };
}

/** Every route the HTTP server answers, read from Express's router (controllers and Swagger's own). */
function servedRoutes(api: ApiApp): string[] {
  const express = api.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  const routes: string[] = [];
  for (const layer of express.router.stack) {
    if (layer.route === undefined) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== "_all") routes.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/gu, "{$1}")}`);
      }
    }
  }
  return routes;
}

describe("the OpenAPI document", () => {
  let api: ApiApp;
  let served: OpenApiDocument;

  beforeAll(async () => {
    api = await startApiApp();
    served = (await api.call<OpenApiDocument>("GET", "/openapi.json", { token: null })).body;
  });
  afterAll(async () => {
    await api?.close();
  });

  it("describes every route the server answers (the Swagger UI's own assets aside)", () => {
    const documented = new Set(Object.entries(served.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const routes = servedRoutes(api).filter((r) => !/^GET \/docs(\/|$)/u.test(r));
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes.filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
    // And nothing documented that the server does not answer.
    expect([...documented].filter((d) => !routes.includes(d))).toEqual([]);
  });

  it("documents auth, errors and responses on every /v1 operation", () => {
    expect(served.components.securitySchemes.token).toMatchObject({ type: "http", scheme: "bearer" });
    const operationIds = new Set<string>();
    for (const [path, ops] of Object.entries(served.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toEqual(expect.any(String));
        const operationId = op.operationId ?? "";
        expect(operationIds.has(operationId), `duplicate operationId ${operationId}`).toBe(false);
        operationIds.add(operationId);
        expect(op.summary, `${method} ${path}`).toEqual(expect.any(String));
        const success = Object.keys(op.responses).filter((s) => s.startsWith("2"));
        expect(success.length, `${method} ${path} documents a success`).toBeGreaterThan(0);
        if (!path.startsWith("/v1/")) {
          expect(op.security, `${method} ${path} is public`).toBeUndefined();
          continue;
        }
        expect(op.security).toEqual([{ token: [] }]);
        expect(op.responses["401"]?.content?.["application/problem+json"]?.schema).toEqual({ $ref: "#/components/schemas/Problem" });
      }
    }
  });

  it("keeps the API key write-only", () => {
    const schemas = served.components.schemas;
    expect(schemas.CreateAccount?.properties?.apiKey?.writeOnly).toBe(true);
    expect(schemas.UpdateAccount?.properties?.apiKey?.writeOnly).toBe(true);
    expect(JSON.stringify(schemas.Account)).not.toMatch(/apiKey/u);
  });

  it("is the committed openapi.json (regenerate with `pnpm --filter @jumpcloud-sync/sync-service generate:openapi`)", async () => {
    const committed = readFileSync(OPENAPI_FILE, "utf8");
    expect(`${JSON.stringify(served, null, 2)}\n`).toBe(committed);
    expect(await generateOpenApiJson()).toBe(committed);
  });
});
