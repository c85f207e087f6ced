/** The audit target of a user action: the scope and the user (its id once known, else the username). */
export function auditTarget(scopeId: string, userId: string | null, username: string | null): string {
  return `scope:${scopeId}/user:${userId ?? username ?? "?"}`;
}
