import { Controller, Get, Inject, Param, Query } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import type { z } from "zod";
import { STORE, type SyncStore } from "../store/store.types.js";
import {
  ApplicationDto,
  ApplicationListQuery,
  ApplicationPage,
  ApplicationParams,
  ApplicationUserPage,
  ApplicationUserQuery,
  UserDto,
  UserListQuery,
  UserPage,
  UserParams,
} from "./api.schemas.js";
import { ApiJson, ApiProblems, TokenProtected } from "./api-docs.decorators.js";
import { notFound } from "./problem.js";

// The read models are what persistence serves (never a secret); they are passed through as they
// are, and their shape is the zod schema the document shows.

/** The synced directory: users with roles, SSO apps and last use; SSO applications with their users. */
@ApiTags("directory")
@TokenProtected()
@Controller("v1")
export class DirectoryController {
  constructor(@Inject(STORE) private readonly store: SyncStore) {}

  @Get("users")
  @ApiOperation({ operationId: "listUsers", summary: "List users", description: "Filter by scope, status (`deleted`: gone upstream, history kept), group and a search on username, email or display name; `updatedSince` for changes." })
  @ApiJson(200, UserPage, "A page of users.")
  @ApiProblems(400)
  async listUsers(@Query({ schema: UserListQuery }) query: z.output<typeof UserListQuery>): Promise<z.infer<typeof UserPage>> {
    const page = await this.store.query.listUsers({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.scopeId === undefined ? {} : { scopeId: query.scopeId }),
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.groupId === undefined ? {} : { groupId: query.groupId }),
      ...(query.search === undefined ? {} : { search: query.search }),
      ...(query.updatedSince === undefined ? {} : { updatedSince: query.updatedSince }),
    });
    return { items: page.items.map(userDto), nextCursor: page.nextCursor };
  }

  @Get("scopes/:scopeId/users/:userId")
  @ApiOperation({ operationId: "getUser", summary: "A user with roles, SSO applications and last use" })
  @ApiJson(200, UserDto, "The user.")
  @ApiProblems(400, 404)
  async getUser(@Param({ schema: UserParams }) params: z.output<typeof UserParams>): Promise<z.infer<typeof UserDto>> {
    const user = await this.store.query.getUser(params.scopeId, params.userId);
    if (user === null) throw notFound(`No user ${params.userId} in scope ${params.scopeId}.`);
    return userDto(user);
  }

  @Get("applications")
  @ApiOperation({ operationId: "listApplications", summary: "List SSO applications with their last use" })
  @ApiJson(200, ApplicationPage, "A page of applications.")
  @ApiProblems(400)
  async listApplications(@Query({ schema: ApplicationListQuery }) query: z.output<typeof ApplicationListQuery>): Promise<z.infer<typeof ApplicationPage>> {
    const page = await this.store.query.listApplications({
      limit: query.limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.scopeId === undefined ? {} : { scopeId: query.scopeId }),
      ...(query.search === undefined ? {} : { search: query.search }),
      ...(query.updatedSince === undefined ? {} : { updatedSince: query.updatedSince }),
    });
    return { items: page.items.map(applicationDto), nextCursor: page.nextCursor };
  }

  @Get("scopes/:scopeId/applications/:applicationId")
  @ApiOperation({ operationId: "getApplication", summary: "An SSO application" })
  @ApiJson(200, ApplicationDto, "The application.")
  @ApiProblems(400, 404)
  async getApplication(@Param({ schema: ApplicationParams }) params: z.output<typeof ApplicationParams>): Promise<z.infer<typeof ApplicationDto>> {
    const app = await this.store.query.getApplication(params.scopeId, params.applicationId);
    if (app === null) throw notFound(`No application ${params.applicationId} in scope ${params.scopeId}.`);
    return applicationDto(app);
  }

  @Get("scopes/:scopeId/applications/:applicationId/users")
  @ApiOperation({
    operationId: "listApplicationUsers",
    summary: "The users of an SSO application, with how they are assigned and their last use",
    description: "Everyone assigned now and everyone with a recorded SSO login into the app, assigned or not (`assigned: false`): access kept after an unassignment is what an audit looks for.",
  })
  @ApiJson(200, ApplicationUserPage, "A page of the application's users.")
  @ApiProblems(400, 404)
  async listApplicationUsers(
    @Param({ schema: ApplicationParams }) params: z.output<typeof ApplicationParams>,
    @Query({ schema: ApplicationUserQuery }) query: z.output<typeof ApplicationUserQuery>,
  ): Promise<z.infer<typeof ApplicationUserPage>> {
    if ((await this.store.query.getApplication(params.scopeId, params.applicationId)) === null) throw notFound(`No application ${params.applicationId} in scope ${params.scopeId}.`);
    const page = await this.store.query.listApplicationUsers(params.scopeId, params.applicationId, { limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) });
    return { items: page.items.map((u) => ({ ...u, groupIds: [...u.groupIds] })), nextCursor: page.nextCursor };
  }
}

type UserView = Awaited<ReturnType<SyncStore["query"]["getUser"]>> & object;
type ApplicationView = Awaited<ReturnType<SyncStore["query"]["getApplication"]>> & object;

function userDto(u: UserView): z.infer<typeof UserDto> {
  return {
    ...u,
    hr: { ...u.hr },
    groups: u.groups.map((g) => ({ ...g })),
    applications: u.applications.map((a) => ({ ...a, groupIds: [...a.groupIds] })),
  };
}

function applicationDto(a: ApplicationView): z.infer<typeof ApplicationDto> {
  return { ...a };
}
