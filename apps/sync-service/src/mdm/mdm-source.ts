import { JumpCloudApiError, type JumpCloudClient, type JumpCloudErrorKind } from "@jumpcloud-sync/jumpcloud-client";
import { SYSTEM_FIELDS, type ApiSoftwareApp, type ApiSoftwareAppStatus, type ApiSystem, type TraversalRow } from "./mdm-mapper.js";

/**
 * What the MDM streams read from JumpCloud, one method per route (API-NOTES §6–7). Jobs depend on
 * this narrow interface, so their tests can count and fault calls without a mock of the client.
 */
export interface MdmSource {
  /** `totalCount` of `GET /api/systemusers` (one request of one row): sizes the per-user traversal plan. */
  countUsers(): Promise<number>;
  /** `GET /api/systems`, v1 pages of 100 sorted by `_id`, only {@link SYSTEM_FIELDS}. */
  listSystems(): AsyncIterable<ApiSystem>;
  /** `GET /api/v2/systems/{id}/users`: users bound directly or through a bound user group. */
  listSystemUsers(systemId: string): AsyncIterable<TraversalRow>;
  /** `GET /api/v2/users/{id}/systems`: the reverse traversal. */
  listUserSystems(userId: string): AsyncIterable<TraversalRow>;
  /** `GET /api/v2/softwareapps`. */
  listSoftwareApps(): AsyncIterable<ApiSoftwareApp>;
  /** `GET /api/v2/softwareapps/{id}/statuses`: every state (INSTALLED, FAILED, PENDING, …). */
  listSoftwareAppStatuses(appId: string): AsyncIterable<ApiSoftwareAppStatus>;
  /** `GET /api/v2/softwareapps/{id}/systems`: devices targeted directly or through device groups. */
  listSoftwareAppSystems(appId: string): AsyncIterable<TraversalRow>;
}

function kindOf(status: number): JumpCloudErrorKind {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 429) return "rate-limited";
  if (status >= 500) return "server";
  return "bad-request";
}

/**
 * The client's MDM helpers, plus one raw call for the user count (the client has no count helper;
 * the raw console API goes through the same auth, org, retry, rate-limit and timeout layers).
 */
export function mdmSourceOf(client: JumpCloudClient): MdmSource {
  return {
    async countUsers() {
      const operation = "countUsers";
      const { data, response } = await client.console.GET("/api/systemusers", { params: { query: { limit: 1, skip: 0, fields: "_id" } } });
      if (!response.ok) {
        const attempts = Number(response.headers.get("x-jcs-attempts") ?? "1");
        throw new JumpCloudApiError({ kind: kindOf(response.status), operation, status: response.status, message: `JumpCloud answered ${response.status} on ${operation}`, attempts: Number.isInteger(attempts) ? attempts : 1 });
      }
      const total = (data as { totalCount?: unknown } | undefined)?.totalCount;
      if (typeof total !== "number" || !Number.isInteger(total) || total < 0) {
        throw new JumpCloudApiError({ kind: "invalid-response", operation, status: response.status, message: `${operation}: expected \`{ totalCount, results }\`` });
      }
      return total;
    },
    listSystems: () => client.listSystems({ fields: SYSTEM_FIELDS }),
    listSystemUsers: (systemId) => client.listSystemUsers(systemId),
    listUserSystems: (userId) => client.listUserSystems(userId),
    listSoftwareApps: () => client.listSoftwareApps(),
    listSoftwareAppStatuses: (appId) => client.listSoftwareAppStatuses(appId),
    listSoftwareAppSystems: (appId) => client.listSoftwareAppSystems(appId),
  };
}
