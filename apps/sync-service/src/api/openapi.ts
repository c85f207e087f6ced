import type { INestApplication } from "@nestjs/common";
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from "@nestjs/swagger";
import { z } from "zod";
import { ProblemDto } from "./api.schemas.js";
import { BEARER_SCHEME } from "./bearer-token.guard.js";

export const OPENAPI_JSON_PATH = "/openapi.json";
export const OPENAPI_UI_PATH = "/docs";

/**
 * The OpenAPI document, built from the controllers' decorators and the zod schemas they validate
 * with. Deterministic (no dates, no package version: `info.version` is the API's), so the
 * committed `openapi.json` can be checked for drift.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle("jumpcloud-sync API")
    .setDescription(
      [
        "What jumpcloud-sync knows about its JumpCloud accounts: accounts and scopes with sync status, the synced directory (users, roles, SSO applications, last use), the synced MDM picture (devices with their users, apps installed on them from every source, managed apps) and sync runs; and what it can be asked to do (add/update/pause/remove accounts, sync now, force a refused snapshot, and act on JumpCloud users: create, suspend, activate, unsuspend, delete — previewable, idempotent, queued, audited, confirmed).",
        "",
        "Everything under `/v1` needs a named API token (`jumpcloud-sync tokens create <name>`) sent as `Authorization: Bearer <secret>`; the token's name is recorded in audit entries. `/health`, `/health/ready`, `/metrics` and this document are unauthenticated.",
        "",
        "Lists are paged with stable cursors: pass `nextCursor` as `cursor` until it is null. Errors are `application/problem+json` (RFC 9457). API keys are write-only and never returned.",
      ].join("\n"),
    )
    .setVersion("1.0.0")
    .addBearerAuth({ type: "http", scheme: "bearer", description: "A named API token's secret (`jcs_…`)." }, BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const problem = z.toJSONSchema(ProblemDto, { target: "openapi-3.0" }) as Record<string, unknown>;
  delete problem.id;
  delete problem.$schema;
  document.components = { ...document.components, schemas: { ...document.components?.schemas, Problem: problem } };
  // Served by SwaggerModule, not a controller: described here so the document lists every route.
  document.paths[OPENAPI_JSON_PATH] = {
    get: {
      operationId: "openApiDocument",
      summary: "This OpenAPI document (unauthenticated)",
      tags: ["operations"],
      responses: { "200": { description: "The OpenAPI 3.0 document.", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  stripDateTimePatterns(document);
  return document;
}

/** zod spells out `format: date-time` as a long regex too; the format says it, for readers and generators. */
function stripDateTimePatterns(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) stripDateTimePatterns(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const obj = node as Record<string, unknown>;
  if (obj.format === "date-time" && typeof obj.pattern === "string") delete obj.pattern;
  for (const value of Object.values(obj)) stripDateTimePatterns(value);
}

/** Serves the document at /openapi.json and a browsable UI at /docs. */
export function serveOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup(OPENAPI_UI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH, raw: ["json"], customSiteTitle: "jumpcloud-sync API" });
  return document;
}

