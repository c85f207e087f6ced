import { Controller, Get, Inject, Param, Query } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import type { z } from "zod";
import { STORE, type MdmQueryStore } from "../store/store.types.js";
import { ApiJson, ApiProblems, TokenProtected } from "./api-docs.decorators.js";
import {
  AppDevicePage,
  AppUserPage,
  DeviceDetailDto,
  DeviceListQuery,
  DevicePage,
  DeviceParams,
  InstalledAppDto,
  InstalledAppListQuery,
  InstalledAppPage,
  InstalledAppParams,
  ManagedAppDto,
  ManagedAppListQuery,
  ManagedAppPage,
  ManagedAppParams,
  MdmPageQuery,
  UserInstalledAppPage,
  UserInstalledAppParams,
} from "./mdm.schemas.js";
import { notFound } from "./problem.js";

type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> };

/** Drops undefined fields: the ports take optional filters (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}

/** Read models are plain data; a JSON round-trip gives the mutable shapes the schemas type. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The synced MDM picture: devices with their users and installations, installed apps merged
 * across sources with device and user counts, an app's devices and users, a user's apps, and the
 * managed apps with their status counts.
 */
@ApiTags("mdm")
@TokenProtected()
@Controller("v1")
export class MdmController {
  constructor(@Inject(STORE) private readonly store: MdmQueryStore) {}

  @Get("devices")
  @ApiOperation({ operationId: "listDevices", summary: "List devices", description: "Filter by scope, OS (family or name), status, bound user, last contact, System Insights state and a search on hostname, display name or serial number; `updatedSince` for changes." })
  @ApiJson(200, DevicePage, "A page of devices.")
  @ApiProblems(400)
  async listDevices(@Query({ schema: DeviceListQuery }) query: z.output<typeof DeviceListQuery>): Promise<z.infer<typeof DevicePage>> {
    return plain(await this.store.mdmQuery.listDevices(defined(query)));
  }

  @Get("scopes/:scopeId/devices/:deviceId")
  @ApiOperation({ operationId: "getDevice", summary: "A device with its users, installed apps (with their sources) and managed-app statuses" })
  @ApiJson(200, DeviceDetailDto, "The device.")
  @ApiProblems(400, 404)
  async getDevice(@Param({ schema: DeviceParams }) params: z.output<typeof DeviceParams>): Promise<z.infer<typeof DeviceDetailDto>> {
    const device = await this.store.mdmQuery.getDevice(params.scopeId, params.deviceId);
    if (device === null) throw notFound(`No device ${params.deviceId} in scope ${params.scopeId}.`);
    return plain(device);
  }

  @Get("installed-apps")
  @ApiOperation({ operationId: "listInstalledApps", summary: "List installed apps with device and user counts and sources", description: "Every app installed on a live device, from any source (managed, Directory Insights events), merged per app key. Filter by scope, source and a search on the key or name; `updatedSince` for changes (removals included)." })
  @ApiJson(200, InstalledAppPage, "A page of installed apps.")
  @ApiProblems(400)
  async listInstalledApps(@Query({ schema: InstalledAppListQuery }) query: z.output<typeof InstalledAppListQuery>): Promise<z.infer<typeof InstalledAppPage>> {
    return plain(await this.store.mdmQuery.listInstalledApps(defined(query)));
  }

  @Get("scopes/:scopeId/installed-apps/:appKey")
  @ApiOperation({ operationId: "getInstalledApp", summary: "An installed app" })
  @ApiJson(200, InstalledAppDto, "The app.")
  @ApiProblems(400, 404)
  async getInstalledApp(@Param({ schema: InstalledAppParams }) params: z.output<typeof InstalledAppParams>): Promise<z.infer<typeof InstalledAppDto>> {
    return plain(await this.installedApp(params));
  }

  @Get("scopes/:scopeId/installed-apps/:appKey/devices")
  @ApiOperation({ operationId: "listInstalledAppDevices", summary: "The devices that hold an app, with sources and versions" })
  @ApiJson(200, AppDevicePage, "A page of the app's devices.")
  @ApiProblems(400, 404)
  async listAppDevices(@Param({ schema: InstalledAppParams }) params: z.output<typeof InstalledAppParams>, @Query({ schema: MdmPageQuery }) query: z.output<typeof MdmPageQuery>): Promise<z.infer<typeof AppDevicePage>> {
    await this.installedApp(params);
    return plain(await this.store.mdmQuery.listAppDevices(params.scopeId, params.appKey, defined(query)));
  }

  @Get("scopes/:scopeId/installed-apps/:appKey/users")
  @ApiOperation({ operationId: "listInstalledAppUsers", summary: "The users who have an app on at least one of their devices" })
  @ApiJson(200, AppUserPage, "A page of the app's users.")
  @ApiProblems(400, 404)
  async listAppUsers(@Param({ schema: InstalledAppParams }) params: z.output<typeof InstalledAppParams>, @Query({ schema: MdmPageQuery }) query: z.output<typeof MdmPageQuery>): Promise<z.infer<typeof AppUserPage>> {
    await this.installedApp(params);
    return plain(await this.store.mdmQuery.listAppUsers(params.scopeId, params.appKey, defined(query)));
  }

  @Get("scopes/:scopeId/users/:userId/installed-apps")
  @ApiOperation({ operationId: "listUserInstalledApps", summary: "A user's installed apps: the union over the user's devices and every source" })
  @ApiJson(200, UserInstalledAppPage, "A page of the user's apps.")
  @ApiProblems(400)
  async listUserInstalledApps(@Param({ schema: UserInstalledAppParams }) params: z.output<typeof UserInstalledAppParams>, @Query({ schema: MdmPageQuery }) query: z.output<typeof MdmPageQuery>): Promise<z.infer<typeof UserInstalledAppPage>> {
    return plain(await this.store.mdmQuery.listUserInstalledApps(params.scopeId, params.userId, defined(query)));
  }

  @Get("managed-apps")
  @ApiOperation({ operationId: "listManagedApps", summary: "List managed apps (JumpCloud software apps) with status counts and linked devices" })
  @ApiJson(200, ManagedAppPage, "A page of managed apps.")
  @ApiProblems(400)
  async listManagedApps(@Query({ schema: ManagedAppListQuery }) query: z.output<typeof ManagedAppListQuery>): Promise<z.infer<typeof ManagedAppPage>> {
    return plain(await this.store.mdmQuery.listManagedApps(defined(query)));
  }

  @Get("scopes/:scopeId/managed-apps/:appId")
  @ApiOperation({ operationId: "getManagedApp", summary: "A managed app" })
  @ApiJson(200, ManagedAppDto, "The managed app.")
  @ApiProblems(400, 404)
  async getManagedApp(@Param({ schema: ManagedAppParams }) params: z.output<typeof ManagedAppParams>): Promise<z.infer<typeof ManagedAppDto>> {
    const app = await this.store.mdmQuery.getManagedApp(params.scopeId, params.appId);
    if (app === null) throw notFound(`No managed app ${params.appId} in scope ${params.scopeId}.`);
    return plain(app);
  }

  private async installedApp(params: z.output<typeof InstalledAppParams>): Promise<NonNullable<Awaited<ReturnType<MdmQueryStore["mdmQuery"]["getInstalledApp"]>>>> {
    const app = await this.store.mdmQuery.getInstalledApp(params.scopeId, params.appKey);
    if (app === null) throw notFound(`No installed app ${JSON.stringify(params.appKey)} in scope ${params.scopeId}.`);
    return app;
  }
}
