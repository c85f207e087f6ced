import type { StreamStatus } from "@jumpcloud-sync/domain";
import type { AccountView } from "../accounts/accounts.service.js";

export function table(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd()).join("\n");
}

export function streamSummary(s: StreamStatus): string {
  const when = (d: Date | null): string => (d === null ? "never" : d.toISOString().replace(/\.\d{3}Z$/u, "Z"));
  const attention = s.attention.length === 0 ? "" : ` · NEEDS ATTENTION: ${s.attention.map((a) => `${a.code} (${a.message})`).join("; ")}`;
  if (s.unavailable !== null) return `${s.stream}: unavailable: ${s.unavailable.message} (since ${s.unavailable.since.replace(/\.\d{3}Z$/u, "Z")}), next check ${when(s.nextAttemptAt)}${attention}`;
  return `${s.stream}: last success ${when(s.lastSuccessAt)}, next ${when(s.nextAttemptAt)}${s.consecutiveFailures > 0 ? `, ${s.consecutiveFailures} failure(s): ${s.lastError ?? ""}` : ""}${attention}`;
}

/** Accounts as a human reads them; never the key. */
export function describeAccounts(views: readonly AccountView[]): string {
  if (views.length === 0) return "No accounts. Add one with `jumpcloud-sync accounts add --name <name> --api-key-env <VAR>`.";
  const lines: string[] = [];
  for (const { account: a, scopes } of views) {
    const where = a.region ?? a.endpoints.consoleBaseUrl;
    lines.push(`${a.id}  ${a.name}  [${where}${a.multiTenant ? ", multi-tenant" : ""}${a.orgId === null ? "" : `, org ${a.orgId}`}, ${a.permission}, every ${a.scheduleMinutes} min${a.paused ? ", PAUSED" : ""}]`);
    for (const s of scopes) {
      lines.push(`  scope ${s.id}${s.orgName === null ? "" : ` (${s.orgName})`}${s.enabled ? "" : " [disabled]"}`);
      for (const st of s.streams) lines.push(`    ${streamSummary(st)}`);
    }
  }
  return lines.join("\n");
}

/** JSON for scripts: dates as ISO strings, never the key (the views hold none). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Short progress labels: "account name / org name" instead of scope ids. */
export function scopeLabels(views: readonly AccountView[]): (scopeId: string) => string {
  const labels = new Map<string, string>();
  for (const { account, scopes } of views) {
    for (const s of scopes) labels.set(s.id, s.orgName === null || scopes.length === 1 ? account.name : `${account.name} / ${s.orgName}`);
  }
  return (scopeId) => labels.get(scopeId) ?? scopeId;
}
