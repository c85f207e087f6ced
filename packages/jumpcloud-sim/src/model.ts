// The sim's state. Plain objects and sorted arrays: pages are served by slicing, and an event is
// turned into JSON only when a page that holds it is served.
import type { DiEvent, SystemUserState } from "./api.types.js";
import { type OrgMdm, type SoftwareTable, softwareEventBody } from "./mdm-model.js";
import { PLACES, USER_AGENTS } from "./vocabulary.js";

export interface AdminLink {
  id: string;
  roleName: string;
  roleNames: string[];
}

export interface User {
  id: string;
  orgId: string;
  createdMs: number;
  username: string;
  email: string;
  firstname: string;
  middlename: string;
  lastname: string;
  displayname: string;
  state: SystemUserState;
  employeeIdentifier: string;
  employeeType: string;
  department: string;
  jobTitle: string;
  company: string;
  costCenter: string;
  location: string;
  description: string;
  managerId: string | null;
  admin: AdminLink | null;
  mfaConfigured: boolean;
  unixUid: number;
  passwordDateMs: number | null;
  creationSource: string;
  /** Index into PLACES (geo of this user's logins). */
  place: number;
  /** Logins per day this user tends to make (0 = never logs in). */
  activity: number;
}

export interface Group {
  id: string;
  orgId: string;
  createdMs: number;
  name: string;
  description: string;
  email: string;
  /** Insertion order is the order the members route serves. */
  members: Set<string>;
}

export interface AppSnapshot {
  readonly id: string;
  readonly name: string;
  readonly display_label: string;
  readonly sso_url: string;
  readonly sso_type: "saml";
}

export interface App {
  id: string;
  orgId: string;
  createdMs: number;
  name: string;
  displayName: string;
  displayLabel: string;
  ssoUrl: string;
  description: string;
  color: string;
  directUsers: Set<string>;
  groups: Set<string>;
  snapshot: AppSnapshot;
}

export interface Admin {
  id: string;
  email: string;
  firstname: string;
  lastname: string;
  roleName: string;
}

export interface Org {
  id: string;
  name: string;
  createdMs: number;
  providerId: string | null;
  domain: string;
  diEnabled: boolean;
  newUserState: "ACTIVATED" | "STAGED";
  users: User[];
  userById: Map<string, User>;
  groups: Group[];
  groupById: Map<string, Group>;
  apps: App[];
  appById: Map<string, App>;
  admins: Admin[];
  /** Every DI event but the `software` service's. */
  events: EventLog;
  /** DI `software` events (kept apart: directory scans and pages never walk them). */
  softwareEvents: EventLog;
  /** Devices, device groups, managed software. */
  mdm: OrgMdm;
}

/**
 * One DI event, compact. Every place that builds one lists the fields in this order (one hidden
 * class keeps scans over a million records monomorphic).
 * Generated login events keep only what varies (`v` packs the geo, agent,
 * MFA and IP draws) and are materialized on demand; other events carry their JSON in `body`.
 */
export interface EventRecord {
  ms: number;
  /** Visible from this time on (late events). */
  vis: number;
  id: string;
  type: string;
  service: string;
  /** success (portal/admin logins) or sso_token_success (sso_auth). */
  ok: boolean;
  /** User id (user events) or admin id (admin events). */
  actorId: string;
  /** Username (user events) or admin email (admin events). */
  actorName: string;
  app: AppSnapshot | null;
  v: number;
  /** The served timestamp when it is finer than milliseconds. */
  ts: string | null;
  body: Record<string, unknown> | null;
  /** Compact software events: the world's software table (`v` packs variant and versions); null otherwise. */
  sw: SoftwareTable | null;
}

export function compareEvents(a: EventRecord, b: EventRecord): number {
  return a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Sorts by (ms, id). Large batches go through a Float64Array of (ms - min) * 2^20 + index keys
 * (exact below 2^53: spans up to ~97 days of ms for a million events), then equal-ms runs are
 * ordered by id; a comparator sort of half a million objects costs seconds.
 */
export function sortEvents(records: EventRecord[]): EventRecord[] {
  const n = records.length;
  let min = Infinity;
  let max = -Infinity;
  for (const r of records) {
    if (r.ms < min) min = r.ms;
    if (r.ms > max) max = r.ms;
  }
  const SLOTS = 1_048_576;
  if (n < 2048 || n >= SLOTS || (max - min + 1) * SLOTS > Number.MAX_SAFE_INTEGER) return records.slice().sort(compareEvents);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ((records[i] as EventRecord).ms - min) * SLOTS + i;
  keys.sort();
  const out: EventRecord[] = [];
  for (let i = 0; i < n; i++) out.push(records[(keys[i] as number) % SLOTS] as EventRecord);
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && (out[j] as EventRecord).ms === (out[i] as EventRecord).ms) j++;
    if (j - i > 1) {
      const run = out.slice(i, j).sort(compareEvents);
      for (let k = 0; k < run.length; k++) out[i + k] = run[k] as EventRecord;
    }
    i = j;
  }
  return out;
}

/** Events of one org in (timestamp, id) order, the order DI sorts and pages by. */
export class EventLog {
  records: EventRecord[] = [];

  add(records: EventRecord[]): void {
    if (records.length === 0) return;
    const sorted = sortEvents(records);
    const last = this.records[this.records.length - 1];
    const first = sorted[0] as EventRecord;
    if (last === undefined || compareEvents(last, first) < 0) {
      for (const r of sorted) this.records.push(r);
      return;
    }
    // A few records (a world control's event landing just before the last one, e.g. the same
    // millisecond with a smaller random id): insert each in place instead of rebuilding the log.
    if (sorted.length <= 16) {
      for (const r of sorted) {
        let lo = 0;
        let hi = this.records.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareEvents(this.records[mid] as EventRecord, r) <= 0) lo = mid + 1;
          else hi = mid;
        }
        this.records.splice(lo, 0, r);
      }
      return;
    }
    // Merge: appended events may land in the past (late events, appendEvents, the MDM world's
    // history). Built by push: V8 gives `new Array(n)` of 100,000+ slots dictionary elements, and
    // every later read of the log would be a hash lookup.
    const merged: EventRecord[] = [];
    let i = 0;
    let j = 0;
    while (i < this.records.length && j < sorted.length) {
      const a = this.records[i] as EventRecord;
      const b = sorted[j] as EventRecord;
      if (compareEvents(a, b) <= 0) {
        merged.push(a);
        i++;
      } else {
        merged.push(b);
        j++;
      }
    }
    while (i < this.records.length) merged.push(this.records[i++] as EventRecord);
    while (j < sorted.length) merged.push(sorted[j++] as EventRecord);
    this.records = merged;
  }

  /** Index of the first record with ms >= `ms`. */
  lowerBound(ms: number): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.records[mid] as EventRecord).ms < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first record strictly after the (ms, id) key. */
  afterKey(ms: number, id: string): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.records[mid] as EventRecord;
      if (r.ms < ms || (r.ms === ms && r.id <= id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// v packs: place (4 bits) | agent (4 bits) | mfa kind (2 bits) | ip host (16 bits) | idp (1 bit).
export function packVariant(place: number, agent: number, mfa: number, ipHost: number, idp: boolean): number {
  return (place & 15) | ((agent & 15) << 4) | ((mfa & 3) << 8) | ((ipHost & 0xffff) << 10) | (idp ? 1 << 26 : 0);
}

const MFA_KINDS = ["none", "totp", "push", "webauthn"] as const;

function context(v: number) {
  const place = PLACES[(v & 15) % PLACES.length] ?? PLACES[0];
  const agent = USER_AGENTS[((v >>> 4) & 15) % USER_AGENTS.length] ?? USER_AGENTS[0];
  const mfaKind = MFA_KINDS[(v >>> 8) & 3] ?? "none";
  const host = (v >>> 10) & 0xffff;
  return {
    client_ip: `${place?.ipPrefix}.${host >>> 8}.${(host & 255) || 1}`,
    geoip: {
      country_code: place?.countryCode,
      timezone: place?.timezone,
      continent_code: place?.continentCode,
      region_name: place?.regionName,
      region_code: place?.regionCode,
    },
    useragent: { ...agent, build: "" },
    mfa: mfaKind !== "none",
    mfa_meta: { type: mfaKind },
    idp: ((v >>> 26) & 1) === 1,
  };
}

const q = JSON.stringify;
const contextJson = new Map<number, { prefix: string; geo: string; ua: string; kind: string; mfa: boolean }>();

/** Serialized geo/agent/MFA fragments, cached per (place, agent, MFA) combination. */
function contextParts(v: number) {
  const key = v & 0x3ff;
  let hit = contextJson.get(key);
  if (hit === undefined) {
    const c = context(v);
    const place = PLACES[(v & 15) % PLACES.length] ?? PLACES[0];
    hit = { prefix: place?.ipPrefix ?? "", geo: q(c.geoip), ua: q(c.useragent), kind: c.mfa_meta.type, mfa: c.mfa };
    contextJson.set(key, hit);
  }
  const host = (v >>> 10) & 0xffff;
  return { ...hit, ip: `"${hit.prefix}.${host >>> 8}.${host & 255 || 1}"`, idp: ((v >>> 26) & 1) === 1 };
}

/**
 * The JSON text of an event, equal to JSON.stringify(materialize(r, …)) but built from cached
 * fragments for generated login events: a 10,000-event page then costs one string per event
 * instead of a tree of objects (checked byte for byte in the tests).
 */
export function serializeEvent(r: EventRecord, orgId: string, providerId: string | null): string {
  if (r.body !== null || (r.type !== "user_login_attempt" && r.type !== "admin_login_attempt" && r.type !== "sso_auth"))
    return q(materialize(r, orgId, providerId));
  const c = contextParts(r.v);
  const head = `{"id":${q(r.id)},"event_type":${q(r.type)},"service":${q(r.service)},"organization":${q(orgId)},"timestamp":${q(eventTimestamp(r))},"@version":"1","provider":${q(providerId)}`;
  if (r.type === "user_login_attempt") {
    const who = `{"id":${q(r.actorId)},"type":"user","username":${q(r.actorName)}}`;
    const mfa = r.ok && c.mfa;
    const methods = `{"password":{"success":${r.ok}}${mfa ? `,${q(c.kind)}:{"success":true}` : ""}}`;
    return `${head},"initiated_by":${who},"resource":${who},"success":${r.ok},"mfa":${mfa},"mfa_meta":{"type":${q(r.ok ? c.kind : "none")}},"auth_method":"password","auth_context":{"auth_methods":${methods},"policies_applied":[]},"client_ip":${c.ip},"geoip":${c.geo},"useragent":${c.ua},"error_message":${r.ok ? "null" : '"invalid credentials"'}}`;
  }
  if (r.type === "admin_login_attempt")
    return `${head},"initiated_by":{"id":${q(r.actorId)},"type":"admin","email":${q(r.actorName)}},"success":${r.ok},"mfa":${r.ok && c.mfa},"client_ip":${c.ip},"geoip":${c.geo},"useragent":${c.ua}}`;
  const app = r.app as AppSnapshot;
  const error = r.ok ? "null" : app.id === "" ? '"application not found"' : '"user is not authorized for this application"';
  return `${head},"initiated_by":{"type":"user","id":${q(r.actorId)},"username":${q(r.actorName)}},"application":${appJson(app)},"sso_token_success":${r.ok},"idp_initiated":${c.idp},"mfa":${c.mfa},"mfa_meta":{"type":${q(c.kind)}},"auth_context":{"auth_methods":{"password":{"success":true}},"policies_applied":[]},"target_resource":{"type":"APPLICATION","id":${q(app.id)}},"client_ip":${c.ip},"geoip":${c.geo},"useragent":${c.ua},"error_message":${error}}`;
}

const appJsonCache = new WeakMap<AppSnapshot, string>();
function appJson(app: AppSnapshot): string {
  let hit = appJsonCache.get(app);
  if (hit === undefined) appJsonCache.set(app, (hit = q({ ...app })));
  return hit;
}

export function eventTimestamp(r: EventRecord): string {
  return r.ts ?? new Date(r.ms).toISOString();
}

/** The event exactly as DI serves it. */
export function materialize(r: EventRecord, orgId: string, providerId: string | null): DiEvent {
  const head = {
    id: r.id,
    event_type: r.type,
    service: r.service,
    organization: orgId,
    timestamp: eventTimestamp(r),
  };
  if (r.body !== null) return { ...head, ...r.body };
  const c = context(r.v);
  switch (r.type) {
    case "user_login_attempt":
      return {
        ...head,
        "@version": "1",
        provider: providerId,
        initiated_by: { id: r.actorId, type: "user", username: r.actorName },
        resource: { id: r.actorId, type: "user", username: r.actorName },
        success: r.ok,
        mfa: r.ok ? c.mfa : false,
        mfa_meta: { type: r.ok ? c.mfa_meta.type : "none" },
        auth_method: "password",
        auth_context: {
          auth_methods: {
            password: { success: r.ok },
            ...(r.ok && c.mfa ? { [c.mfa_meta.type]: { success: true } } : {}),
          },
          policies_applied: [],
        },
        client_ip: c.client_ip,
        geoip: c.geoip,
        useragent: c.useragent,
        error_message: r.ok ? null : "invalid credentials",
      };
    case "admin_login_attempt":
      return {
        ...head,
        "@version": "1",
        provider: providerId,
        initiated_by: { id: r.actorId, type: "admin", email: r.actorName },
        success: r.ok,
        mfa: r.ok ? c.mfa : false,
        client_ip: c.client_ip,
        geoip: c.geoip,
        useragent: c.useragent,
      };
    case "sso_auth": {
      const app = r.app as AppSnapshot;
      return {
        ...head,
        "@version": "1",
        provider: providerId,
        initiated_by: { type: "user", id: r.actorId, username: r.actorName },
        application: { ...app },
        sso_token_success: r.ok,
        idp_initiated: c.idp,
        mfa: c.mfa,
        mfa_meta: c.mfa_meta,
        auth_context: { auth_methods: { password: { success: true } }, policies_applied: [] },
        target_resource: { type: "APPLICATION", id: app.id },
        client_ip: c.client_ip,
        geoip: c.geoip,
        useragent: c.useragent,
        error_message: r.ok ? null : app.id === "" ? "application not found" : "user is not authorized for this application",
      };
    }
    case "software_add":
    case "software_change":
    case "software_remove":
      return r.sw === null ? head : { ...head, ...softwareEventBody(r, providerId) };
    default:
      return head;
  }
}

export function stateToStatus(state: SystemUserState): "active" | "suspended" | "staged" {
  switch (state) {
    case "ACTIVATED":
      return "active";
    case "SUSPENDED":
      return "suspended";
    case "STAGED":
      return "staged";
  }
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A user as the v1 API serves it (systemuserreturn, plus `id` as real responses carry). */
export function userRecord(u: User): Record<string, unknown> & { _id: string; id: string; username: string; email: string } {
  const rec: Record<string, unknown> & { _id: string; id: string; username: string; email: string } = {
    _id: u.id,
    id: u.id,
    username: u.username,
    email: u.email,
    firstname: u.firstname,
    middlename: u.middlename,
    lastname: u.lastname,
    displayname: u.displayname,
    state: u.state,
    activated: u.state !== "STAGED",
    suspended: u.state === "SUSPENDED",
    account_locked: false,
    account_locked_date: null,
    created: iso(u.createdMs),
    creationSource: u.creationSource,
    organization: u.orgId,
    employeeIdentifier: u.employeeIdentifier,
    employeeType: u.employeeType,
    department: u.department,
    jobTitle: u.jobTitle,
    company: u.company,
    costCenter: u.costCenter,
    location: u.location,
    description: u.description,
    addresses: [],
    phoneNumbers: [],
    attributes: [],
    relationships: [],
    tags: [],
    mfa: { configured: u.mfaConfigured, exclusion: false },
    mfaEnrollment: {
      overallStatus: u.mfaConfigured ? "ENROLLED" : "NOT_ENROLLED",
      totpStatus: u.mfaConfigured ? "ENROLLED" : "NOT_ENROLLED",
      webAuthnStatus: "NOT_ENROLLED",
      pushStatus: "NOT_ENROLLED",
    },
    totp_enabled: u.mfaConfigured,
    enable_user_portal_multifactor: u.mfaConfigured,
    sudo: false,
    passwordless_sudo: false,
    unix_uid: u.unixUid,
    unix_guid: u.unixUid,
    ssh_keys: [],
    allow_public_key: true,
    samba_service_user: false,
    ldap_binding_user: false,
    enable_managed_uid: false,
    password_date: u.passwordDateMs === null ? null : iso(u.passwordDateMs),
    password_expiration_date: null,
    password_expired: false,
    password_never_expires: false,
    badLoginAttempts: 0,
    restrictedFields: [],
    delegatedAuthority: null,
    admin: u.admin === null ? null : { id: u.admin.id, roleName: u.admin.roleName, roleNames: [...u.admin.roleNames] },
  };
  if (u.managerId !== null) rec.manager = u.managerId;
  return rec;
}

export function appRecord(a: App): Record<string, unknown> & { _id: string; id: string } {
  return {
    _id: a.id,
    id: a.id,
    name: a.name,
    displayName: a.displayName,
    displayLabel: a.displayLabel,
    ssoUrl: a.ssoUrl,
    active: true,
    beta: false,
    organization: a.orgId,
    created: iso(a.createdMs),
    description: a.description,
    learnMore: `https://jumpcloud.com/support/integrate-with-${a.name}`,
    color: a.color,
    logo: { color: a.color, url: `https://cdn.jumpcloud.com/sso/${a.name}.png` },
    sso: { type: "saml", jit: false, beta: false, hidden: false },
    config: {
      acsUrl: { label: "ACS URL", type: "text", value: `https://${a.name}.example.com/saml/acs`, visible: true, readOnly: false, required: true, position: 1 },
    },
  };
}

export function groupRecord(g: Group): Record<string, unknown> & { id: string; name: string } {
  return {
    id: g.id,
    name: g.name,
    type: "user_group",
    description: g.description,
    email: g.email,
    membershipMethod: "STATIC",
    organizationObjectId: g.orgId,
    attributes: null,
  };
}

export function orgRecord(o: Org): Record<string, unknown> & { _id: string; id: string } {
  return {
    _id: o.id,
    id: o.id,
    displayName: o.name,
    logoUrl: null,
    created: iso(o.createdMs),
    provider: o.providerId,
    settings: {
      name: o.name,
      contactEmail: `it@${o.domain}`,
      newSystemUserStateDefaults: { manualEntry: o.newUserState, csvImport: o.newUserState, applicationImport: "STAGED" },
      features: { directoryInsights: { enabled: o.diEnabled } },
    },
  };
}
