// Shared by the integration tests against @jumpcloud-sync/jumpcloud-sim.
import type { startSim } from "@jumpcloud-sync/jumpcloud-sim";
import { expect } from "vitest";
import { createJumpCloudClient, type JumpCloudClient } from "../src/index.js";

export type Sim = Awaited<ReturnType<typeof startSim>>;

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
export const sorted = (xs: string[]) => [...xs].sort();

export function clientFor(sim: Sim, extra: Partial<Parameters<typeof createJumpCloudClient>[0]> = {}): JumpCloudClient {
  return createJumpCloudClient({
    apiKey: sim.credentials.apiKey,
    consoleBaseUrl: sim.consoleBaseUrl,
    insightsBaseUrl: sim.insightsBaseUrl,
    retry: { maxAttempts: 8, baseDelayMs: 2, maxDelayMs: 20 },
    timeoutMs: 10_000,
    rateLimit: { requestsPerMinute: 100_000, concurrency: 8 },
    ...extra,
  });
}

export async function assertMatchesTruth(jc: JumpCloudClient, sim: Sim, orgId?: string): Promise<void> {
  const truth = sim.truth(orgId);

  const users = await collect(jc.listUsers());
  expect(users.map((u) => u.id)).toEqual(truth.users.map((u) => u.id));
  expect(users.every((u) => u._id === u.id)).toBe(true);

  const groups = await collect(jc.listUserGroups());
  expect(sorted(groups.map((g) => g.id))).toEqual(truth.groups.map((g) => g.id));
  for (const g of truth.groups) {
    const members = await collect(jc.listUserGroupMembers(g.id));
    expect(sorted(members.map((m) => m.to.id)), `members of ${g.name}`).toEqual(g.memberUserIds);
  }
  for (const u of truth.users.slice(0, 5)) {
    const memberOf = await collect(jc.listUserMemberOf(u.id));
    expect(sorted(memberOf.filter((x) => x.type === "user_group").map((x) => x.id))).toEqual(u.groupIds);
  }

  const apps = await collect(jc.listApplications());
  expect(sorted(apps.map((a) => a.id))).toEqual(truth.applications.map((a) => a.id));
  for (const a of truth.applications) {
    const direct = await collect(jc.listApplicationAssociations(a.id, "user"));
    expect(sorted(direct.map((e) => e.to.id))).toEqual(a.directUserIds);
    const both = await collect(jc.listApplicationAssociations(a.id, ["user", "user_group"]));
    expect(sorted(both.filter((e) => e.to.type === "user_group").map((e) => e.to.id))).toEqual(a.groupIds);
    const viaTraversal = await collect(jc.listApplicationUsers(a.id));
    expect(sorted(viaTraversal.map((u) => u.id))).toEqual(a.assignedUserIds);
    expect(viaTraversal.every((u) => u.paths.length > 0)).toBe(true);
    const groupsOfApp = await collect(jc.listApplicationUserGroups(a.id));
    expect(sorted(groupsOfApp.map((g) => g.id))).toEqual(a.groupIds);
  }
}

