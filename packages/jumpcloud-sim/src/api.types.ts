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

export interface MinimumRequests {
  total: number;
  /** Keyed by route template, e.g. "GET /api/systemusers", "POST /insights/directory/v1/events". */
  byRoute: Record<string, number>;
  /** The request plan the figures assume, one line per step. */
  plan: string[];
}

export interface GroundTruth {
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
  directoryInsights: { enabled: boolean; retentionDays: number; earliestVisibleEventAt: string | null };
  minimumRequests: MinimumRequests;
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
export interface WorldControls {
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
  faults: { "429": number; "5xx": number; drop: number; malformed: number; shortPage: number };
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
