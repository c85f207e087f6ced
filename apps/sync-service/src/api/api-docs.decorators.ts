import { applyDecorators, UseGuards } from "@nestjs/common";
import { ApiBearerAuth, ApiResponse } from "@nestjs/swagger";
import type { z } from "zod";
import { BEARER_SCHEME, BearerTokenGuard } from "./bearer-token.guard.js";
import { PROBLEM_CONTENT_TYPE } from "./problem.js";

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input (query, body or path); `errors[]` lists each field.",
  401: "No API token, or an unknown or revoked one.",
  404: "No such resource.",
  409: "The resource's state does not allow this now.",
  422: "Well-formed, but refused (e.g. JumpCloud rejected the API key).",
  502: "JumpCloud could not be reached.",
  503: "Not ready.",
};

/** Error responses in the one problem+json shape (the `Problem` component). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? "Error.",
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
      }),
    ),
  );
}

/** A route under /v1: bearer token required (401 documented). */
export function TokenProtected(): ClassDecorator {
  return applyDecorators(UseGuards(BearerTokenGuard), ApiBearerAuth(BEARER_SCHEME), ApiProblems(401));
}

/** A JSON success response documented from its zod schema. */
export function ApiJson(status: number, schema: z.ZodType, description: string): MethodDecorator {
  return ApiResponse({ status, standardSchema: schema, description });
}
