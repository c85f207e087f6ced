import { Body, Controller, Get, Headers, Inject, Param, Post, Query, Req, Res } from "@nestjs/common";
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import type { z } from "zod";
import { ApiJson, ApiProblems, TokenProtected } from "../api/api-docs.decorators.js";
import type { HttpRequest, HttpResponse } from "../api/http.types.js";
import { ApiProblem, notFound, PROBLEM_CONTENT_TYPE } from "../api/problem.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { ActionDto, ActionIdParam, ActionListQuery, ActionPage, AuditListQuery, AuditPage, SubmitActionsBody, SubmitActionsResultDto } from "./actions.schemas.js";
import { actionDto, ActionsService, type Caller } from "./actions.service.js";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/u;

function callerOf(req: HttpRequest): Caller {
  const token = req.apiToken;
  if (token === undefined) throw new Error("actions routes need the bearer-token guard");
  return { actor: `token:${token.name}`, idempotencyScope: `token:${token.id}` };
}

/** Acting on JumpCloud users: previewable (dryRun), idempotent (Idempotency-Key), queued, audited, confirmed. */
@ApiTags("actions")
@TokenProtected()
@Controller("v1")
export class ActionsController {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    private readonly actions: ActionsService,
  ) {}

  @Post("actions")
  @ApiOperation({
    operationId: "submitActions",
    summary: "Create, suspend, activate, unsuspend or delete JumpCloud users",
    description: [
      "One action for one or many users. Only accounts connected with `read-and-act` may act (else 403, saying why).",
      "Every item is validated with reads first — the user exists, the transition is valid (activate: staged → active; unsuspend: suspended → active), the username follows JumpCloud's rules, the username and email are free.",
      "`dryRun: true` answers what would change and sends no write. Otherwise accepted items are queued durably and done in the background: 202 with an action id per item; follow them with `GET /v1/actions/{actionId}`.",
      "`Idempotency-Key`: a retry with the same key and body returns the first answer (nothing is done twice); the same key with another body is a 422.",
      "A single refused item answers with its problem (400 invalid username, 404 no such user, 409 taken username or email, or a transition not possible in this state).",
    ].join("\n\n"),
  })
  @ApiHeader({ name: "Idempotency-Key", required: false, description: "Up to 200 printable ASCII characters; scoped to the calling token. Answers are kept durably." })
  @ApiBody({ schema: { $ref: "#/components/schemas/SubmitActions" } })
  @ApiJson(200, SubmitActionsResultDto, "A dry run's verdict per item, or nothing needed doing.")
  @ApiJson(202, SubmitActionsResultDto, "Accepted: the queued items carry their `actionId`.")
  @ApiResponse({ status: 403, description: "The account is not connected with read-and-act.", content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } } })
  @ApiProblems(400, 404, 409, 422, 502)
  async submit(
    @Body({ schema: SubmitActionsBody }) body: z.output<typeof SubmitActionsBody>,
    @Headers("idempotency-key") key: string | undefined,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<unknown> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ApiProblem(400, "validation", "Invalid request", "The Idempotency-Key header must be 1–200 printable ASCII characters.", [{ location: "header", path: "Idempotency-Key", message: "1–200 printable ASCII characters" }]);
    }
    const path = (req.originalUrl ?? req.url).split("?")[0] ?? "/v1/actions";
    const answer = await this.actions.submit(body, callerOf(req), { method: req.method, path }, key ?? null);
    res.status(answer.status);
    if (answer.replayed) res.setHeader("Idempotency-Replayed", "true");
    if (answer.problem) res.type(PROBLEM_CONTENT_TYPE);
    return answer.body;
  }

  @Get("actions")
  @ApiOperation({ operationId: "listActions", summary: "Queued and finished actions", description: "Newest first; filters `scopeId`, `state`, `action`, `userId`, `batchId`." })
  @ApiJson(200, ActionPage, "A page of actions.")
  @ApiProblems(400)
  async list(@Query({ schema: ActionListQuery }) query: z.output<typeof ActionListQuery>): Promise<z.infer<typeof ActionPage>> {
    const page = await this.store.actions.list({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.scopeId === undefined ? {} : { scopeId: query.scopeId }),
      ...(query.state === undefined ? {} : { state: query.state }),
      ...(query.action === undefined ? {} : { kind: query.action }),
      ...(query.userId === undefined ? {} : { userId: query.userId }),
      ...(query.batchId === undefined ? {} : { batchId: query.batchId }),
    });
    return { items: page.items.map(actionDto), nextCursor: page.nextCursor };
  }

  @Get("actions/:actionId")
  @ApiOperation({ operationId: "getAction", summary: "One action: its state, JumpCloud requests, failure and confirmation" })
  @ApiJson(200, ActionDto, "The action.")
  @ApiProblems(400, 404)
  async get(@Param({ schema: ActionIdParam }) params: z.output<typeof ActionIdParam>): Promise<ActionDto> {
    const action = await this.actions.get(params.actionId);
    if (action === null) throw notFound(`No action ${params.actionId}. List them with GET /v1/actions.`);
    return actionDto(action);
  }

  @Get("audit")
  @ApiOperation({
    operationId: "listAudit",
    summary: "The audit trail",
    description: "Every action request (dry run or not, refused or done), every action's outcome and confirmation, and every account change: who asked, when, the target, the JumpCloud requests (method, path, status) and the outcome. Never a secret. Newest first; filters `action` (exact, or a prefix ending in `.`), `actor`, `target`, `outcome`, `since`.",
  })
  @ApiJson(200, AuditPage, "A page of audit entries.")
  @ApiProblems(400)
  async audit(@Query({ schema: AuditListQuery }) query: z.output<typeof AuditListQuery>): Promise<z.infer<typeof AuditPage>> {
    const page = await this.store.audit.list({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.actor === undefined ? {} : { actor: query.actor }),
      ...(query.target === undefined ? {} : { target: query.target }),
      ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
      ...(query.since === undefined ? {} : { since: query.since }),
    });
    return { items: page.items.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actor, action: e.action, target: e.target, outcome: e.outcome, details: { ...e.details } })), nextCursor: page.nextCursor };
  }
}
