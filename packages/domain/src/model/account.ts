/** A JumpCloud region; each has its own console and Directory Insights hosts (API-NOTES §1). */
export type Region = "us" | "eu" | "in";

/** What the service may do with an account: only `read-and-act` accounts can run actions. */
export type Permission = "read" | "read-and-act";

export interface Endpoints {
  /** Console API origin; paths start with `/api` and `/api/v2`. */
  readonly consoleBaseUrl: string;
  /** Directory Insights base, ending in `/insights/directory/v1`. */
  readonly insightsBaseUrl: string;
}

export const REGION_ENDPOINTS: Readonly<Record<Region, Endpoints>> = {
  us: { consoleBaseUrl: "https://console.jumpcloud.com", insightsBaseUrl: "https://api.jumpcloud.com/insights/directory/v1" },
  eu: { consoleBaseUrl: "https://console.eu.jumpcloud.com", insightsBaseUrl: "https://api.eu.jumpcloud.com/insights/directory/v1" },
  in: { consoleBaseUrl: "https://console.in.jumpcloud.com", insightsBaseUrl: "https://api.in.jumpcloud.com/insights/directory/v1" },
};

/** Custom endpoints win over the region; a region alone gives JumpCloud's hosts. */
export function resolveEndpoints(region: Region | null, custom?: Partial<Endpoints>): Endpoints {
  const base = REGION_ENDPOINTS[region ?? "us"];
  return {
    consoleBaseUrl: stripSlash(custom?.consoleBaseUrl ?? base.consoleBaseUrl),
    insightsBaseUrl: stripSlash(custom?.insightsBaseUrl ?? base.insightsBaseUrl),
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/u, "");
}

/**
 * One JumpCloud connection. The API key is not part of it: it is a secret held by the
 * {@link AccountPort} implementation (encrypted at rest) and never part of any read model.
 */
export interface Account {
  readonly id: string;
  readonly name: string;
  /** `null` when the endpoints are custom. */
  readonly region: Region | null;
  readonly endpoints: Endpoints;
  readonly permission: Permission;
  /** Sent as `x-org-id`; `null` for a single-tenant key (or an MSP key that lists its orgs). */
  readonly orgId: string | null;
  /** An MSP / multi-tenant key that lists its managed organizations and gets one scope per org. */
  readonly multiTenant: boolean;
  readonly paused: boolean;
  /** Minutes between scheduled directory syncs of each scope. */
  readonly scheduleMinutes: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewAccount {
  readonly name: string;
  readonly region: Region | null;
  readonly endpoints: Endpoints;
  readonly permission: Permission;
  readonly orgId: string | null;
  readonly multiTenant: boolean;
  readonly scheduleMinutes: number;
}

export type AccountPatch = Partial<Pick<Account, "name" | "region" | "endpoints" | "permission" | "orgId" | "paused" | "scheduleMinutes">>;

/**
 * Account × organization: the unit of every sync run, cursor, lease and metric. A single-org
 * account has one scope; an MSP key has one per managed org.
 */
export interface Scope {
  readonly id: string;
  readonly accountId: string;
  /** The org the scope's requests carry in `x-org-id`; `null` for a single-tenant key. */
  readonly orgId: string | null;
  readonly orgName: string | null;
  readonly enabled: boolean;
}

/** Scope ids are derived, so re-listing an MSP's orgs finds the same scopes again. */
export function scopeIdOf(accountId: string, orgId: string | null): string {
  return `${accountId}:${orgId ?? "-"}`;
}
