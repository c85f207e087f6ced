import { Body, Controller, Get, Inject, Param, Put, Query } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { AppOverrideError, type Clock, type UserApp } from "@jumpcloud-sync/domain";
import type { z } from "zod";
import { ApiJson, ApiProblems, TokenProtected } from "../api/api-docs.decorators.js";
import { pageById } from "../api/pagination.js";
import { ApiProblem, notFound } from "../api/problem.js";
import { Actor } from "../api/bearer-token.guard.js";
import { CLOCK } from "../sync/clock.js";
import { AppCatalogService } from "./app-catalog.service.js";
import { AppOverridesDto, AppPageQuery, AppParams, CanonicalAppPage, ReclaimPage, ReclaimQuery, ScopeParams, ScopeUserParams, StoredAppOverridesDto, UserAppDto, UserAppPage } from "./app-catalog.schemas.js";

/** Canonical apps (one product under all its names), an app's users, a user's apps, license reclaim. */
@ApiTags("apps")
@TokenProtected()
@Controller("v1/scopes/:scopeId")
export class AppCatalogController {
  constructor(
    private readonly catalog: AppCatalogService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get("apps")
  @ApiOperation({ operationId: "listCanonicalApps", summary: "Canonical apps with aliases, sources, device and user counts" })
  @ApiJson(200, CanonicalAppPage, "A page of canonical apps, by app id.")
  @ApiProblems(400)
  async listApps(@Param({ schema: ScopeParams }) params: z.output<typeof ScopeParams>, @Query({ schema: AppPageQuery }) query: z.output<typeof AppPageQuery>): Promise<z.infer<typeof CanonicalAppPage>> {
    const view = await this.catalog.view(params.scopeId);
    const apps = view.apps.map((a) => ({ ...a, id: a.appId, deviceCount: a.deviceIds.length, userCount: a.userIds.length }));
    const p = pageById(apps, query.cursor, query.limit);
    return {
      items: p.items.map((a) => ({
        appId: a.appId,
        displayName: a.displayName,
        listed: a.listed,
        aliases: [...a.aliases],
        sources: [...a.sources],
        versions: [...a.versions],
        deviceCount: a.deviceCount,
        userCount: a.userCount,
        deviceIds: [...a.deviceIds],
        ssoApplicationIds: [...a.ssoApplicationIds],
        managedAppIds: [...a.managedAppIds],
        firstSeenAt: a.firstSeenAt,
        lastSeenAt: a.lastSeenAt,
        lastOpened: a.lastOpened,
      })),
      nextCursor: p.nextCursor,
    };
  }

  @Get("apps/:appId/users")
  @ApiOperation({ operationId: "listCanonicalAppUsers", summary: "An app's users with their last use" })
  @ApiJson(200, UserAppPage, "A page of the app's users, by user id.")
  @ApiProblems(400, 404)
  async appUsers(@Param({ schema: AppParams }) params: z.output<typeof AppParams>, @Query({ schema: AppPageQuery }) query: z.output<typeof AppPageQuery>): Promise<z.infer<typeof UserAppPage>> {
    const view = await this.catalog.view(params.scopeId);
    if (!view.apps.some((a) => a.appId === params.appId)) throw notFound(`No app ${params.appId} in scope ${params.scopeId}.`);
    const p = pageById(view.userApps.filter((u) => u.appId === params.appId).map((u) => ({ ...u, id: u.userId })), query.cursor, query.limit);
    return { items: p.items.map(userAppDto), nextCursor: p.nextCursor };
  }

  @Get("users/:userId/apps")
  @ApiOperation({ operationId: "listUserApps", summary: "A user's apps from every source, with last use" })
  @ApiJson(200, UserAppPage, "A page of the user's apps, by app id.")
  @ApiProblems(400)
  async userApps(@Param({ schema: ScopeUserParams }) params: z.output<typeof ScopeUserParams>, @Query({ schema: AppPageQuery }) query: z.output<typeof AppPageQuery>): Promise<z.infer<typeof UserAppPage>> {
    const view = await this.catalog.view(params.scopeId);
    const p = pageById(view.userApps.filter((u) => u.userId === params.userId).map((u) => ({ ...u, id: u.appId })), query.cursor, query.limit);
    return { items: p.items.map(userAppDto), nextCursor: p.nextCursor };
  }

  @Get("app-overrides")
  @ApiOperation({ operationId: "getAppOverrides", summary: "The scope's app identity overrides (merge, split, rename), and the stored ones reads skip" })
  @ApiJson(200, StoredAppOverridesDto, "The overrides, in order, and those skipped on read.")
  @ApiProblems(400)
  async getOverrides(@Param({ schema: ScopeParams }) params: z.output<typeof ScopeParams>): Promise<z.infer<typeof StoredAppOverridesDto>> {
    const { overrides, skipped } = await this.catalog.storedOverrides(params.scopeId);
    return { overrides: [...overrides], skipped: skipped.map((i) => ({ index: i.index, message: i.message })) };
  }

  @Put("app-overrides")
  @ApiOperation({ operationId: "putAppOverrides", summary: "Replace the scope's app identity overrides", description: "Validated against the catalog and the scope's apps (every problem listed, nothing stored on a 400); stored durably and applied to every read from then on, across syncs. Audited (`apps.overrides`)." })
  @ApiJson(200, AppOverridesDto, "The stored overrides.")
  @ApiProblems(400)
  async putOverrides(@Param({ schema: ScopeParams }) params: z.output<typeof ScopeParams>, @Body({ schema: AppOverridesDto }) body: z.output<typeof AppOverridesDto>, @Actor() actor: string): Promise<z.infer<typeof AppOverridesDto>> {
    try {
      return overridesDto(await this.catalog.setOverrides(params.scopeId, body.overrides, actor, this.clock.now()));
    } catch (error) {
      if (error instanceof AppOverrideError) {
        throw new ApiProblem(400, "invalid-app-overrides", "Invalid app overrides", error.message, error.issues.map((i) => ({ location: "body" as const, path: `overrides.${i.index}`, message: i.message })));
      }
      throw error;
    }
  }

  @Get("app-reclaim")
  @ApiOperation({ operationId: "listReclaimCandidates", summary: "License reclaim: users who have an app and did not use it for `days` days, with the evidence" })
  @ApiJson(200, ReclaimPage, "A page of candidates, by app then user.")
  @ApiProblems(400)
  async reclaim(@Param({ schema: ScopeParams }) params: z.output<typeof ScopeParams>, @Query({ schema: ReclaimQuery }) query: z.output<typeof ReclaimQuery>): Promise<z.infer<typeof ReclaimPage>> {
    const items = await this.catalog.reclaim(params.scopeId, query.days, this.clock.now());
    const p = pageById(items.map((c) => ({ ...c, id: `${c.appId}\u001f${c.userId}` })), query.cursor, query.limit);
    return { items: p.items.map(({ id: _id, ...c }) => ({ ...userAppDto(c), idleSince: c.idleSince })), nextCursor: p.nextCursor };
  }
}

function overridesDto(list: readonly z.infer<typeof AppOverridesDto>["overrides"][number][]): z.infer<typeof AppOverridesDto> {
  return { overrides: list.map((o) => ({ ...o })) };
}

function userAppDto(u: UserApp): z.infer<typeof UserAppDto> {
  return { userId: u.userId, appId: u.appId, displayName: u.displayName, via: [...u.via], deviceIds: [...u.deviceIds], ssoApplicationIds: [...u.ssoApplicationIds], lastUsed: u.lastUsed };
}
