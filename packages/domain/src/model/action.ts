import type { UserStatus } from "./directory.js";
import { normalizeUsername } from "../username.js";

/**
 * Acting on a JumpCloud directory: the five user actions, their queue states, and the pure rules
 * that decide what an action would change before anything is sent.
 */
export type ActionKind = "create" | "suspend" | "activate" | "unsuspend" | "delete";

export const ACTION_KINDS: readonly ActionKind[] = ["create", "suspend", "activate", "unsuspend", "delete"];

/** queued → running → succeeded | failed. A running action whose lease expired is claimed again. */
export type ActionState = "queued" | "running" | "succeeded" | "failed";

/**
 * After success, the next directory sync or the Directory Insights event JumpCloud logs for the
 * change confirms it (`confirmed`), or does not within the window (`not-confirmed`, with why).
 */
export type ConfirmationState = "pending" | "confirmed" | "not-confirmed";

/** The JumpCloud request an action made: method, path and status; never a body. */
export interface UpstreamCall {
  readonly method: string;
  readonly path: string;
  /** null: no answer (timeout, connection reset). */
  readonly status: number | null;
  readonly at: string;
}

/** What a create asks for (the password, if any, is never part of it). */
export interface CreateUserParams {
  readonly username: string;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** `staged` (the user activates later) or `activated`. */
  readonly initialState: "staged" | "activated";
}

export interface ActionTarget {
  /** The JumpCloud user id; for a create, known once it succeeded. */
  readonly userId: string | null;
  readonly username: string | null;
}

export interface ActionFailure {
  /** e.g. `jumpcloud-forbidden`, `conflict`, `not-found`, `invalid-transition`, `bad-request`, `transient`. */
  readonly code: string;
  readonly message: string;
}

export interface Action {
  readonly id: string;
  /** Set when the action came from one request with several items. */
  readonly batchId: string | null;
  readonly scopeId: string;
  readonly accountId: string;
  readonly kind: ActionKind;
  readonly target: ActionTarget;
  readonly params: CreateUserParams | null;
  readonly state: ActionState;
  readonly actor: string;
  readonly attempts: number;
  /**
   * When a write was last sent. Set before the request leaves, so a process that died mid-write
   * leaves the mark: whoever claims the action next reads JumpCloud before writing again.
   */
  readonly writeStartedAt: Date | null;
  readonly createdAt: Date;
  readonly nextAttemptAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  /** Status before and after, as observed (`deleted` after a delete). */
  readonly fromStatus: UserStatus | null;
  readonly toStatus: UserStatus | "deleted" | null;
  readonly failure: ActionFailure | null;
  readonly upstream: readonly UpstreamCall[];
  readonly confirmation: ConfirmationState | null;
  readonly confirmationDetail: string | null;
  readonly confirmedAt: Date | null;
}

export interface NewAction {
  readonly id: string;
  readonly batchId: string | null;
  readonly scopeId: string;
  readonly accountId: string;
  readonly kind: ActionKind;
  readonly target: ActionTarget;
  readonly params: CreateUserParams | null;
  readonly actor: string;
  readonly fromStatus: UserStatus | null;
  readonly toStatus: UserStatus | "deleted" | null;
}

/** The status an action leads to. */
export function targetStatusOf(kind: ActionKind, initialState: "staged" | "activated" = "staged"): UserStatus | "deleted" {
  switch (kind) {
    case "create":
      return initialState === "activated" ? "active" : "staged";
    case "suspend":
      return "suspended";
    case "activate":
    case "unsuspend":
      return "active";
    case "delete":
      return "deleted";
  }
}

export type TransitionVerdict =
  | { readonly kind: "change"; readonly from: UserStatus; readonly to: UserStatus | "deleted" }
  /** Already in the target state: nothing to send, nothing to change. */
  | { readonly kind: "no-op"; readonly status: UserStatus; readonly reason: string }
  | { readonly kind: "invalid"; readonly status: UserStatus; readonly reason: string };

/**
 * Whether a state action applies to a user in `status` (JumpCloud's own rules: activate is for a
 * STAGED user, unsuspend for a SUSPENDED one, API-NOTES §3).
 */
export function transitionFor(kind: Exclude<ActionKind, "create">, status: UserStatus): TransitionVerdict {
  switch (kind) {
    case "suspend":
      return status === "suspended" ? { kind: "no-op", status, reason: "the user is already suspended" } : { kind: "change", from: status, to: "suspended" };
    case "activate":
      if (status === "staged") return { kind: "change", from: status, to: "active" };
      if (status === "active") return { kind: "no-op", status, reason: "the user is already active" };
      return { kind: "invalid", status, reason: "activate applies to a staged user; this user is suspended (use unsuspend)" };
    case "unsuspend":
      if (status === "suspended") return { kind: "change", from: status, to: "active" };
      if (status === "active") return { kind: "no-op", status, reason: "the user is already active" };
      return { kind: "invalid", status, reason: "unsuspend applies to a suspended user; this user is staged (use activate)" };
    case "delete":
      return { kind: "change", from: status, to: "deleted" };
  }
}

/** JumpCloud's Windows limit (API-NOTES §3): longer usernames work, but not on Windows devices. */
export const WINDOWS_USERNAME_LIMIT = 20;

export interface UsernameChoice {
  readonly username: string;
  /** Where it came from: as requested, or built from first and last name. */
  readonly source: "requested" | "derived";
  readonly warnings: readonly string[];
}

/**
 * The username of a new user: the requested one, or "first last" — each run of spaces becomes one
 * dot, then JumpCloud's rules apply (`normalizeUsername` throws `InvalidUsernameError` naming the
 * rule and the characters).
 */
export function chooseUsername(input: { readonly username?: string | null; readonly firstName?: string | null; readonly lastName?: string | null }): UsernameChoice {
  const requested = input.username?.trim() ?? "";
  const source = requested === "" ? "derived" : "requested";
  const raw = source === "requested" ? requested : [input.firstName ?? "", input.lastName ?? ""].join(" ");
  const username = normalizeUsername(raw);
  const warnings =
    username.length > WINDOWS_USERNAME_LIMIT
      ? [`the username has ${username.length} characters: fine on Mac and Linux, but Windows devices accept at most ${WINDOWS_USERNAME_LIMIT}`]
      : [];
  return { username, source, warnings };
}
