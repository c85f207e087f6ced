// The public contract of the stand-in. Other packages build against these types in parallel:
// add fields freely, never rename or remove one without telling the client and sync teams.

/** Named world sizes. `msp` = one provider key managing two orgs (x-org-id required); `no-di` = DI answers 402. */
export type Scenario = "demo" | "msp" | "no-di" | "large";

/** A controllable clock shared by the server, the generator and the tests. Time never moves by itself. */
export interface SimClock {
  now(): Date;
  advance(ms: number): void;
  set(d: Date): void;
}

export interface SimOptions {
  /** Default "demo". */
  scenario?: Scenario;
  /** Generator seed (default 1). Same seed + same options + same start time → the same world, byte for byte. */
  seed?: number;
  /** Override the number of directory users per org. */
  users?: number;
  /** Override the number of devices per org (default: about 7 per 6 users in demo/msp/no-di, 20,000 in large). */
  devices?: number;
  /** Override the days of event history generated (default 90). */
  days?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a random free port). */
  port?: number;
  /** A clock to share, or the start date of a new one. Default: a fixed clock at {@link DEFAULT_START}. */
  clock?: SimClock | Date;
  faults?: FaultConfig;
  /** Extra latency per request, fixed or uniformly drawn (deterministically) from [min, max]. */
  latencyMs?: number | { min: number; max: number };
  /**
   * Measure `latencyMs` on the stand-in's clock instead of wall time: a request is answered once
   * the clock has moved that far past its arrival. With a manual clock, only `advance()`/`set()`
   * release it, so a test decides when a slow answer comes (never, if it never advances).
   */
  latencyOnClock?: boolean;
  /** Directory Insights retention (default 90). Older events are gone. */
  diRetentionDays?: number;
  /** An event becomes visible between 0 and this many ms after its timestamp (default 120000). */
  lateEventMaxMs?: number;
}

/**
 * Faults, drawn deterministically from `seed` and the request's sequence number. A faulted request is
 * never processed: state is untouched (a 429/5xx/dropped/malformed response replaces the real one).
 */
export interface FaultConfig {
  seed?: number;
  /** Probability (0..1) of a 429. */
  rate429?: number;
  /** Retry-After seconds on 429s; `null` = send no Retry-After header. Default 1. */
  retryAfterSeconds?: number | null;
  /** Probability (0..1) of a 5xx. */
  rate5xx?: number;
  /** 5xx statuses to draw from (default [502, 503, 504, 500]). */
  statuses5xx?: number[];
  /** Probability (0..1) that the socket is destroyed without any response. */
  dropConnectionRate?: number;
  /** Probability (0..1) of a 200 whose JSON body is cut short. */
  malformedBodyRate?: number;
  /**
   * v2 lists: every page that is neither the first nor the last (skip > 0 and skip + limit < total)
   * returns only ceil(limit / 2) rows while x-total-count stays correct. `{ route }` limits it to one
   * route template, e.g. "GET /api/v2/usergroups/{group_id}/members".
   */
  shortPageOnV2?: boolean | { route?: string };
  /** The main API key is revoked (401 from then on) once this many requests have been served. */
  revokeKeyAfterRequests?: number;
  /** Only these route templates get probabilistic faults, e.g. ["GET /api/systemusers"] or ["/api/systemusers"]. */
  onlyRoutes?: string[];
  /**
   * Probability (0..1) that a request stalls: no answer for `stallMs`, then the connection closes
   * (a client's timeout fires first). With `stallAfterApply` (default true) the request is processed
   * first — a write that happened although its caller never heard back, the case that makes blind
   * retries of writes dangerous; with false it is never processed.
   */
  stallRate?: number;
  /** Default 60 000. */
  stallMs?: number;
  stallAfterApply?: boolean;
  /** Probabilistic faults hit only the first `firstN` requests they apply to (after set()), e.g. `{rate5xx: 1, firstN: 2}`: two 5xx, then normal. */
  firstN?: number;
}

export interface SimCredentials {
  /** The main key: single-tenant admin (demo, no-di, large) or the provider admin's key (msp). */
  apiKey: string;
  orgs: { id: string; name: string }[];
  /** True when x-org-id is required (msp). */
  multiTenant: boolean;
  /** A "Read Only" admin of the first org: reads work, writes get 403. */
  readOnlyApiKey?: string;
  /** A "Command Runner" admin of the first org: Directory Insights answers 403. */
  commandRunnerApiKey?: string;
  /** The provider id (msp only). */
  providerId?: string;
}

export type UserStatus = "active" | "suspended" | "staged";
export type SystemUserState = "ACTIVATED" | "SUSPENDED" | "STAGED";

export interface TruthUser {
  id: string;
  username: string;
  email: string;
  displayName: string;
  status: UserStatus;
  /** `admin.roleName` of the user record, or null when the user is not linked to an admin account. */
  adminRole: string | null;
  /** Sorted. */
  groupIds: string[];
  employeeIdentifier: string;
  employeeType: string;
  department: string;
  jobTitle: string;
  company: string;
  costCenter: string;
  location: string;
  /** The manager's user id, or null. */
  managerId: string | null;
}

export interface TruthGroup {
  id: string;
  name: string;
  /** Sorted. */
  memberUserIds: string[];
}

export interface TruthApplication {
  id: string;
  /** Catalog key, e.g. "slack". */
  name: string;
  displayLabel: string;
  ssoUrl: string;
  /** Sorted. Users bound directly. */
  directUserIds: string[];
  /** Sorted. Groups bound directly. */
  groupIds: string[];
  /** Sorted. directUserIds ∪ members of groupIds. */
  assignedUserIds: string[];
}

export interface TruthPortalUsage {
  userId: string;
  /** ISO-8601 with milliseconds (Date#toISOString of the event's timestamp). */
  lastLoginAt: string;
  source: "user_portal" | "admin_portal";
  /** The DI event id that established it. */
  eventId: string;
}

export interface TruthSsoUsage {
  userId: string;
  applicationId: string;
  lastLoginAt: string;
  eventId: string;
}

/** What a perfect client spends on one plan. */
export interface RequestPlan {
  total: number;
  /** Keyed by route template, e.g. "GET /api/systemusers", "POST /insights/directory/v1/events". */
  byRoute: Record<string, number>;
  /** The request plan the figures assume, one line per step. */
  plan: string[];
}

/**
 * The directory sync's plan (total/byRoute/plan, unchanged by the MDM world) plus the MDM sync's
 * plan in `mdm`, counted apart so a directory-only client still compares against `total`.
 */
export interface MinimumRequests extends RequestPlan {
  /** Devices, bindings, managed software, DI `software` events and System Insights tables (README "MDM"). */
  mdm: RequestPlan;
}

export interface GroundTruth extends MdmTruth {
  orgId: string;
  /** The clock's now() when truth() was called. */
  asOf: string;
  /** Sorted by id. */
  users: TruthUser[];
  /** Sorted by id. */
  groups: TruthGroup[];
  /** Sorted by id. */
  applications: TruthApplication[];
  /**
   * Per directory user, the last successful `user_login_attempt` (source user_portal) or
   * `admin_login_attempt` (source admin_portal; the admin is matched to the user by email), among the
   * events visible now: within retention and past their visibility delay. Sorted by userId.
   * Empty when Directory Insights is disabled for the org (nothing can be read).
   */
  portalUsage: TruthPortalUsage[];
  /** Per (user, application), the last `sso_auth` with sso_token_success === true, visible now. Sorted. */
  ssoUsage: TruthSsoUsage[];
  /**
   * `earliestVisibleEventAt`: the oldest readable event of every service but `software` (so the
   * MDM world leaves it as it was); the software stream has its own in `softwareCoverage`.
   */
  directoryInsights: { enabled: boolean; retentionDays: number; earliestVisibleEventAt: string | null };
  minimumRequests: MinimumRequests;
}

/** The MDM part of the ground truth (README "MDM truth rules"). */
export interface MdmTruth {
  /** Sorted by id. Every device (system) of the org. */
  devices: TruthDevice[];
  /** Sorted by id. Every managed software app (`/api/v2/softwareapps`). */
  softwareApps: TruthSoftwareApp[];
  /** Sorted by userId. Only users bound to at least one device. */
  userSoftware: TruthUserSoftware[];
  softwareCoverage: TruthSoftwareCoverage;
}

// ---- MDM world -------------------------------------------------------------------------------

/** `system.osFamily` as JumpCloud reports it. */
export type OsFamily = "darwin" | "windows" | "linux";
/** `system.systemInsights.state`. Only "enabled" devices have System Insights rows. */
export type SystemInsightsState = "enabled" | "disabled" | "deferred";
/** The System Insights tables served (API-NOTES §8). */
export type SystemInsightsTable = "apps" | "programs" | "linux_packages" | "chrome_extensions" | "firefox_addons" | "safari_extensions";
/**
 * `software-app-status.state`. The spec does not enumerate it (API-NOTES §7: Silent); the world
 * generates these three, and `setSoftwareStatus` accepts any non-empty string.
 */
export type SoftwareAppState = "INSTALLED" | "FAILED" | "PENDING" | (string & {});
export type SoftwareEventType = "software_add" | "software_change" | "software_remove";

/** A device as `GET /api/systems/{id}` serves it (the spec's `system` plus `id`, as v1 records carry). */
export type SystemRecord = Record<string, unknown> & { _id: string; id: string; hostname: string; displayName: string; osFamily: OsFamily };

export interface TruthDevice {
  id: string;
  hostname: string;
  displayName: string;
  serialNumber: string;
  /** e.g. "Mac OS X", "Windows", "Ubuntu". */
  os: string;
  osFamily: OsFamily;
  version: string;
  arch: string;
  active: boolean;
  /** ISO-8601 or null (never contacted). */
  lastContact: string | null;
  systemInsights: SystemInsightsState;
  mdm: { vendor: "unknown" | "none" | "internal" | "external"; enrollmentType: "unknown" | "automated device" | "device" | "user" };
  /** Sorted. Users bound to the device directly (`/systems/{id}/associations?targets=user`). */
  directUserIds: string[];
  /** Sorted. User groups bound to the device directly (`targets=user_group`). */
  userGroupIds: string[];
  /** Sorted. directUserIds ∪ members of userGroupIds: what `/systems/{id}/users` lists. */
  userIds: string[];
  /** Sorted. Device groups (system groups) the device belongs to. */
  systemGroupIds: string[];
  /**
   * Sorted by name. Software knowable as installed from the DI `software` stream: per
   * (device, application.name) the last visible software event is `software_add` or
   * `software_change` (README "MDM truth rules"). Empty when DI is disabled for the org.
   */
  software: TruthDeviceSoftware[];
  /** Sorted by softwareAppId. Every managed status of the device, whatever its state. */
  managedApps: TruthManagedStatus[];
  /** Sorted. Managed software app ids whose status on this device is INSTALLED. */
  installedManagedAppIds: string[];
  /** System Insights rows served per table for this device (all 0 unless systemInsights is "enabled"). */
  inventoryRows: Record<SystemInsightsTable, number>;
  /** The `collection_time` its rows carry (a `collectInventory` snapshot's, else its last contact); null unless systemInsights is "enabled". */
  inventoryCollectedAt: string | null;
}

export interface TruthDeviceSoftware {
  /** `application.name` of the events: the name the device's OS reports ("Slack.app", "Slack", "slack-desktop"). */
  name: string;
  /** `application.version` of the add, or `changes[version].to` of the change. */
  version: string;
  /** The last visible software event for (device, name). */
  eventId: string;
  eventType: "software_add" | "software_change";
  /** Its timestamp, ISO-8601 with milliseconds. */
  at: string;
}

export interface TruthManagedStatus {
  softwareAppId: string;
  /** `software-app-status.id`. */
  statusId: string;
  state: SoftwareAppState;
  version: string;
  /** state === "INSTALLED" (FAILED, PENDING and anything else are kept as status, not installed). */
  installed: boolean;
  /** `software-app-status.timestamp`. */
  timestamp: string;
}

export interface TruthSoftwareApp {
  id: string;
  displayName: string;
  /** `settings[0].packageManager`, e.g. "APPLE_VPP", "WINGET", "CHOCOLATEY". */
  packageManager: string;
  packageId: string;
  /** `settings[0].bundleId` (macOS apps), else null. */
  bundleId: string | null;
  desiredState: string;
  /** Sorted. Devices bound directly (`associations?targets=system`). */
  systemIds: string[];
  /** Sorted. Device groups bound directly (`targets=system_group`). */
  systemGroupIds: string[];
  /** Sorted. systemIds ∪ members of systemGroupIds: what `/softwareapps/{id}/systems` lists. */
  linkedSystemIds: string[];
  /** Sorted by systemId: what `/softwareapps/{id}/statuses` lists. */
  statuses: { statusId: string; systemId: string; state: SoftwareAppState; version: string }[];
  /** Sorted. Devices whose status is INSTALLED. */
  installedSystemIds: string[];
}

export interface TruthUserSoftware {
  userId: string;
  /** Sorted. Devices the user is bound to (directly or through a user group). */
  deviceIds: string[];
  /** Sorted, unique. Union of `software[].name` over those devices. */
  softwareNames: string[];
  /** Sorted, unique. Union of `installedManagedAppIds` over those devices. */
  installedManagedAppIds: string[];
}

export interface TruthSoftwareCoverage {
  /** False when DI is disabled for the org (no software event is readable). */
  readable: boolean;
  retentionDays: number;
  /** Oldest readable `software` event (null when none). */
  earliestVisibleEventAt: string | null;
  /** `software` events readable now (what a full read with service ["software"] returns). */
  visibleEvents: number;
  /** Devices with at least one readable software event. */
  devicesWithEvents: number;
}

/** Software to put on a device: a catalog product (resolved to the OS's own name) or a custom app. */
export interface SoftwareInput {
  /** A catalog key ("slack", "zoom", "vscode", "firefox", "teams", "chrome", …; README "MDM"). */
  product?: string;
  /** A custom application name (when no product is given), as the OS would report it. */
  name?: string;
  /** Default: the product's current version ("1.0.0" for a custom app). */
  version?: string;
  publisher?: string;
}

/** When a software event happens and when DI shows it. */
export interface SoftwareEventOptions {
  /** Event time (default now). */
  at?: string | Date;
  /** Visible from (default: at + the usual deterministic delay ≤ lateEventMaxMs). Later = a late event. */
  visibleAt?: string | Date;
}

export interface NewDeviceInput {
  orgId?: string;
  osFamily: OsFamily;
  hostname?: string;
  displayName?: string;
  serialNumber?: string;
  /** Default "enabled". */
  systemInsights?: SystemInsightsState;
  /** Users bound directly on creation. */
  userIds?: string[];
}

/** One Directory Insights event as served (a plain JSON object; shapes per API-NOTES §9). */
export type DiEvent = Record<string, unknown> & {
  id: string;
  event_type: string;
  service: string;
  timestamp: string;
  organization: string;
};

/** Input for appendEvents: anything an event may carry; id/organization/timestamp/service are filled in if absent. */
export type DiEventInput = Record<string, unknown> & {
  event_type: string;
  timestamp?: string | Date;
  service?: string;
  /** When the event becomes visible (default: timestamp + a deterministic delay ≤ lateEventMaxMs). Not served. */
  visibleAt?: string | Date;
};

export interface NewUserInput {
  orgId?: string;
  username: string;
  email: string;
  firstname?: string;
  lastname?: string;
  displayname?: string;
  state?: SystemUserState;
  employeeIdentifier?: string;
  employeeType?: string;
  department?: string;
  jobTitle?: string;
  company?: string;
  costCenter?: string;
  location?: string;
  managerId?: string | null;
}

export type UserPatch = Partial<Omit<NewUserInput, "orgId">> & {
  /** Convenience: "active" | "suspended" | "staged" (mapped to state). */
  status?: UserStatus;
};

/** A user record as the v1 API serves it (a JSON object with both `_id` and `id`). */
export type SystemUserRecord = Record<string, unknown> & { _id: string; id: string; username: string; email: string };

export interface NewApplicationInput {
  orgId?: string;
  /** Catalog key, e.g. "slack". */
  name: string;
  displayLabel: string;
  ssoUrl?: string;
}

export type AssignTarget = { userId: string } | { groupId: string };

export interface ActivityWindow {
  fromMs?: number;
  toMs?: number;
  /** Shorthand for [now - minutes, now]. */
  minutes?: number;
}

/** Mutations between syncs. Each one also records the lifecycle DI event JumpCloud would log. */
export interface WorldControls extends MdmWorldControls {
  addUser(input: NewUserInput): SystemUserRecord;
  updateUser(id: string, patch: UserPatch): SystemUserRecord;
  deleteUser(id: string): void;
  addGroup(input: { orgId?: string; name: string; description?: string }): { id: string; name: string };
  addGroupMember(groupId: string, userId: string): void;
  removeGroupMember(groupId: string, userId: string): void;
  assignApp(appId: string, target: AssignTarget): void;
  unassign(appId: string, target: AssignTarget): void;
  addApplication(input: NewApplicationInput): { id: string; name: string; displayLabel: string; ssoUrl: string };
  removeApplication(appId: string): void;
  /** Adds events as-is (filled in where absent) and returns them as they will be served. */
  appendEvents(orgId: string, events: DiEventInput[]): DiEvent[];
  /** Generates realistic portal/admin/SSO login events (successes and failures) in the window. */
  simulateActivity(orgId: string, window: ActivityWindow): DiEvent[];
  /** Revokes the main API key (401 from then on) and returns its replacement (also put in credentials.apiKey). */
  revokeKey(): string;
  setDirectoryInsights(orgId: string, enabled: boolean): void;
  /** The user record exactly as GET /api/systemusers/{id} serves it, or undefined. */
  getUser(id: string): SystemUserRecord | undefined;
  /** All events of the org in (timestamp, id) order, visible or not (for tests and debugging). */
  allEvents(orgId: string): DiEvent[];

}

/** World controls of the MDM world (each logs the DI event JumpCloud would log; see README "MDM"). */
export interface MdmWorldControls {
  /** Enrolls a device (`system_create`); its software starts empty. */
  addDevice(input: NewDeviceInput): SystemRecord;
  /** Removes a device with its bindings, statuses and inventory (`system_delete`). */
  removeDevice(deviceId: string): void;
  /** Binds a user to a device directly (`association_change` op add, system → user). */
  bindUser(deviceId: string, userId: string): void;
  unbindUser(deviceId: string, userId: string): void;
  /** Binds/unbinds a user group to a device (`association_change`, system → user_group). */
  bindUserGroup(deviceId: string, groupId: string): void;
  unbindUserGroup(deviceId: string, groupId: string): void;
  /** The agent sees an app appear: `software_add`; the inventory gains its rows. Returns the event as served. */
  installSoftware(deviceId: string, software: SoftwareInput, options?: SoftwareEventOptions): DiEvent;
  /** A version change of an app on the device (`software_change` with changes[{field:"version",from,to}]). */
  changeSoftware(deviceId: string, name: string, toVersion: string, options?: SoftwareEventOptions): DiEvent;
  /** The app disappears (`software_remove`); the inventory loses it. */
  removeSoftware(deviceId: string, name: string, options?: SoftwareEventOptions): DiEvent;
  /** Creates or updates the managed status of (softwareAppId, deviceId); the device need not be linked. */
  setSoftwareStatus(softwareAppId: string, deviceId: string, state: SoftwareAppState, detail?: { version?: string; details?: string; code?: number }): void;
  /** Toggles System Insights for a device (`system_update`): only "enabled" devices serve rows. */
  setSystemInsights(deviceId: string, state: SystemInsightsState): void;
  /** The device as `GET /api/systems/{id}` serves it, or undefined. */
  getDevice(deviceId: string): SystemRecord | undefined;
  /** The System Insights rows of one device and table exactly as served (even when SI is disabled: what the agent holds). */
  inventoryRows(deviceId: string, table: SystemInsightsTable): Record<string, unknown>[];
  /**
   * The agent collects the device's System Insights inventory at `at` (default now; not in the
   * future): from then on its rows are that snapshot, with `collection_time` = `at`, until the next
   * `collectInventory` or `liveInventory`, while software events and the device's software move on
   * (an app removed later is still listed; one installed later is not). Returns `collection_time`.
   */
  collectInventory(deviceId: string, options?: { at?: string | Date }): string;
  /** Back to the default: the device's rows follow its software at once, collected at its last contact. */
  liveInventory(deviceId: string): void;
}

export interface RouteStats {
  total: number;
  byStatus: Record<string, number>;
}

export interface SimStats {
  total: number;
  byStatus: Record<string, number>;
  /** Keyed by route template, e.g. "GET /api/v2/usergroups/{group_id}/members"; unknown paths under "UNMATCHED". */
  byRoute: Record<string, RouteStats>;
  /** 429s served (faults). */
  served429: number;
  /** Faults injected, by kind. */
  faults: { "429": number; "5xx": number; drop: number; malformed: number; shortPage: number; stall: number };
  /**
   * Console writes (every method but GET): `attempted` reached a write route; `applied` changed the
   * world (a 2xx from the handler, a stall after applying included). Lets a test prove a dry run wrote nothing.
   */
  writes: { attempted: number; applied: number; byRoute: Record<string, { attempted: number; applied: number }> };
}

export interface Sim {
  /** Origin, e.g. http://127.0.0.1:PORT */
  url: string;
  /** = url (paths /api/... and /api/v2/...). */
  consoleBaseUrl: string;
  /** = url + "/insights/directory/v1". */
  insightsBaseUrl: string;
  credentials: SimCredentials;
  clock: SimClock;
  truth(orgId?: string): GroundTruth;
  faults: { set(f: FaultConfig): void; clear(): void };
  world: WorldControls;
  stats(): SimStats;
  resetStats(): void;
  close(): Promise<void>;
}
