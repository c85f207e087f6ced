import type { Account, Scope, StreamName, StreamStatus } from "@jumpcloud-sync/domain";

export interface PastTarget {
  readonly scopeId: string;
  readonly stream: StreamName;
  readonly ageSeconds: number;
  readonly targetSeconds: number;
}

/**
 * How old a scope's stream is against its freshness target. `pastTarget` only for a stream that
 * succeeded once and is older than its target now: a scope never synced is `never` in the status,
 * one whose source is unavailable is not late.
 */
export function streamAge(status: StreamStatus | undefined, targetMs: number, now: number): { ageMs: number | null; pastTarget: boolean } {
  const lastSuccess = status?.lastSuccessAt ?? null;
  const ageMs = lastSuccess === null ? null : Math.max(0, now - lastSuccess.getTime());
  return { ageMs, pastTarget: ageMs !== null && (status?.unavailable ?? null) === null && ageMs > targetMs };
}

/** Every enabled scope × stream of an active account that is past its freshness target, oldest (relative to its target) first. */
export function pastFreshnessTargets(
  accounts: readonly Account[],
  scopes: readonly Scope[],
  statuses: readonly StreamStatus[],
  streams: readonly StreamName[],
  freshnessMs: (stream: StreamName, account: Account) => number,
  now: number,
): PastTarget[] {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const byKey = new Map(statuses.map((s) => [`${s.scopeId}|${s.stream}`, s]));
  const out: (PastTarget & { ratio: number })[] = [];
  for (const scope of scopes) {
    const account = byId.get(scope.accountId);
    if (account === undefined || account.paused || !scope.enabled) continue;
    for (const stream of streams) {
      const targetMs = freshnessMs(stream, account);
      const { ageMs, pastTarget } = streamAge(byKey.get(`${scope.id}|${stream}`), targetMs, now);
      if (!pastTarget || ageMs === null) continue;
      out.push({ scopeId: scope.id, stream, ageSeconds: Math.floor(ageMs / 1000), targetSeconds: Math.floor(targetMs / 1000), ratio: ageMs / targetMs });
    }
  }
  return out.sort((a, b) => b.ratio - a.ratio).map(({ ratio: _ratio, ...rest }) => rest);
}
