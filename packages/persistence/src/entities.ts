import { defineEntity, p } from "@mikro-orm/core";

// The schema of the store. The domain's model types stay plain: these schemas map them to tables.
// No foreign keys on purpose: synced rows outlive their upstream parents (tombstones), the bulk
// writers insert in any order, and `purgeScope` removes a scope's rows explicitly.
// Times the store decides (leases, runs, tombstones, usage) are real timestamps; upstream strings
// that must round-trip byte for byte (a user's `createdAt`) stay text.

export const AccountSchema = defineEntity({
  name: "AccountRow",
  tableName: "account",
  properties: {
    id: p.string().primary(),
    name: p.text(),
    region: p.string().nullable(),
    consoleBaseUrl: p.string(),
    insightsBaseUrl: p.string(),
    permission: p.string(),
    orgId: p.string().nullable(),
    multiTenant: p.boolean(),
    paused: p.boolean(),
    scheduleMinutes: p.integer(),
    /** `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url); null once wiped. */
    apiKeyCiphertext: p.text().nullable(),
    /** Which configured key encrypted it, so rotation finds the rows still on an old key. */
    apiKeyKeyId: p.string().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export const ScopeSchema = defineEntity({
  name: "ScopeRow",
  tableName: "scope",
  properties: {
    id: p.string().primary(),
    accountId: p.string().index("scope_account_id_index"),
    orgId: p.string().nullable(),
    orgName: p.text().nullable(),
    enabled: p.boolean(),
  },
});

export const DirectoryUserSchema = defineEntity({
  name: "DirectoryUserRow",
  tableName: "directory_user",
  properties: {
    scopeId: p.string().primary(),
    id: p.string().primary(),
    username: p.text(),
    email: p.text(),
    displayName: p.text().nullable(),
    firstName: p.text().nullable(),
    lastName: p.text().nullable(),
    status: p.string(),
    employeeIdentifier: p.text().nullable(),
    employeeType: p.text().nullable(),
    department: p.text().nullable(),
    jobTitle: p.text().nullable(),
    company: p.text().nullable(),
    costCenter: p.text().nullable(),
    location: p.text().nullable(),
    managerId: p.string().nullable(),
    adminRole: p.text().nullable(),
    /** JSON array of group ids, as observed. */
    groupIds: p.text(),
    upstreamCreatedAt: p.string().nullable(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [{ name: "directory_user_scope_updated_index", properties: ["scopeId", "updatedAt"] }],
});

export const DirectoryGroupSchema = defineEntity({
  name: "DirectoryGroupRow",
  tableName: "directory_group",
  properties: {
    scopeId: p.string().primary(),
    id: p.string().primary(),
    name: p.text(),
    description: p.text().nullable(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export const DirectoryApplicationSchema = defineEntity({
  name: "DirectoryApplicationRow",
  tableName: "directory_application",
  properties: {
    scopeId: p.string().primary(),
    id: p.string().primary(),
    name: p.text(),
    displayName: p.text().nullable(),
    displayLabel: p.text().nullable(),
    ssoUrl: p.text().nullable(),
    ssoType: p.text().nullable(),
    active: p.boolean(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export const AppAssignmentSchema = defineEntity({
  name: "AppAssignmentRow",
  tableName: "app_assignment",
  properties: {
    scopeId: p.string().primary(),
    applicationId: p.string().primary(),
    userId: p.string().primary(),
    direct: p.boolean(),
    /** JSON array of group ids, as observed. */
    groupIds: p.text(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [{ name: "app_assignment_scope_user_index", properties: ["scopeId", "userId"] }],
});

export const UsageRecordSchema = defineEntity({
  name: "UsageRecordRow",
  tableName: "usage_record",
  properties: {
    scopeId: p.string().primary(),
    userId: p.string().primary(),
    /** `""` for overall (portal) use: a primary key column cannot be null. */
    applicationId: p.string().primary(),
    lastUsedAt: p.datetime(),
    source: p.string(),
    eventId: p.string(),
  },
  // An application's latest use (ApplicationView.lastUsed) without scanning the scope.
  indexes: [{ name: "usage_record_scope_app_last_used_index", properties: ["scopeId", "applicationId", "lastUsedAt"] }],
});

export const UsageCoverageSchema = defineEntity({
  name: "UsageCoverageRow",
  tableName: "usage_coverage",
  properties: {
    scopeId: p.string().primary(),
    kind: p.string(),
    since: p.string().nullable(),
    reason: p.string().nullable(),
    detail: p.text().nullable(),
  },
});

export const SyncCursorSchema = defineEntity({
  name: "SyncCursorRow",
  tableName: "sync_cursor",
  properties: {
    scopeId: p.string().primary(),
    stream: p.string().primary(),
    /** JSON. */
    value: p.text(),
    updatedAt: p.datetime(),
  },
});

export const SyncLeaseSchema = defineEntity({
  name: "SyncLeaseRow",
  tableName: "sync_lease",
  properties: {
    scopeId: p.string().primary(),
    stream: p.string().primary(),
    owner: p.string(),
    expiresAt: p.datetime(),
  },
});

export const SyncRunSchema = defineEntity({
  name: "SyncRunRow",
  tableName: "sync_run",
  properties: {
    id: p.string().primary(),
    scopeId: p.string(),
    stream: p.string(),
    state: p.string(),
    trigger: p.string(),
    startedAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    error: p.text().nullable(),
    /** JSON of the domain's SyncCounters. */
    counters: p.text(),
  },
  indexes: [
    { name: "sync_run_scope_stream_started_index", properties: ["scopeId", "stream", "startedAt"] },
    { name: "sync_run_started_index", properties: ["startedAt"] },
    { name: "sync_run_state_index", properties: ["state", "startedAt"] },
  ],
});

export const StreamStatusSchema = defineEntity({
  name: "StreamStatusRow",
  tableName: "stream_status",
  properties: {
    scopeId: p.string().primary(),
    stream: p.string().primary(),
    lastAttemptAt: p.datetime().nullable(),
    lastSuccessAt: p.datetime().nullable(),
    consecutiveFailures: p.integer(),
    nextAttemptAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** JSON array of the domain's AttentionReason. */
    attention: p.text(),
    /** JSON of the domain's StreamUnavailability; null while the source is available. */
    unavailable: p.text().nullable(),
  },
});

export const AuditEntrySchema = defineEntity({
  name: "AuditEntryRow",
  tableName: "audit_entry",
  properties: {
    id: p.integer().primary().autoincrement(),
    at: p.datetime(),
    actor: p.string(),
    action: p.string(),
    target: p.string().index("audit_entry_target_index"),
    outcome: p.string(),
    /** JSON. */
    details: p.text(),
  },
});

export const ApiTokenSchema = defineEntity({
  name: "ApiTokenRow",
  tableName: "api_token",
  properties: {
    id: p.string().primary(),
    name: p.string().unique("api_token_name_unique"),
    /** sha256 (hex) of the secret; the secret itself is shown once and never stored. */
    secretHash: p.string().unique("api_token_secret_hash_unique"),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});

// ---- MDM (issue 11) ---------------------------------------------------------------------------
// Upstream strings compared by the reconcilers (`lastContact`, a status `timestamp`) stay text so
// they round-trip byte for byte; `last_contact_at` is the parsed copy the device filters use.

export const DeviceSchema = defineEntity({
  name: "DeviceRow",
  tableName: "device",
  properties: {
    scopeId: p.string().primary(),
    id: p.string().primary(),
    hostname: p.text().nullable(),
    displayName: p.text().nullable(),
    serialNumber: p.text().nullable(),
    os: p.text().nullable(),
    osFamily: p.text().nullable(),
    version: p.text().nullable(),
    arch: p.text().nullable(),
    lastContact: p.string().nullable(),
    lastContactAt: p.datetime().nullable(),
    active: p.boolean(),
    agentVersion: p.text().nullable(),
    systemInsights: p.string(),
    /** JSON of the domain's MdmEnrollment, or null. */
    mdm: p.text().nullable(),
    upstreamCreatedAt: p.string().nullable(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [{ name: "device_scope_updated_index", properties: ["scopeId", "updatedAt"] }],
});

export const DeviceBindingSchema = defineEntity({
  name: "DeviceBindingRow",
  tableName: "device_binding",
  properties: {
    scopeId: p.string().primary(),
    deviceId: p.string().primary(),
    userId: p.string().primary(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  // A user's devices (DeviceQuery.userId, a user's installed apps).
  indexes: [{ name: "device_binding_scope_user_index", properties: ["scopeId", "userId"] }],
});

export const ManagedAppSchema = defineEntity({
  name: "ManagedAppRow",
  tableName: "managed_app",
  properties: {
    scopeId: p.string().primary(),
    id: p.string().primary(),
    displayName: p.text(),
    appKey: p.text(),
    /** JSON array of the domain's ManagedAppSetting. */
    settings: p.text(),
    upstreamCreatedAt: p.string().nullable(),
    upstreamUpdatedAt: p.string().nullable(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export const ManagedAppStatusSchema = defineEntity({
  name: "ManagedAppStatusRow",
  tableName: "managed_app_status",
  properties: {
    scopeId: p.string().primary(),
    appId: p.string().primary(),
    deviceId: p.string().primary(),
    state: p.string(),
    version: p.text().nullable(),
    /** The status `timestamp` as reported. */
    reportedAt: p.string().nullable(),
    details: p.text().nullable(),
    code: p.integer().nullable(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [{ name: "managed_app_status_scope_device_index", properties: ["scopeId", "deviceId"] }],
});

export const ManagedAppLinkSchema = defineEntity({
  name: "ManagedAppLinkRow",
  tableName: "managed_app_link",
  properties: {
    scopeId: p.string().primary(),
    appId: p.string().primary(),
    deviceId: p.string().primary(),
    direct: p.boolean(),
    /** JSON array of device group ids. */
    groupIds: p.text(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export const InstallationSchema = defineEntity({
  name: "InstallationRow",
  tableName: "installation",
  properties: {
    scopeId: p.string().primary(),
    deviceId: p.string().primary(),
    appKey: p.text().primary(),
    /** `managed` | `events` | `inventory`. */
    source: p.string().primary(),
    /** Managed app id, `""` for events, the System Insights table for inventory. */
    sourceRef: p.string().primary(),
    name: p.text(),
    version: p.text().nullable(),
    packageManager: p.text().nullable(),
    firstSeenAt: p.datetime().nullable(),
    lastSeenAt: p.datetime().nullable(),
    evidenceAt: p.datetime(),
    evidenceId: p.string(),
    evidenceKind: p.string(),
    /** Inventory rows only: an ISO instant, `never` (System Insights `-1`), or null when not reported. */
    lastOpened: p.string().nullable(),
    /** Inventory rows only: the row's observation (JSON) for the app identity normalizer. */
    observation: p.text().nullable(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [
    // An app's devices and counts (installed-apps read models).
    { name: "installation_scope_app_index", properties: ["scopeId", "appKey"] },
    { name: "installation_scope_updated_index", properties: ["scopeId", "updatedAt"] },
  ],
});

export const SoftwareEventsCoverageSchema = defineEntity({
  name: "SoftwareEventsCoverageRow",
  tableName: "software_events_coverage",
  properties: {
    scopeId: p.string().primary(),
    kind: p.string(),
    since: p.string().nullable(),
    reason: p.string().nullable(),
    detail: p.text().nullable(),
  },
});

/** Whether System Insights reports for a device, and the instant its inventory is authoritative at. */
export const InventoryDeviceSchema = defineEntity({
  name: "InventoryDeviceRow",
  tableName: "inventory_device",
  properties: {
    scopeId: p.string().primary(),
    deviceId: p.string().primary(),
    /** `available` | `unavailable`. */
    availability: p.string(),
    reason: p.string().nullable(),
    collectedAt: p.datetime().nullable(),
    rowCount: p.integer(),
    removedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

/** The durable queue of accepted actions (`ActionPort`), claimed by lease like a sync stream. */
export const ActionSchema = defineEntity({
  name: "ActionRow",
  tableName: "action",
  properties: {
    id: p.string().primary(),
    batchId: p.string().nullable(),
    scopeId: p.string(),
    accountId: p.string(),
    kind: p.string(),
    targetUserId: p.string().nullable(),
    targetUsername: p.text().nullable(),
    /** JSON of the domain's CreateUserParams (never a password), or null. */
    params: p.text().nullable(),
    state: p.string(),
    actor: p.string(),
    attempts: p.integer(),
    nextAttemptAt: p.datetime(),
    leaseOwner: p.string().nullable(),
    leaseExpiresAt: p.datetime().nullable(),
    writeStartedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    fromStatus: p.string().nullable(),
    toStatus: p.string().nullable(),
    failureCode: p.string().nullable(),
    failureMessage: p.text().nullable(),
    /** JSON array of the domain's UpstreamCall: method, path, status; never a body. */
    upstream: p.text(),
    confirmation: p.string().nullable(),
    confirmationDetail: p.text().nullable(),
    confirmedAt: p.datetime().nullable(),
  },
  indexes: [
    { name: "action_state_next_attempt_index", properties: ["state", "nextAttemptAt"] },
    { name: "action_scope_created_index", properties: ["scopeId", "createdAt"] },
    { name: "action_created_index", properties: ["createdAt"] },
    { name: "action_confirmation_index", properties: ["confirmation"] },
  ],
});

/** A request's first answer under its Idempotency-Key, per caller (`ActionPort.accept`). */
export const ActionRequestSchema = defineEntity({
  name: "ActionRequestRow",
  tableName: "action_request",
  properties: {
    scope: p.string().primary(),
    key: p.string().primary(),
    fingerprint: p.string(),
    status: p.integer(),
    /** JSON text of the response body. */
    body: p.text(),
    createdAt: p.datetime(),
  },
});

/** Every table of the store, for `MikroORM.init`, `@mikro-orm/nestjs` and the migrator. */
export const entities = [
  AccountSchema,
  ScopeSchema,
  DirectoryUserSchema,
  DirectoryGroupSchema,
  DirectoryApplicationSchema,
  AppAssignmentSchema,
  UsageRecordSchema,
  UsageCoverageSchema,
  SyncCursorSchema,
  SyncLeaseSchema,
  SyncRunSchema,
  StreamStatusSchema,
  AuditEntrySchema,
  ApiTokenSchema,
  DeviceSchema,
  DeviceBindingSchema,
  ManagedAppSchema,
  ManagedAppStatusSchema,
  ManagedAppLinkSchema,
  InstallationSchema,
  SoftwareEventsCoverageSchema,
  InventoryDeviceSchema,
  ActionSchema,
  ActionRequestSchema,
] as const;
