/** Where a last-use date comes from. */
export type UsageSource = "user_portal" | "admin_portal" | "sso";

/**
 * The last successful use, per user overall (`applicationId: null`: portal logins) and per user per
 * SSO application (SAML/OIDC SSO logins). Kept after the user or app is removed upstream and after
 * Directory Insights forgets the event (90-day retention).
 */
export interface UsageRecord {
  readonly userId: string;
  readonly applicationId: string | null;
  /** ISO 8601 timestamp of the event. */
  readonly lastUsedAt: string;
  readonly source: UsageSource;
  /** The Directory Insights event that set it (ties on the timestamp go to the greater id). */
  readonly eventId: string;
}

export type UsageKey = string;
export function usageKey(r: Pick<UsageRecord, "userId" | "applicationId">): UsageKey {
  return `${r.userId}/${r.applicationId ?? ""}`;
}

/** What the usage of a scope is known from. */
export type UsageCoverage =
  /** Directory Insights answered; `since` is the earliest event its retention actually returned. */
  | { readonly kind: "available"; readonly since: string }
  /** Directory Insights is not enabled (402) or not permitted (403): usage is unknown. */
  | { readonly kind: "unavailable"; readonly reason: "insights-not-enabled" | "insights-forbidden"; readonly detail: string }
  /** No usage sync has completed yet. */
  | { readonly kind: "not-synced" };

/** Tri-state last use with provenance. */
export type LastUsed =
  | { readonly kind: "date"; readonly at: string; readonly source: UsageSource }
  /** We looked from `since` and found nothing. */
  | { readonly kind: "not-seen-since"; readonly since: string }
  | { readonly kind: "unknown"; readonly reason: string };

/**
 * The subset of a Directory Insights event that usage folding reads. Structural, so that the
 * domain does not depend on the generated client types.
 */
export interface InsightsEvent {
  readonly id: string;
  readonly event_type: string;
  readonly service?: string;
  readonly timestamp: string;
  readonly success?: boolean;
  readonly sso_token_success?: boolean;
  readonly initiated_by?: { readonly id?: string; readonly type?: string; readonly email?: string; readonly username?: string } | null;
  readonly resource?: { readonly id?: string; readonly type?: string; readonly email?: string; readonly username?: string } | null;
  readonly application?: { readonly id?: string; readonly name?: string; readonly display_label?: string; readonly sso_url?: string } | null;
}

/** Directory Insights position of a scope's usage stream (stored through the CursorPort). */
export interface InsightsCursor {
  /** Every event with a timestamp up to this instant has been read and folded. */
  readonly readThrough: string;
  /**
   * The earliest event timestamp Directory Insights ever returned for the scope (measured
   * retention); null until a first window has completed.
   */
  readonly coverageSince: string | null;
  /** The window in progress, to resume mid-window after a crash. */
  readonly pending?:
    | {
        readonly start: string;
        readonly end: string;
        readonly searchAfter: readonly [number, string] | null;
        /** Earliest event seen so far in this window. */
        readonly earliestEventAt: string | null;
      }
    | undefined;
}
