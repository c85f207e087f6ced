// World state and every mutation, shared by the HTTP handlers and WorldControls so that both
// paths change state, and log DI lifecycle events, in exactly the same way.
import type { DiEvent, DiEventInput, NewUserInput, SimClock, SystemUserState } from "./api.types.js";
import { SimError, badField } from "./errors.js";
import { type App, type AppSnapshot, type EventRecord, type Group, type Org, type User, materialize, packVariant } from "./model.js";
import { SoftwareTable } from "./mdm-model.js";
import { type Rng, hash32, objectId } from "./rng.js";
import { EMAIL_RULE, PLACES, USERNAME_RULE, USER_AGENTS } from "./vocabulary.js";

export interface ApiKey {
  key: string;
  adminId: string;
  adminEmail: string;
  roleName: string;
  /** Orgs this key may act on. */
  orgIds: string[];
  multiTenant: boolean;
  providerId: string | null;
  revoked: boolean;
}

export interface WorldSettings {
  retentionDays: number;
  lateEventMaxMs: number;
}

/** An actor for lifecycle events: the admin behind the API key, or the org's first admin. */
export interface Actor {
  id: string;
  email: string;
}

/** A JSON value as text: strings as-is, numbers printed, anything else empty. */
function text(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

export class World {
  readonly orgs: Org[] = [];
  readonly orgById = new Map<string, Org>();
  readonly keys = new Map<string, ApiKey>();
  readonly userOrg = new Map<string, Org>();
  readonly groupOrg = new Map<string, Org>();
  readonly appOrg = new Map<string, Org>();
  readonly deviceOrg = new Map<string, Org>();
  readonly softwareAppOrg = new Map<string, Org>();
  /** Software variants of this world (catalog + custom apps from the controls). */
  readonly software = new SoftwareTable();
  readonly rng: Rng;
  readonly clock: SimClock;
  readonly settings: WorldSettings;
  providerId: string | null = null;
  /** Bumped on every mutation (caches of sorted views key on it). */
  version = 0;

  constructor(rng: Rng, clock: SimClock, settings: WorldSettings) {
    this.rng = rng;
    this.clock = clock;
    this.settings = settings;
  }

  now(): number {
    return this.clock.now().getTime();
  }

  addOrg(org: Org): void {
    this.orgs.push(org);
    this.orgById.set(org.id, org);
  }

  org(orgId?: string): Org {
    const org = orgId === undefined ? this.orgs[0] : this.orgById.get(orgId);
    if (org === undefined) throw new SimError(404, `organization ${orgId ?? "(default)"} not found`);
    return org;
  }

  newId(ms: number = this.now()): string {
    return objectId(ms, this.rng);
  }

  /** Deterministic lateness: most events show up within seconds, a few near the maximum. */
  visibleAt(ms: number, id: string): number {
    const u = hash32(id) / 4294967296;
    return ms + Math.floor(this.settings.lateEventMaxMs * u * u);
  }

  firstAdmin(org: Org): Actor {
    const a = org.admins[0];
    return a === undefined ? { id: "000000000000000000000000", email: `admin@${org.domain}` } : { id: a.id, email: a.email };
  }

  // ---- events ---------------------------------------------------------------------------------

  lifecycleEvent(org: Org, type: string, actor: Actor, body: Record<string, unknown>, ms: number = this.now()): EventRecord {
    const id = this.newId(ms);
    const place = PLACES[0];
    const agent = USER_AGENTS[0];
    return {
      ms,
      vis: this.visibleAt(ms, id),
      id,
      type,
      service: "directory",
      ok: true,
      actorId: actor.id,
      actorName: actor.email,
      app: null,
      v: 0,
      ts: null,
      body: {
        "@version": "1",
        provider: org.providerId,
        initiated_by: { id: actor.id, type: "admin", email: actor.email },
        ...body,
        success: true,
        client_ip: `${place?.ipPrefix}.10.20`,
        geoip: { country_code: place?.countryCode, timezone: place?.timezone, continent_code: place?.continentCode, region_name: place?.regionName, region_code: place?.regionCode },
        useragent: { ...agent, build: "" },
      },
      sw: null,
    };
  }

  loginEvent(type: "user_login_attempt" | "admin_login_attempt" | "sso_auth", ms: number, actorId: string, actorName: string, ok: boolean, app: AppSnapshot | null, rng: Rng, place: number): EventRecord {
    const id = objectId(ms, rng);
    const v = packVariant(place, rng.int(USER_AGENTS.length), rng.int(4), rng.u32() & 0xffff, rng.chance(0.7));
    // One SSO event in three carries a nanosecond timestamp, as real samples do.
    const ts = type === "sso_auth" && (v & 0x300) === 0x100 ? `${new Date(ms).toISOString().slice(0, -1)}${String(v % 1000000).padStart(6, "0")}Z` : null;
    return { ms, vis: this.visibleAt(ms, id), id, type, service: type === "sso_auth" ? "sso" : "directory", ok, actorId, actorName, app, v, ts, body: null, sw: null };
  }

  // ---- users ------------------------------------------------------------------------------------

  user(id: string, org?: Org): User {
    const owner = this.userOrg.get(id);
    const u = owner?.userById.get(id);
    if (u === undefined || (org !== undefined && owner !== org)) throw new SimError(404, `user ${id} not found`);
    return u;
  }

  private assertUnique(org: Org, username: string, email: string, except?: User): void {
    for (const other of org.users) {
      if (other === except) continue;
      if (other.username === username) throw new SimError(400, `User already exists: username ${username} is taken`, badField("username", "already exists"));
      if (other.email.toLowerCase() === email.toLowerCase()) throw new SimError(400, `User already exists: email ${email} is taken`, badField("email", "already exists"));
    }
  }

  private validateIdentity(username: string, email: string): void {
    if (!USERNAME_RULE.test(username))
      throw new SimError(400, `invalid username "${username}": start with a letter, use only letters, digits, "." or "_", at most 30 characters`, badField("username", "invalid"));
    if (!EMAIL_RULE.test(email)) throw new SimError(400, `invalid email "${email}"`, badField("email", "invalid"));
  }

  createUser(org: Org, input: NewUserInput, actor: Actor, creationSource = "api"): User {
    if (typeof input.username !== "string" || input.username === "") throw new SimError(400, "username is required", badField("username", "required"));
    if (typeof input.email !== "string" || input.email === "") throw new SimError(400, "email is required", badField("email", "required"));
    this.validateIdentity(input.username, input.email);
    for (const field of ["firstname", "lastname", "displayname", "employeeIdentifier", "employeeType", "department", "jobTitle", "company", "costCenter", "location"] as const) {
      const v = input[field];
      if (v !== undefined && typeof v !== "string") throw new SimError(400, `${field} must be a string`);
    }
    if (input.managerId !== undefined && input.managerId !== null && typeof input.managerId !== "string") throw new SimError(400, "manager must be a user id");
    this.assertUnique(org, input.username, input.email);
    if (input.managerId !== undefined && input.managerId !== null) this.user(input.managerId, org);
    const ms = this.now();
    const state: SystemUserState = input.state ?? org.newUserState;
    if (state !== "ACTIVATED" && state !== "STAGED" && state !== "SUSPENDED") throw new SimError(400, `invalid state ${JSON.stringify(state)}`);
    const firstname = input.firstname ?? "";
    const lastname = input.lastname ?? "";
    const u: User = {
      id: this.newId(ms),
      orgId: org.id,
      createdMs: ms,
      username: input.username,
      email: input.email,
      firstname,
      middlename: "",
      lastname,
      displayname: input.displayname ?? [firstname, lastname].filter((s) => s !== "").join(" "),
      state,
      employeeIdentifier: input.employeeIdentifier ?? "",
      employeeType: input.employeeType ?? "",
      department: input.department ?? "",
      jobTitle: input.jobTitle ?? "",
      company: input.company ?? "",
      costCenter: input.costCenter ?? "",
      location: input.location ?? "",
      description: "",
      managerId: input.managerId ?? null,
      admin: null,
      mfaConfigured: false,
      unixUid: 5000 + org.users.length + this.rng.int(50_000),
      passwordDateMs: null,
      creationSource,
      place: 0,
      activity: 1,
    };
    if (u.employeeIdentifier !== "" && org.users.some((o) => o.employeeIdentifier === u.employeeIdentifier))
      throw new SimError(400, `employeeIdentifier ${u.employeeIdentifier} must be unique per user`);
    org.users.push(u);
    org.userById.set(u.id, u);
    this.userOrg.set(u.id, org);
    this.version++;
    org.events.add([this.lifecycleEvent(org, "user_create", actor, { resource: { id: u.id, type: "user", username: u.username } }, ms)]);
    return u;
  }

  updateUser(u: User, patch: Record<string, unknown>, actor: Actor): User {
    const org = this.org(u.orgId);
    const next = { ...u };
    const str = (field: keyof User, value: unknown) => {
      if (value === undefined) return;
      if (typeof value !== "string") throw new SimError(400, `${field} must be a string`);
      (next as Record<string, unknown>)[field] = value;
    };
    for (const field of ["username", "email", "firstname", "middlename", "lastname", "displayname", "employeeIdentifier", "employeeType", "department", "jobTitle", "company", "costCenter", "location", "description"] as const)
      str(field, patch[field]);
    if ("managerId" in patch || "manager" in patch) {
      const m = "managerId" in patch ? patch.managerId : patch.manager;
      if (m === null || m === "") next.managerId = null;
      else if (typeof m === "string") {
        if (m === u.id) throw new SimError(400, "a user cannot manage themselves");
        this.user(m, org);
        next.managerId = m;
      } else if (m !== undefined) throw new SimError(400, "manager must be a user id");
    }
    let state: SystemUserState | undefined;
    const status = patch.status;
    if (status !== undefined) {
      if (status === "active") state = "ACTIVATED";
      else if (status === "suspended") state = "SUSPENDED";
      else if (status === "staged") state = "STAGED";
      else throw new SimError(400, `invalid status ${JSON.stringify(status)}`);
    }
    if (patch.state !== undefined) {
      if (patch.state !== "ACTIVATED" && patch.state !== "SUSPENDED" && patch.state !== "STAGED") throw new SimError(400, `invalid state ${JSON.stringify(patch.state)}`);
      state = patch.state;
    }
    if (patch.suspended !== undefined) {
      if (typeof patch.suspended !== "boolean") throw new SimError(400, "suspended must be a boolean");
      // JumpCloud's own module refuses a conflicting state/suspended pair; so do we.
      if (state !== undefined && (state === "SUSPENDED") !== patch.suspended) throw new SimError(400, "state and suspended conflict");
      state ??= patch.suspended ? "SUSPENDED" : u.state === "SUSPENDED" ? "ACTIVATED" : u.state;
    }
    if (state !== undefined) next.state = state;
    if (next.username !== u.username || next.email !== u.email) {
      this.validateIdentity(next.username, next.email);
      this.assertUnique(org, next.username, next.email, u);
    }
    if (next.employeeIdentifier !== u.employeeIdentifier && next.employeeIdentifier !== "" && org.users.some((o) => o !== u && o.employeeIdentifier === next.employeeIdentifier))
      throw new SimError(400, `employeeIdentifier ${next.employeeIdentifier} must be unique per user`);
    const changes: { field: string; from: unknown; to: unknown }[] = [];
    for (const key of Object.keys(next) as (keyof User)[]) {
      if (next[key] !== u[key]) changes.push({ field: key === "managerId" ? "manager" : key, from: u[key], to: next[key] });
    }
    if (changes.length === 0) return u;
    const ms = this.now();
    const resource = { id: u.id, type: "user", username: next.username };
    const events = [this.lifecycleEvent(org, "user_update", actor, { resource, changes }, ms)];
    if (next.state !== u.state) {
      if (next.state === "SUSPENDED") events.push(this.lifecycleEvent(org, "user_suspended", actor, { resource }, ms));
      else if (u.state === "SUSPENDED") events.push(this.lifecycleEvent(org, "user_unsuspended", actor, { resource }, ms));
      else if (u.state === "STAGED") events.push(this.lifecycleEvent(org, "user_activated", actor, { resource }, ms));
    }
    Object.assign(u, next);
    if (u.state === "ACTIVATED" && u.activity === 0) u.activity = 1;
    this.version++;
    org.events.add(events);
    return u;
  }

  deleteUser(u: User, actor: Actor, cascadeManager: boolean): void {
    const org = this.org(u.orgId);
    const reports = org.users.filter((o) => o.managerId === u.id);
    if (reports.length > 0 && !cascadeManager)
      throw new SimError(409, `user manages ${reports.length} other user(s); pass cascade_manager=null to clear their manager first`);
    for (const r of reports) r.managerId = null;
    for (const g of org.groups) g.members.delete(u.id);
    for (const a of org.apps) a.directUsers.delete(u.id);
    for (const d of org.mdm.devices) d.users.delete(u.id);
    org.users.splice(org.users.indexOf(u), 1);
    org.userById.delete(u.id);
    this.userOrg.delete(u.id);
    this.version++;
    org.events.add([this.lifecycleEvent(org, "user_delete", actor, { resource: { id: u.id, type: "user", username: u.username } })]);
  }

  // ---- groups -----------------------------------------------------------------------------------

  group(id: string, org?: Org): Group {
    const owner = this.groupOrg.get(id);
    const g = owner?.groupById.get(id);
    if (g === undefined || (org !== undefined && owner !== org)) throw new SimError(404, `user group ${id} not found`);
    return g;
  }

  addGroup(org: Org, name: string, description: string, actor: Actor | null, ms: number = this.now()): Group {
    if (name.trim() === "") throw new SimError(400, "name is required");
    if (org.groups.some((g) => g.name === name)) throw new SimError(409, `a user group named ${name} already exists`);
    const g: Group = { id: this.newId(ms), orgId: org.id, createdMs: ms, name, description, email: "", members: new Set() };
    org.groups.push(g);
    org.groupById.set(g.id, g);
    this.groupOrg.set(g.id, org);
    this.version++;
    if (actor !== null) org.events.add([this.lifecycleEvent(org, "group_create", actor, { resource: { id: g.id, type: "user_group", name } }, ms)]);
    return g;
  }

  setMember(g: Group, u: User, member: boolean, actor: Actor | null): void {
    if (g.orgId !== u.orgId) throw new SimError(404, `user ${u.id} not found`);
    if (member === g.members.has(u.id)) return;
    if (member) g.members.add(u.id);
    else g.members.delete(u.id);
    this.version++;
    const org = this.org(g.orgId);
    if (actor !== null)
      org.events.add([
        this.lifecycleEvent(org, "association_change", actor, {
          resource: { id: g.id, type: "user_group", name: g.name },
          association: { op: member ? "add" : "remove", connection: { from: { type: "user_group", object_id: g.id, name: g.name }, to: { type: "user", object_id: u.id, name: u.username } } },
        }),
      ]);
  }

  // ---- applications -----------------------------------------------------------------------------

  app(id: string, org?: Org): App {
    const owner = this.appOrg.get(id);
    const a = owner?.appById.get(id);
    if (a === undefined || (org !== undefined && owner !== org)) throw new SimError(404, `application ${id} not found`);
    return a;
  }

  addApp(org: Org, input: { name: string; displayName?: string; displayLabel: string; ssoUrl?: string; description?: string }, actor: Actor | null, ms: number = this.now()): App {
    if (input.name.trim() === "") throw new SimError(400, "name is required");
    if (input.displayLabel.trim() === "") throw new SimError(400, "displayLabel is required");
    const id = this.newId(ms);
    const slug = input.displayLabel.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    const ssoUrl = input.ssoUrl ?? `https://sso.jumpcloud.com/saml2/${slug || input.name}`;
    if (org.apps.some((a) => a.ssoUrl === ssoUrl)) throw new SimError(400, `ssoUrl ${ssoUrl} is already used by another application`);
    const a: App = {
      id,
      orgId: org.id,
      createdMs: ms,
      name: input.name,
      displayName: input.displayName ?? input.displayLabel,
      displayLabel: input.displayLabel,
      ssoUrl,
      description: input.description ?? "",
      color: "",
      directUsers: new Set(),
      groups: new Set(),
      snapshot: Object.freeze({ id, name: input.name, display_label: input.displayLabel, sso_url: ssoUrl, sso_type: "saml" as const }),
    };
    org.apps.push(a);
    org.appById.set(a.id, a);
    this.appOrg.set(a.id, org);
    this.version++;
    if (actor !== null) org.events.add([this.lifecycleEvent(org, "application_create", actor, { resource: { id, type: "application", name: input.name, display_label: input.displayLabel } }, ms)]);
    return a;
  }

  removeApp(a: App, actor: Actor): void {
    const org = this.org(a.orgId);
    org.apps.splice(org.apps.indexOf(a), 1);
    org.appById.delete(a.id);
    this.appOrg.delete(a.id);
    this.version++;
    org.events.add([this.lifecycleEvent(org, "application_delete", actor, { resource: { id: a.id, type: "application", name: a.name, display_label: a.displayLabel } })]);
  }

  associate(a: App, target: { userId?: string; groupId?: string }, op: "add" | "remove", actor: Actor | null): void {
    const org = this.org(a.orgId);
    let changed: boolean;
    let to: { type: string; object_id: string };
    if (target.userId !== undefined) {
      const u = this.user(target.userId, org);
      changed = op === "add" ? !a.directUsers.has(u.id) : a.directUsers.has(u.id);
      if (op === "add") a.directUsers.add(u.id);
      else a.directUsers.delete(u.id);
      to = { type: "user", object_id: u.id };
    } else if (target.groupId !== undefined) {
      const g = this.group(target.groupId, org);
      changed = op === "add" ? !a.groups.has(g.id) : a.groups.has(g.id);
      if (op === "add") a.groups.add(g.id);
      else a.groups.delete(g.id);
      to = { type: "user_group", object_id: g.id };
    } else throw new SimError(400, "a target needs userId or groupId");
    if (!changed) return;
    this.version++;
    if (actor !== null)
      org.events.add([
        this.lifecycleEvent(org, "association_change", actor, {
          resource: { id: a.id, type: "application", name: a.name },
          association: { op, connection: { from: { type: "application", object_id: a.id, name: a.name }, to } },
        }),
      ]);
  }

  // ---- events from outside ----------------------------------------------------------------------

  appendEvents(org: Org, inputs: DiEventInput[]): DiEvent[] {
    const records: EventRecord[] = [];
    for (const input of inputs) {
      if (typeof input.event_type !== "string" || input.event_type === "") throw new SimError(400, "event_type is required");
      const { event_type, timestamp, service, visibleAt, id: givenId, organization: _org, ...rest } = input as DiEventInput & { id?: unknown; organization?: unknown };
      const tsString = timestamp === undefined ? null : typeof timestamp === "string" ? timestamp : timestamp.toISOString();
      const ms = tsString === null ? this.now() : Date.parse(tsString);
      if (!Number.isFinite(ms)) throw new SimError(400, `invalid timestamp ${String(tsString)}`);
      const id = typeof givenId === "string" && givenId !== "" ? givenId : this.newId(ms);
      const vis = visibleAt === undefined ? this.visibleAt(ms, id) : new Date(visibleAt).getTime();
      const body = rest as Record<string, unknown>;
      const initiated = (body.initiated_by ?? {}) as Record<string, unknown>;
      const resource = (body.resource ?? {}) as Record<string, unknown>;
      let actorId = "";
      let actorName = "";
      let ok = false;
      let app: AppSnapshot | null = null;
      if (event_type === "admin_login_attempt") {
        const who = initiated.type === "admin" ? initiated : resource;
        actorId = text(who.id);
        actorName = text(who.email);
        ok = body.success === true;
      } else if (event_type === "user_login_attempt") {
        actorId = text(initiated.id ?? resource.id);
        actorName = text(initiated.username ?? resource.username);
        ok = body.success === true;
      } else if (event_type === "sso_auth") {
        actorId = text(initiated.id);
        actorName = text(initiated.username);
        ok = body.sso_token_success === true;
        const a = (body.application ?? {}) as Record<string, unknown>;
        app = { id: text(a.id), name: text(a.name), display_label: text(a.display_label), sso_url: text(a.sso_url), sso_type: "saml" };
      }
      records.push({
        ms,
        vis,
        id,
        type: event_type,
        service: service ?? (event_type === "sso_auth" ? "sso" : "directory"),
        ok,
        actorId,
        actorName,
        app,
        v: 0,
        ts: tsString !== null && /\.\d{4,}/.test(tsString) ? tsString : null,
        body,
        sw: null,
      });
    }
    org.events.add(records.filter((r) => r.service !== "software"));
    org.softwareEvents.add(records.filter((r) => r.service === "software"));
    this.version++;
    return records.map((r) => materialize(r, org.id, org.providerId));
  }

  /** Keys: the main key stays in `keys`; revocation only flags it so 401s can be told apart. */
  revoke(key: string): void {
    const k = this.keys.get(key);
    if (k !== undefined) k.revoked = true;
  }

  newKey(): string {
    return `jca_${this.rng.hex(36)}`;
  }
}
