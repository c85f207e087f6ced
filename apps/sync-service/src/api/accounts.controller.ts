import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { AccountsService } from "../accounts/accounts.service.js";
import {
  AccountDto,
  AccountIdParam,
  AccountListQuery,
  AccountPage,
  CreateAccountBody,
  RemoveAccountQuery,
  UpdateAccountBody,
} from "./api.schemas.js";
import { ApiJson, ApiProblems, TokenProtected } from "./api-docs.decorators.js";
import { Actor } from "./bearer-token.guard.js";
import { pageById } from "./pagination.js";
import { ScopeStatusService } from "./scope-status.service.js";
import type { z } from "zod";

/** JumpCloud connections: the key is write-only; every change is audited with the token's name. */
@ApiTags("accounts")
@TokenProtected()
@Controller("v1/accounts")
export class AccountsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly status: ScopeStatusService,
  ) {}

  @Get()
  @ApiOperation({ operationId: "listAccounts", summary: "List accounts with their scopes and sync status" })
  @ApiJson(200, AccountPage, "A page of accounts, ordered by id.")
  @ApiProblems(400)
  async list(@Query({ schema: AccountListQuery }) query: z.output<typeof AccountListQuery>): Promise<z.infer<typeof AccountPage>> {
    const views = await this.accounts.list();
    const since = query.updatedSince;
    const dtos = views.filter((v) => since === undefined || v.account.updatedAt.getTime() >= since.getTime()).map((v) => this.status.accountDto(v));
    return pageById(dtos, query.cursor, query.limit);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ operationId: "addAccount", summary: "Add an account", description: "Validates the key against JumpCloud (a clear 422 for a bad key, a missing or wrong org), then stores it encrypted. An MSP key with `allOrgs` gets one scope per managed organization." })
  @ApiJson(201, AccountDto, "The account (without its key).")
  @ApiProblems(400, 422, 502)
  async add(@Body({ schema: CreateAccountBody }) body: z.output<typeof CreateAccountBody>, @Actor() actor: string): Promise<AccountDto> {
    const view = await this.accounts.add(
      {
        name: body.name,
        apiKey: body.apiKey,
        ...(body.orgId === undefined ? {} : { orgId: body.orgId }),
        ...(body.allOrgs === undefined ? {} : { allOrgs: body.allOrgs }),
        ...(body.region === undefined ? {} : { region: body.region }),
        ...(body.endpoints === undefined ? {} : { endpoints: definedOnly(body.endpoints) }),
        ...(body.permission === undefined ? {} : { permission: body.permission }),
        ...(body.scheduleMinutes === undefined ? {} : { scheduleMinutes: body.scheduleMinutes }),
      },
      actor,
    );
    return this.status.accountDto(view);
  }

  @Get(":accountId")
  @ApiOperation({ operationId: "getAccount", summary: "An account with its scopes and sync status" })
  @ApiJson(200, AccountDto, "The account.")
  @ApiProblems(400, 404)
  async get(@Param({ schema: AccountIdParam }) params: z.output<typeof AccountIdParam>): Promise<AccountDto> {
    return this.status.accountDto(await this.accounts.get(params.accountId));
  }

  @Patch(":accountId")
  @ApiOperation({ operationId: "updateAccount", summary: "Update an account", description: "A new `apiKey` (write-only) is validated before it replaces the old one." })
  @ApiJson(200, AccountDto, "The updated account.")
  @ApiProblems(400, 404, 422, 502)
  async update(
    @Param({ schema: AccountIdParam }) params: z.output<typeof AccountIdParam>,
    @Body({ schema: UpdateAccountBody }) body: z.output<typeof UpdateAccountBody>,
    @Actor() actor: string,
  ): Promise<AccountDto> {
    const view = await this.accounts.update(
      params.accountId,
      {
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.apiKey === undefined ? {} : { apiKey: body.apiKey }),
        ...(body.orgId === undefined ? {} : { orgId: body.orgId }),
        ...(body.region === undefined ? {} : { region: body.region }),
        ...(body.endpoints === undefined ? {} : { endpoints: definedOnly(body.endpoints) }),
        ...(body.permission === undefined ? {} : { permission: body.permission }),
        ...(body.scheduleMinutes === undefined ? {} : { scheduleMinutes: body.scheduleMinutes }),
      },
      actor,
    );
    return this.status.accountDto(view);
  }

  @Post(":accountId/pause")
  @HttpCode(200)
  @ApiOperation({ operationId: "pauseAccount", summary: "Pause syncing an account", description: "Running syncs stop at their next checkpoint. Idempotent." })
  @ApiJson(200, AccountDto, "The paused account.")
  @ApiProblems(400, 404)
  async pause(@Param({ schema: AccountIdParam }) params: z.output<typeof AccountIdParam>, @Actor() actor: string): Promise<AccountDto> {
    return this.status.accountDto(await this.accounts.pause(params.accountId, actor));
  }

  @Post(":accountId/resume")
  @HttpCode(200)
  @ApiOperation({ operationId: "resumeAccount", summary: "Resume syncing a paused account" })
  @ApiJson(200, AccountDto, "The resumed account.")
  @ApiProblems(400, 404)
  async resume(@Param({ schema: AccountIdParam }) params: z.output<typeof AccountIdParam>, @Actor() actor: string): Promise<AccountDto> {
    return this.status.accountDto(await this.accounts.resume(params.accountId, actor));
  }

  @Delete(":accountId")
  @HttpCode(204)
  @ApiOperation({ operationId: "removeAccount", summary: "Remove an account", description: "`data=keep` keeps the synced directory and usage; `data=purge` deletes it. The API key is wiped either way." })
  @ApiResponse({ status: 204, description: "Removed." })
  @ApiProblems(400, 404)
  async remove(
    @Param({ schema: AccountIdParam }) params: z.output<typeof AccountIdParam>,
    @Query({ schema: RemoveAccountQuery }) query: z.output<typeof RemoveAccountQuery>,
    @Actor() actor: string,
  ): Promise<void> {
    await this.accounts.remove(params.accountId, { purge: query.data === "purge" }, actor);
  }
}

function definedOnly(e: { consoleBaseUrl?: string | undefined; insightsBaseUrl?: string | undefined }): { consoleBaseUrl?: string; insightsBaseUrl?: string } {
  return { ...(e.consoleBaseUrl === undefined ? {} : { consoleBaseUrl: e.consoleBaseUrl }), ...(e.insightsBaseUrl === undefined ? {} : { insightsBaseUrl: e.insightsBaseUrl }) };
}
