import { Inject, Injectable } from "@nestjs/common";
import type { JumpCloudClient, SystemUser } from "@jumpcloud-sync/jumpcloud-client";
import { isJumpCloudApiError } from "@jumpcloud-sync/jumpcloud-client";
import { transitionFor, type Action, type ActionFailure, type Clock, type UserStatus } from "@jumpcloud-sync/domain";
import { toDirectoryUser, userStatusOf } from "../directory/snapshot-mapper.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { isTransient, refusalOf, UpstreamLog, UserLookups, writeOf } from "./upstream.js";

export type Execution =
  | { readonly kind: "succeeded"; readonly userId: string | null; readonly toStatus: UserStatus | "deleted"; readonly note: string | null }
  | { readonly kind: "failed"; readonly failure: ActionFailure }
  /** 429, 5xx, timeout, network: nothing is known to have changed; try again later (reading first). */
  | { readonly kind: "transient"; readonly failure: ActionFailure };

/** Thrown when the action's lease was lost mid-way: stop, write nothing more (another worker has it). */
export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
}

/**
 * Does one claimed action against JumpCloud: read the user first, then write once, then read back.
 * The read first is what makes a retry safe: a write that reached JumpCloud before a timeout or a
 * crash shows up in the read (the user exists, is already suspended, is gone) and is not sent twice.
 */
@Injectable()
export class ActionExecutor {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(action: Action, owner: string, client: JumpCloudClient, log: UpstreamLog): Promise<Execution> {
    const users = new UserLookups(client, log);
    try {
      return action.kind === "create" ? await this.create(action, owner, client, users, log) : await this.change(action, owner, client, users, log);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      const refusal = refusalOf(error);
      const failure = { code: refusal.kind, message: refusal.detail };
      return isTransient(error) ? { kind: "transient", failure } : { kind: "failed", failure };
    }
  }

  private async beforeWrite(action: Action, owner: string): Promise<void> {
    // The mark goes down before the request leaves: after a crash the next claimant reads first.
    if (!(await this.store.actions.markWriteStarted(action.id, owner, this.clock.now()))) throw new LeaseLostError(`lost the lease of action ${action.id}`);
  }

  private async create(action: Action, owner: string, client: JumpCloudClient, users: UserLookups, log: UpstreamLog): Promise<Execution> {
    const params = action.params;
    if (params === null) return { kind: "failed", failure: { code: "invalid", message: "the queued create has no parameters" } };
    const byName = await users.byUsername(params.username);
    if (byName !== null) {
      if (action.writeStartedAt !== null && sameEmail(byName.email, params.email)) {
        // An earlier attempt's create reached JumpCloud (its answer was lost): that user is ours.
        await this.reflectCreated(action, byName);
        return { kind: "succeeded", userId: byName.id, toStatus: userStatusOf(byName), note: "created by an earlier attempt whose answer was lost (found by reading before retrying)" };
      }
      return { kind: "failed", failure: { code: "conflict", message: `the username ${params.username} is already taken by JumpCloud user ${byName.id}; nothing was created` } };
    }
    const byEmail = await users.byEmail(params.email);
    if (byEmail !== null) return { kind: "failed", failure: { code: "conflict", message: `the email ${params.email} is already used by JumpCloud user ${byEmail.id}; nothing was created` } };

    await this.beforeWrite(action, owner);
    const write = writeOf("create", null);
    let created: SystemUser;
    try {
      created = await log.run("write", write.method, write.path, () =>
        client.createUser({
          username: params.username,
          email: params.email,
          ...(params.firstName === null ? {} : { firstname: params.firstName }),
          ...(params.lastName === null ? {} : { lastname: params.lastName }),
          state: params.initialState === "activated" ? "ACTIVATED" : "STAGED",
        }),
      );
    } catch (error) {
      if (answered2xx(error)) {
        // JumpCloud said yes in a shape we cannot read: the user it made is found by its username.
        const made = await this.readBack(() => users.byUsername(params.username), (u) => u !== null);
        if (made !== null) {
          await this.reflectCreated(action, made);
          return { kind: "succeeded", userId: made.id, toStatus: userStatusOf(made), note: "JumpCloud's answer to the create was unreadable; the user was found by reading" };
        }
        return { kind: "transient", failure: { code: "not-applied", message: "JumpCloud answered the create with an unreadable 2xx and no such user can be read yet; it is read again before any retry" } };
      }
      // "User already exists or Bad Request": tell the two apart by reading, not by parsing text.
      if (isJumpCloudApiError(error) && error.kind === "bad-request") {
        const taken = (await users.byUsername(params.username)) ?? (await users.byEmail(params.email));
        if (taken !== null) return { kind: "failed", failure: { code: "conflict", message: `JumpCloud refused the create: user ${taken.id} already has this username or email (${error.detail ?? "400"})` } };
      }
      throw error;
    }
    await this.reflectCreated(action, created);
    return { kind: "succeeded", userId: created.id, toStatus: userStatusOf(created), note: null };
  }

  /** Reads until `done` holds, up to three times, a little apart; returns the last value read. */
  private async readBack<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (let i = 1; i < READ_BACK_TRIES && !done(value); i++) {
      await new Promise((resolve) => setTimeout(resolve, READ_BACK_DELAY_MS * i));
      value = await read();
    }
    return value;
  }

  private async reflectCreated(action: Action, user: SystemUser): Promise<void> {
    // A new user has no groups yet: the next snapshot finds the row as it is (no spurious update).
    await this.store.actions.reflectCreated(action.scopeId, toDirectoryUser(user, []), this.clock.now());
  }

  private async change(action: Action, owner: string, client: JumpCloudClient, users: UserLookups, log: UpstreamLog): Promise<Execution> {
    const kind = action.kind;
    if (kind === "create") throw new Error("unreachable");
    const id = action.target.userId;
    if (id === null) return { kind: "failed", failure: { code: "invalid", message: "the queued action names no user" } };
    const user = await users.byId(id);
    if (user === null) {
      if (kind === "delete" && action.writeStartedAt !== null) {
        await this.store.actions.reflectRemoved(action.scopeId, id, this.clock.now());
        return { kind: "succeeded", userId: id, toStatus: "deleted", note: "deleted by an earlier attempt whose answer was lost (found by reading before retrying)" };
      }
      return { kind: "failed", failure: { code: "not-found", message: `JumpCloud has no user ${id} (any more)` } };
    }
    const verdict = transitionFor(kind, userStatusOf(user));
    if (verdict.kind === "invalid") return { kind: "failed", failure: { code: "invalid-transition", message: verdict.reason } };
    if (verdict.kind === "no-op") {
      await this.store.actions.reflectStatus(action.scopeId, id, verdict.status, this.clock.now());
      const note = action.writeStartedAt !== null ? "done by an earlier attempt whose answer was lost (found by reading before retrying)" : `nothing sent: ${verdict.reason}`;
      return { kind: "succeeded", userId: id, toStatus: verdict.status, note };
    }

    await this.beforeWrite(action, owner);
    const write = writeOf(kind, id);
    const uid: string = id;
    const send = async (): Promise<void> => {
      switch (kind) {
        case "suspend":
          await client.suspendUser(uid);
          return;
        case "activate":
          // No welcome email beyond JumpCloud's default behaviour: the body stays `{}`.
          await client.activateUser(uid, {});
          return;
        case "unsuspend":
          await client.updateUser(uid, { state: "ACTIVATED", suspended: false });
          return;
        case "delete":
          await client.deleteUser(uid);
          return;
      }
    };
    await log.run("write", write.method, write.path, async () => {
      try {
        await send();
      } catch (error) {
        // A 2xx whose body we cannot read is still a 2xx: the read-back below decides.
        if (!answered2xx(error)) throw error;
      }
    });

    // Read back: the write's 200 is JumpCloud's word; the state it reports now is the proof. A few
    // reads apart, in case JumpCloud is slow to show its own write; still not there, the action is
    // retried later — reading first, so a write that did land is not sent again.
    const target = verdict.to;
    const after = await this.readBack(() => users.byId(id), (u) => (target === "deleted" ? u === null : u !== null && userStatusOf(u) === target));
    if (kind === "delete") {
      if (after !== null) return { kind: "transient", failure: { code: "not-applied", message: `JumpCloud answered the delete, but user ${id} can still be read` } };
      await this.store.actions.reflectRemoved(action.scopeId, id, this.clock.now());
      return { kind: "succeeded", userId: id, toStatus: "deleted", note: null };
    }
    const status = after === null ? null : userStatusOf(after);
    if (status !== verdict.to) {
      return { kind: "transient", failure: { code: "not-applied", message: `JumpCloud answered the ${kind}, but reading the user back shows ${status ?? "no user"} instead of ${verdict.to}` } };
    }
    await this.store.actions.reflectStatus(action.scopeId, id, status, this.clock.now());
    return { kind: "succeeded", userId: id, toStatus: status, note: null };
  }
}

const READ_BACK_TRIES = 3;
const READ_BACK_DELAY_MS = 150;

/** The write was answered with a 2xx whose body did not parse as expected. */
function answered2xx(error: unknown): boolean {
  return isJumpCloudApiError(error) && error.kind === "invalid-response" && error.status !== null && error.status >= 200 && error.status < 300;
}

function sameEmail(a: string | undefined, b: string): boolean {
  return (a ?? "").toLowerCase() === b.toLowerCase();
}
