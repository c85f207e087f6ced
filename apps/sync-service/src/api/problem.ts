import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject } from "@nestjs/common";
import type { Logger } from "pino";
import { AccountError, type AccountProblem } from "../accounts/account-validation.js";
import { LOGGER } from "../logging/index.js";
import type { ProblemDto } from "./api.schemas.js";
import type { HttpRequest, HttpResponse } from "./http.types.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export type ProblemFieldError = NonNullable<ProblemDto["errors"]>[number];

/** A failure the API reports as it is: status, kind and a message meant for the caller. */
export class ApiProblem extends Error {
  override readonly name = "ApiProblem";
  constructor(
    readonly status: number,
    readonly kind: string,
    readonly title: string,
    detail: string,
    readonly errors?: readonly ProblemFieldError[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export const notFound = (detail: string): ApiProblem => new ApiProblem(404, "not-found", "Not found", detail);
/** A well-formed value the service does not know (an unregistered stream), reported like a validation error. */
export const invalidValue = (location: ProblemFieldError["location"], path: string, detail: string): ApiProblem =>
  new ApiProblem(400, "validation", "Invalid request", `The request is invalid: ${detail}`, [{ location, path, message: detail }]);
export const conflict = (detail: string): ApiProblem => new ApiProblem(409, "conflict", "Conflict", detail);

/** How an account refusal maps to HTTP: the caller's input (422), an unknown account (404), JumpCloud unreachable (502). */
const ACCOUNT_STATUS: Record<AccountProblem, number> = {
  "not-found": 404,
  "invalid-input": 422,
  "invalid-key": 422,
  "missing-org-id": 422,
  "wrong-org": 422,
  "org-not-found": 422,
  forbidden: 422,
  "no-organizations": 422,
  unreachable: 502,
};

/**
 * Every error leaves the service in one shape (RFC 9457 problem+json), whatever threw it:
 * validation, the guard, an account refusal, Nest's own 404 for an unknown route, or a bug (500,
 * without internals).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const res = http.getResponse<HttpResponse>();
    const problem = this.toProblem(exception, req);
    if (res.headersSent) return;
    const headers = exception instanceof ApiProblem ? exception.headers : {};
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, req: HttpRequest): ProblemDto {
    const instance = (req.originalUrl ?? req.url).split("?")[0] ?? "";
    if (exception instanceof ApiProblem) {
      return { type: `urn:jumpcloud-sync:problem:${exception.kind}`, title: exception.title, status: exception.status, detail: exception.message, instance, ...(exception.errors === undefined ? {} : { errors: [...exception.errors] }) };
    }
    if (exception instanceof AccountError) {
      const status = ACCOUNT_STATUS[exception.problem];
      return { type: `urn:jumpcloud-sync:problem:account-${exception.problem}`, title: status === 404 ? "Not found" : status === 502 ? "JumpCloud unreachable" : "Account refused", status, detail: exception.message, instance };
    }
    // Persistence's InvalidCursorError, matched by name: only src/store/ imports persistence.
    if (exception instanceof Error && exception.name === "InvalidCursorError") {
      return { type: "urn:jumpcloud-sync:problem:invalid-cursor", title: "Invalid cursor", status: 400, detail: "The cursor is not one this API issued; pass `nextCursor` from the previous page unchanged, or omit it for the first page.", instance };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      return { type: "about:blank", title: statusTitle(status), status, detail: detailOf(body, exception.message), instance };
    }
    this.logger.error({ err: exception, path: instance, method: req.method }, "unhandled error in an HTTP request");
    return { type: "about:blank", title: "Internal Server Error", status: 500, detail: "The service failed to answer this request; the error is in its log.", instance };
  }
}

function detailOf(body: string | object, fallback: string): string {
  if (typeof body === "string") return body;
  const b = body as { message?: unknown; status?: unknown };
  if (typeof b.message === "string") return b.message;
  if (Array.isArray(b.message)) return b.message.map(String).join("; ");
  if (typeof b.status === "string") return b.status;
  return fallback;
}

function statusTitle(status: number): string {
  const name = HttpStatus[status];
  if (typeof name !== "string") return "Error";
  return name
    .toLowerCase()
    .split("_")
    .map((w, i) => (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(" ");
}
