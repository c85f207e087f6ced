import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import { isJumpCloudApiError, type DirectoryInsightsEvent, type EventQuery } from "@jumpcloud-sync/jumpcloud-client";
import type { Action, ActionKind, Clock } from "@jumpcloud-sync/domain";
import { JumpCloudClients } from "../jumpcloud/jumpcloud-clients.service.js";
import { LOGGER } from "../logging/index.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { auditTarget } from "./audit-target.js";

/** The Directory Insights events JumpCloud logs for each action (API-NOTES §9 "User lifecycle"). */
export const CONFIRMING_EVENTS: Readonly<Record<ActionKind, readonly string[]>> = {
  create: ["user_create"],
  suspend: ["user_suspended"],
  activate: ["user_activated"],
  // The DI table lists user_unsuspended; a PUT of the state also logs a user_update with the change.
  unsuspend: ["user_unsuspended", "user_update"],
  delete: ["user_delete"],
};

/** Events may land a little before our clock says the write finished (clock skew, JumpCloud's own stamps). */
const LOOK_BACK_MS = 5 * 60_000;
/**
 * After this (or two of the account's sync intervals, if longer: a sync must have had its chance),
 * an action neither Directory Insights nor a directory sync confirmed is `not-confirmed`.
 */
export const CONFIRMATION_WINDOW_MS = 60 * 60_000;

export interface ConfirmationPass {
  readonly confirmed: number;
  readonly notConfirmed: number;
  readonly pending: number;
}

/**
 * Confirms succeeded actions from outside the write's own answer: the Directory Insights event
 * JumpCloud logged for the user (`user_suspended`, …), or else the next directory sync — a snapshot
 * taken after the action that still shows the expected state (the sync overwrites what the action
 * reflected in the store with what JumpCloud lists). Neither within the window: `not-confirmed`, with why.
 */
@Injectable()
export class ActionConfirmer {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly clients: JumpCloudClients,
  ) {}

  /** `windowMs` overrides the window (tests, an operator's one-off pass). */
  async confirmPending(options: { windowMs?: number } = {}): Promise<ConfirmationPass> {
    let confirmed = 0;
    let notConfirmed = 0;
    let pending = 0;
    for (const action of await this.store.actions.listUnconfirmed(200)) {
      const verdict = await this.check(action, options.windowMs ?? (await this.windowOf(action)));
      if (verdict === null) {
        pending += 1;
        continue;
      }
      const now = this.clock.now();
      await this.store.actions.setConfirmation(action.id, verdict.state, verdict.detail, now);
      await this.store.audit.record({
        at: now,
        actor: "system",
        action: `user.${action.kind}.confirmation`,
        target: auditTarget(action.scopeId, action.target.userId, action.target.username),
        outcome: verdict.state === "confirmed" ? "succeeded" : "failed",
        details: { actionId: action.id, confirmation: verdict.state, detail: verdict.detail },
      });
      if (verdict.state === "confirmed") confirmed += 1;
      else notConfirmed += 1;
    }
    return { confirmed, notConfirmed, pending };
  }

  private async windowOf(action: Action): Promise<number> {
    const account = await this.store.accounts.getAccount(action.accountId);
    return Math.max(CONFIRMATION_WINDOW_MS, 2 * (account?.scheduleMinutes ?? 0) * 60_000);
  }

  private async check(action: Action, windowMs: number): Promise<{ state: "confirmed" | "not-confirmed"; detail: string } | null> {
    const finishedAt = action.finishedAt ?? action.createdAt;
    const userId = action.target.userId;
    let insightsNote: string;
    const event: DirectoryInsightsEvent | Error | null = userId === null ? null : await this.findEvent(action, userId, finishedAt).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
    if (event !== null && !(event instanceof Error)) {
      return { state: "confirmed", detail: `Directory Insights logged ${event.event_type ?? "an event"} for the user at ${event.timestamp ?? "?"} (event ${event.id ?? "?"})` };
    }
    if (event instanceof Error) {
      insightsNote = isJumpCloudApiError(event) && event.kind === "insights-not-enabled" ? "Directory Insights is not enabled for this organization" : `reading Directory Insights failed (${isJumpCloudApiError(event) ? event.kind : "error"})`;
      if (!isJumpCloudApiError(event)) this.logger.warn({ err: event, actionId: action.id }, "confirmation: Directory Insights read failed");
    } else {
      insightsNote = `no ${CONFIRMING_EVENTS[action.kind].join(" or ")} event for the user yet`;
    }

    const bySync = await this.checkSync(action, finishedAt);
    if (bySync !== null) return bySync;
    if (this.clock.now().getTime() - finishedAt.getTime() < windowMs) return null;
    return { state: "not-confirmed", detail: `neither source confirmed it within ${Math.round(windowMs / 60_000)} min: ${insightsNote}, and no directory sync has run since` };
  }

  private async findEvent(action: Action, userId: string, finishedAt: Date): Promise<DirectoryInsightsEvent | null> {
    const account = await this.store.accounts.getAccount(action.accountId);
    const scope = await this.store.accounts.getScope(action.scopeId);
    if (account === null || scope === null) return null;
    const client = await this.clients.forScope(account, scope);
    const started = (action.startedAt ?? action.createdAt).getTime();
    const query: EventQuery = {
      service: ["directory"],
      start_time: new Date(Math.min(started, finishedAt.getTime()) - LOOK_BACK_MS).toISOString(),
      sort: "ASC",
      limit: 100,
      // Values are lower-cased on insert (JumpCloud ids are lower-case hex anyway).
      search_term: { and: [{ event_type: [...CONFIRMING_EVENTS[action.kind]] }, { "resource.id": userId.toLowerCase() }] } as unknown as NonNullable<EventQuery["search_term"]>,
    };
    for await (const page of client.events(query)) {
      for (const e of page.events) {
        if (action.kind === "unsuspend" && e.event_type === "user_update" && !changesToActive(e)) continue;
        return e;
      }
      break;
    }
    return null;
  }

  /** A directory sync started after the action finished shows what JumpCloud lists now. */
  private async checkSync(action: Action, finishedAt: Date): Promise<{ state: "confirmed" | "not-confirmed"; detail: string } | null> {
    const userId = action.target.userId;
    if (userId === null) return null;
    const runs = await this.store.runs.listRuns({ scopeId: action.scopeId, stream: "directory", limit: 20 });
    const after = runs.items.find((r) => r.state === "succeeded" && r.startedAt.getTime() >= finishedAt.getTime());
    if (after === undefined) return null;
    const row = await this.store.query.getUser(action.scopeId, userId);
    const seen = row === null ? "no such user" : row.status;
    const expected = action.toStatus;
    const when = (after.finishedAt ?? after.startedAt).toISOString();
    if (seen === expected) return { state: "confirmed", detail: `the directory sync at ${when} saw the user ${expected}` };
    return { state: "not-confirmed", detail: `the directory sync at ${when} saw the user ${seen}, expected ${expected ?? "?"}` };
  }
}

function changesToActive(e: DirectoryInsightsEvent): boolean {
  const changes = (e as { changes?: unknown }).changes;
  if (!Array.isArray(changes)) return false;
  return changes.some((c: unknown) => {
    const change = c as { field?: unknown; to?: unknown };
    // Directory Insights lower-cases values on insert: compare without case.
    return (change.field === "state" && String(change.to).toLowerCase() === "activated") || (change.field === "suspended" && String(change.to) === "false");
  });
}
