import { Body, Controller, Get, HttpCode, Inject, Post, Query } from "@nestjs/common";
import { ApiBody, ApiOperation, ApiTags } from "@nestjs/swagger";
import type { Logger } from "pino";
import type { z } from "zod";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { SyncFacade } from "../sync/sync-facade.service.js";
import { RunListQuery, RunPage, SyncScheduledDto, TriggerSyncBody } from "./api.schemas.js";
import { ApiJson, ApiProblems, TokenProtected } from "./api-docs.decorators.js";
import { invalidValue, notFound } from "./problem.js";
import { runDto } from "./scope-status.service.js";

/** Sync now, and the run history. */
@ApiTags("sync")
@TokenProtected()
@Controller("v1")
export class SyncController {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly sync: SyncFacade,
  ) {}

  @Post("syncs")
  @HttpCode(202)
  @ApiOperation({
    operationId: "triggerSync",
    summary: "Sync now",
    description: "Starts a sync of the given scopes (default: every enabled scope of every active account) in the background, ignoring their schedule and backoff, and answers at once with what was started and what was skipped (paused account, disabled scope, already running).",
  })
  @ApiJson(202, SyncScheduledDto, "The syncs started.")
  @ApiProblems(400, 404)
  @ApiBody({ required: false, schema: { $ref: "#/components/schemas/TriggerSync" }, description: "Optional: without a body, every scope." })
  async trigger(@Body({ schema: TriggerSyncBody }) body: z.output<typeof TriggerSyncBody>): Promise<z.infer<typeof SyncScheduledDto>> {
    const accounts = new Map((await this.store.accounts.listAccounts()).map((a) => [a.id, a]));
    const all = (await this.store.accounts.listScopes()).filter((s) => accounts.has(s.accountId));
    let wanted = all;
    if (body.scopeIds !== undefined) {
      const known = new Set(all.map((s) => s.id));
      const unknown = body.scopeIds.filter((id) => !known.has(id));
      if (unknown.length > 0) throw notFound(`No scope ${unknown.join(", ")}. List them with GET /v1/scopes.`);
      const ids = new Set(body.scopeIds);
      wanted = all.filter((s) => ids.has(s.id));
    }
    const result: z.infer<typeof SyncScheduledDto> = { scheduled: [], skipped: [] };
    for (const scope of wanted) {
      const reason = accounts.get(scope.accountId)?.paused === true ? "account paused" : !scope.enabled ? "scope disabled" : this.sync.isScopeRunning(scope.id) ? "already running" : null;
      if (reason !== null) {
        // Without an explicit list, disabled scopes of MSP keys are expected: not worth reporting.
        if (body.scopeIds !== undefined || reason !== "scope disabled") result.skipped.push({ scopeId: scope.id, reason });
      } else result.scheduled.push({ scopeId: scope.id, accountId: scope.accountId, streams: [...this.sync.streams()] });
    }
    if (result.scheduled.length > 0) {
      const launched = await this.sync.launchDue({ trigger: "manual", ignoreSchedule: true, scopeIds: result.scheduled.map((s) => s.scopeId) });
      // Each run records its own outcome; this only keeps a crash from going unnoticed.
      for (const done of launched) done.catch((error: unknown) => this.logger.error({ err: error }, "a sync started over HTTP crashed"));
    }
    return result;
  }

  @Get("runs")
  @ApiOperation({ operationId: "listRuns", summary: "Sync-run history with counters", description: "Newest first. Counters: requests, pages, retries, 429s, rows created/updated/removed, events read." })
  @ApiJson(200, RunPage, "A page of runs.")
  @ApiProblems(400)
  async list(@Query({ schema: RunListQuery }) query: z.output<typeof RunListQuery>): Promise<z.infer<typeof RunPage>> {
    if (query.stream !== undefined && !this.sync.isRegistered(query.stream)) {
      throw invalidValue("query", "stream", `unknown stream ${query.stream}; the streams are ${this.sync.streams().join(", ")}`);
    }
    const page = await this.sync.listRuns({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.scopeId === undefined ? {} : { scopeId: query.scopeId }),
      ...(query.stream === undefined ? {} : { stream: query.stream }),
    });
    return { items: page.items.map(runDto), nextCursor: page.nextCursor };
  }
}
