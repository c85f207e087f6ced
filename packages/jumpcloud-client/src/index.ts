// Public face of @jumpcloud-sync/jumpcloud-client. Everything not exported here is private.
export type {
  ApplicationAssociationTarget,
  ClientEvent,
  EventPage,
  JumpCloudClient,
  JumpCloudClientOptions,
  ListUsersOptions,
  PageFamily,
  RateLimitOptions,
  Region,
  RetryOptions,
  SystemInsightsOptions,
  ListSystemsOptions,
  SystemAssociationTarget,
  SoftwareAppAssociationTarget,
} from "./types.js";
export { SOFTWARE_EVENT_TYPES, softwareEventQuery, type SoftwareEventType } from "./software-events.js";
export { JumpCloudApiError, isJumpCloudApiError, type JumpCloudErrorKind } from "./errors.js";
export { CONSOLE_BASE_URLS, INSIGHTS_BASE_URLS } from "./regions.js";
export type {
  Application,
  ConsolePaths,
  DirectoryInsightsEvent,
  EventCountQuery,
  EventQuery,
  GraphConnection,
  GraphObject,
  GraphObjectWithPaths,
  InsightsPageResponseHeaders,
  InsightsPaths,
  InsightsService,
  Organization,
  SearchAfter,
  SoftwareApp,
  SoftwareAppSettings,
  SoftwareAppStatus,
  SoftwareAppWithStatus,
  System,
  SystemInsightsRow,
  SystemInsightsTable,
  SystemUser,
  SystemUserActivate,
  SystemUserCreate,
  SystemUserUpdate,
  UserGroup,
  V2ListResponseHeaders,
} from "./spec-patches.js";
export { createJumpCloudClient } from "./client.js";
