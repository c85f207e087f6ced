import { isJumpCloudApiError, type JumpCloudApiError, type JumpCloudClient, type SystemUser } from "@jumpcloud-sync/jumpcloud-client";
import type { ActionKind, Clock } from "@jumpcloud-sync/domain";
import { USER_FIELDS } from "../directory/snapshot-mapper.js";

export type Phase = "read" | "write";

export interface LoggedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number | null;
  readonly phase: Phase;
  readonly at: string;
}

/**
 * Every JumpCloud request an action makes, as method, path (with the lookup's filter) and status:
 * what the audit trail and the action record show. Bodies never enter it.
 */
export class UpstreamLog {
  readonly calls: LoggedCall[] = [];

  constructor(private readonly clock: Clock) {}

  async run<T>(phase: Phase, method: string, path: string, fn: () => Promise<T>): Promise<T> {
    const at = this.clock.now().toISOString();
    try {
      const value = await fn();
      this.calls.push({ method, path, status: 200, phase, at });
      return value;
    } catch (error) {
      this.calls.push({ method, path, status: isJumpCloudApiError(error) ? error.status : null, phase, at });
      throw error;
    }
  }

  /** A write a dry run would send (status null: not sent). */
  planned(method: string, path: string): void {
    this.calls.push({ method, path, status: null, phase: "write", at: this.clock.now().toISOString() });
  }
}

/** The write each state action sends (API-NOTES §3; unsuspend as JumpCloud's own module does it). */
export function writeOf(kind: ActionKind, userId: string | null): { method: string; path: string } {
  const user = `/api/systemusers/${userId ?? ""}`;
  switch (kind) {
    case "create":
      return { method: "POST", path: "/api/systemusers" };
    case "suspend":
      return { method: "POST", path: `${user}/state/suspend` };
    case "activate":
      return { method: "POST", path: `${user}/state/activate` };
    case "unsuspend":
      return { method: "PUT", path: user };
    case "delete":
      return { method: "DELETE", path: user };
  }
}

/** User lookups through the generated client, each logged. `null` when JumpCloud has no such user. */
export class UserLookups {
  constructor(
    private readonly client: JumpCloudClient,
    private readonly log: UpstreamLog,
  ) {}

  async byId(id: string): Promise<SystemUser | null> {
    try {
      return await this.log.run("read", "GET", `/api/systemusers/${id}`, () => this.client.getUser(id));
    } catch (error) {
      if (isJumpCloudApiError(error) && error.kind === "not-found") return null;
      // JumpCloud answers 400 for an id that is not an ObjectId: no such user either.
      if (isJumpCloudApiError(error) && error.kind === "bad-request" && error.status === 400) return null;
      throw error;
    }
  }

  async byUsername(username: string): Promise<SystemUser | null> {
    return this.#first(`username:$eq:${username}`);
  }

  /**
   * JumpCloud compares emails without case when it refuses a duplicate, but a v1 `$eq` filter is
   * case-sensitive: look for the address as given and in lower case.
   */
  async byEmail(email: string): Promise<SystemUser | null> {
    const found = await this.#first(`email:$eq:${email}`);
    if (found !== null || email.toLowerCase() === email) return found;
    return this.#first(`email:$eq:${email.toLowerCase()}`);
  }

  async #first(filter: string): Promise<SystemUser | null> {
    return this.log.run("read", "GET", `/api/systemusers?filter=${filter}`, async () => {
      for await (const user of this.client.listUsers({ filter: [filter], fields: USER_FIELDS })) return user;
      return null;
    });
  }
}

/** Worth trying again later: 429, 5xx, timeouts and network failures (nothing else changes by waiting). */
export function isTransient(error: unknown): error is JumpCloudApiError {
  return isJumpCloudApiError(error) && error.transient;
}

export interface Refusal {
  readonly status: number;
  readonly kind: string;
  readonly title: string;
  readonly detail: string;
}

/** How a JumpCloud failure reads to the caller; never the key (the client's errors hold none). */
export function refusalOf(error: unknown): Refusal {
  if (!isJumpCloudApiError(error)) return { status: 500, kind: "internal", title: "Internal error", detail: "The action failed unexpectedly; the error is in the service log." };
  const said = error.detail === undefined ? "" : ` JumpCloud said: ${error.detail}`;
  switch (error.kind) {
    case "forbidden":
      return { status: 403, kind: "jumpcloud-forbidden", title: "JumpCloud refused", detail: `JumpCloud answered 403: the administrator whose API key this account uses lacks the role for this (a Read Only admin cannot change users).${said}` };
    case "unauthorized":
      return { status: 502, kind: "jumpcloud-unauthorized", title: "JumpCloud rejected the key", detail: `JumpCloud answered 401: the account's API key is invalid, revoked or reset; update it with \`jumpcloud-sync accounts update\`.${said}` };
    case "not-found":
      return { status: 404, kind: "not-found", title: "Not found", detail: `JumpCloud has no such user.${said}` };
    case "bad-request":
      return { status: error.status === 409 ? 409 : 400, kind: error.status === 409 ? "conflict" : "jumpcloud-bad-request", title: error.status === 409 ? "Conflict" : "JumpCloud refused the request", detail: `JumpCloud answered ${error.status ?? 400}.${said}` };
    case "rate-limited":
    case "server":
    case "network":
    case "timeout":
      return { status: 502, kind: "jumpcloud-unavailable", title: "JumpCloud unavailable", detail: `JumpCloud did not answer usefully (${error.kind}${error.status === null ? "" : ` ${error.status}`}); nothing was changed by this request, try again.` };
    case "insights-not-enabled":
    case "invalid-response":
      return { status: 502, kind: "jumpcloud-invalid-response", title: "JumpCloud answered unexpectedly", detail: error.message };
  }
}
