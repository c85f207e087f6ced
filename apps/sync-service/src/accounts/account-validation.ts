import { isJumpCloudApiError, type JumpCloudClient } from "@jumpcloud-sync/jumpcloud-client";

export type AccountProblem = "invalid-key" | "missing-org-id" | "wrong-org" | "org-not-found" | "forbidden" | "unreachable" | "no-organizations" | "invalid-input" | "not-found";

/** A refusal with a message meant for the operator (CLI line, HTTP problem detail); never holds the key. */
export class AccountError extends Error {
  override readonly name = "AccountError";
  constructor(
    readonly problem: AccountProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface DiscoveredOrg {
  readonly id: string;
  readonly name: string | null;
}

export interface ValidatedKey {
  readonly multiTenant: boolean;
  /** x-org-id of the single scope (null for a single-tenant key), or null for an MSP listing. */
  readonly orgId: string | null;
  readonly scopes: readonly { readonly orgId: string | null; readonly orgName: string | null }[];
}

export interface ValidationRequest {
  /** A client with no x-org-id. */
  readonly client: JumpCloudClient;
  readonly consoleBaseUrl: string;
  readonly orgId: string | null;
  /** An MSP key: one scope per managed organization. */
  readonly allOrgs: boolean;
}

const ORG_LIST_CAP = 10_000;

/**
 * Proves a key works by real, cheap calls — the organization list (no x-org-id needed) and the first
 * page of users — and tells the operator exactly what is wrong: a bad key, a multi-tenant key
 * without an org, an org the key cannot reach.
 */
export async function validateKey(req: ValidationRequest): Promise<ValidatedKey> {
  const orgs = await listOrganizations(req);

  if (req.allOrgs) {
    if (orgs === null || orgs.length === 0) {
      throw new AccountError("no-organizations", "This key lists no managed organizations, so --all-orgs has nothing to sync. Use it without --all-orgs (single organization) or with --org-id.");
    }
    const first = orgs[0] as DiscoveredOrg;
    await probeUsers(req.client.withOrg(first.id), req, first.id, orgs);
    return { multiTenant: true, orgId: null, scopes: orgs.map((o) => ({ orgId: o.id, orgName: o.name })) };
  }

  if (req.orgId !== null) {
    if (orgs !== null && orgs.length > 0 && !orgs.some((o) => o.id === req.orgId)) {
      throw new AccountError("wrong-org", `Organization ${req.orgId} is not one this key can access. It reaches: ${describeOrgs(orgs)}.`);
    }
    await probeUsers(req.client.withOrg(req.orgId), req, req.orgId, orgs);
    const name = orgs?.find((o) => o.id === req.orgId)?.name ?? null;
    return { multiTenant: false, orgId: req.orgId, scopes: [{ orgId: req.orgId, orgName: name }] };
  }

  await probeUsers(req.client, req, null, orgs);
  return { multiTenant: false, orgId: null, scopes: [{ orgId: null, orgName: orgs?.[0]?.name ?? null }] };
}

async function listOrganizations(req: ValidationRequest): Promise<DiscoveredOrg[] | null> {
  const orgs: DiscoveredOrg[] = [];
  try {
    for await (const org of req.client.listOrganizations()) {
      orgs.push({ id: org.id, name: typeof org.displayName === "string" && org.displayName !== "" ? org.displayName : null });
      if (orgs.length >= ORG_LIST_CAP) break;
    }
    return orgs;
  } catch (error) {
    if (isJumpCloudApiError(error)) {
      if (error.kind === "unauthorized") throw invalidKey();
      if (error.kind === "network" || error.kind === "timeout") throw unreachable(req, error.message);
      // Some admin roles may not list organizations: the users probe still decides.
      if (error.kind === "forbidden" || error.kind === "not-found") return null;
    }
    throw error;
  }
}

async function probeUsers(client: JumpCloudClient, req: ValidationRequest, orgId: string | null, orgs: DiscoveredOrg[] | null): Promise<void> {
  try {
    // One page is enough to prove the key reads the directory; stop right after it.
    for await (const _user of client.listUsers({ fields: ["username"] })) break;
  } catch (error) {
    if (!isJumpCloudApiError(error)) throw error;
    switch (error.kind) {
      case "unauthorized":
        if (orgId === null && orgs !== null && orgs.length > 0) {
          // The organization list worked without x-org-id but the directory did not: a multi-tenant key.
          throw new AccountError(
            "missing-org-id",
            `This is a multi-tenant (MSP) key: JumpCloud requires an organization ID with it. Pass --org-id <id> for one organization, or --all-orgs for one scope per managed organization. It manages: ${describeOrgs(orgs)}.`,
          );
        }
        throw invalidKey();
      case "not-found":
        throw new AccountError("org-not-found", `JumpCloud does not know organization ${orgId ?? "(none)"} (404). Check the organization ID.`);
      case "bad-request":
        throw new AccountError(orgId === null ? "invalid-input" : "wrong-org", `JumpCloud refused the request (400)${orgId === null ? "" : `: is ${orgId} a valid organization ID for this key?`} ${error.detail ?? ""}`.trim());
      case "forbidden":
        throw new AccountError(
          "forbidden",
          orgId === null
            ? "The key's administrator may not read users (403). Use a key of an administrator with read access to the directory."
            : `The key may not access organization ${orgId} (403): it is not a multi-tenant key, or the organization is not one it manages.`,
        );
      case "network":
      case "timeout":
        throw unreachable(req, error.message);
      case "insights-not-enabled":
      case "rate-limited":
      case "server":
      case "invalid-response":
        throw new AccountError("unreachable", `JumpCloud could not validate the key right now (${error.kind}: ${error.message}). Try again later.`);
    }
  }
}

function invalidKey(): AccountError {
  return new AccountError("invalid-key", "JumpCloud rejected the API key (401). Check that it is an administrator's complete API key and that it was not reset or revoked.");
}

function unreachable(req: ValidationRequest, message: string): AccountError {
  return new AccountError("unreachable", `Could not reach JumpCloud at ${req.consoleBaseUrl}: ${message}. Check the region or the custom endpoints.`);
}

function describeOrgs(orgs: readonly DiscoveredOrg[]): string {
  const shown = orgs.slice(0, 10).map((o) => (o.name === null ? o.id : `${o.name} (${o.id})`));
  return orgs.length > 10 ? `${shown.join(", ")} and ${orgs.length - 10} more` : shown.join(", ");
}
