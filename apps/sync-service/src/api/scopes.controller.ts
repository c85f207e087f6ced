import { Controller, Get, HttpCode, Inject, Param, Post, Query } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import type { Logger } from "pino";
import type { z } from "zod";
import { DIRECTORY_STREAM } from "@jumpcloud-sync/domain";
import { LOGGER } from "../logging/index.js";
import { SyncFacade } from "../sync/sync-facade.service.js";
import { ScopeDto, ScopeIdParam, ScopeListQuery, ScopePage, SyncScheduledDto } from "./api.schemas.js";
import { ApiJson, ApiProblems, TokenProtected } from "./api-docs.decorators.js";
import { Actor } from "./bearer-token.guard.js";
import { pageById } from "./pagination.js";
import { conflict, notFound } from "./problem.js";
import { ScopeStatusService } from "./scope-status.service.js";

/** Scopes (account × organization): the unit of every sync, with per-stream status. */
@ApiTags("scopes")
@TokenProtected()
@Controller("v1/scopes")
export class ScopesController {
  constructor(
    private readonly status: ScopeStatusService,
    private readonly sync: SyncFacade,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get()
  @ApiOperation({ operationId: "listScopes", summary: "List scopes with their sync status", description: "Last sync per stream, freshness, last error, \"needs attention\" reasons (revoked key, vanished organization, refused mass deletion, repeated failures) and streams the scope does not offer (`unavailable`, e.g. Directory Insights not enabled: not a failure)." })
  @ApiJson(200, ScopePage, "A page of scopes, ordered by id.")
  @ApiProblems(400)
  async list(@Query({ schema: ScopeListQuery }) query: z.output<typeof ScopeListQuery>): Promise<z.infer<typeof ScopePage>> {
    const scopes = (await this.status.allScopes()).filter(
      (s) => (query.accountId === undefined || s.accountId === query.accountId) && (query.needsAttention === undefined || s.needsAttention === query.needsAttention),
    );
    return pageById(scopes, query.cursor, query.limit);
  }

  @Get(":scopeId")
  @ApiOperation({ operationId: "getScope", summary: "A scope with its sync status" })
  @ApiJson(200, ScopeDto, "The scope.")
  @ApiProblems(400, 404)
  async get(@Param({ schema: ScopeIdParam }) params: z.output<typeof ScopeIdParam>): Promise<ScopeDto> {
    const found = await this.status.scope(params.scopeId);
    if (found === null) throw notFound(`No scope ${params.scopeId}.`);
    return found.dto;
  }

  @Post(":scopeId/force-snapshot")
  @HttpCode(202)
  @ApiOperation({
    operationId: "forceSnapshot",
    summary: "Apply a snapshot the mass-deletion guard refused",
    description: "The scope's next directory snapshot applies whatever it removes (once), and it starts now in the background. Only for a scope whose directory stream shows `mass-deletion-refused`. Audited.",
  })
  @ApiJson(202, SyncScheduledDto, "The forced sync started.")
  @ApiProblems(400, 404, 409)
  async forceSnapshot(@Param({ schema: ScopeIdParam }) params: z.output<typeof ScopeIdParam>, @Actor() actor: string): Promise<z.infer<typeof SyncScheduledDto>> {
    const found = await this.status.scope(params.scopeId);
    if (found === null) throw notFound(`No scope ${params.scopeId}.`);
    const { account, scope, dto } = found;
    if (!dto.attention.some((a) => a.code === "mass-deletion-refused")) {
      throw conflict(`Scope ${scope.id} has no refused snapshot to force; it syncs normally (see its status).`);
    }
    if (account.paused) throw conflict(`Account ${account.id} is paused; resume it first.`);
    if (!scope.enabled) throw conflict(`Scope ${scope.id} is disabled (its organization is no longer managed by the key).`);
    if (this.sync.isScopeRunning(scope.id)) throw conflict(`Scope ${scope.id} is syncing now; force the snapshot after this run.`);
    // forceRun arms the force through the directory module, audits it and waits for the sync: the API answers at once.
    this.sync.forceRun(scope.id, DIRECTORY_STREAM, actor).then(
      (result) => this.logger.info({ scopeId: scope.id, actor, skipped: result?.skipped ?? null }, "forced snapshot finished"),
      (error: unknown) => this.logger.error({ scopeId: scope.id, err: error }, "forced snapshot failed"),
    );
    return { scheduled: [{ scopeId: scope.id, accountId: account.id, streams: [...this.sync.streams()] }], skipped: [] };
  }
}
