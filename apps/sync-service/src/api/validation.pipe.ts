import { type ArgumentMetadata, Injectable, type PipeTransform } from "@nestjs/common";
import { ApiProblem, type ProblemFieldError } from "./problem.js";

const LOCATION: Record<string, ProblemFieldError["location"]> = { query: "query", body: "body", param: "path" };

/**
 * Validates every route argument that carries a Standard Schema (`@Query({ schema })`,
 * `@Body({ schema })`, `@Param({ schema })`) and returns the parsed value. Nest's own
 * StandardSchemaValidationPipe does not say where an issue was (query, body or path); the
 * problem's `errors[]` does.
 */
@Injectable()
export class SchemaValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const schema = metadata.schema;
    if (schema === undefined || metadata.type === "custom") return value;
    const location = LOCATION[metadata.type] ?? "body";
    // No body (or no query string) reads as `{}`: a body whose fields are all optional may be left out.
    const missing = value === undefined || value === null;
    const result = await schema["~standard"].validate(missing ? {} : value);
    if (result.issues === undefined) return result.value;
    if (missing && metadata.type === "body") {
      throw new ApiProblem(400, "validation", "Invalid request", "The request needs a JSON body (Content-Type: application/json).", [{ location, path: "", message: "required" }]);
    }
    const errors = result.issues.map((issue) => ({
      location,
      path: (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
      message: issue.message,
    }));
    const summary = errors.map((e) => `${e.location}${e.path === "" ? "" : ` ${e.path}`}: ${e.message}`).join("; ");
    throw new ApiProblem(400, "validation", "Invalid request", `The request is invalid: ${summary}.`, errors);
  }
}
