export type JumpCloudErrorKind =
  | "unauthorized"
  | "forbidden"
  | "insights-not-enabled"
  | "not-found"
  | "bad-request"
  | "rate-limited"
  | "server"
  | "network"
  | "timeout"
  | "invalid-response";

export interface JumpCloudApiErrorInit {
  kind: JumpCloudErrorKind;
  operation: string;
  status: number | null;
  message: string;
  hint?: string;
  /** The server's own error text (redacted, truncated). */
  detail?: string;
  /** `x-request-id` / `X-Request-Id`, for JumpCloud support. */
  requestId?: string;
  attempts?: number;
  cause?: unknown;
}

/**
 * Every failure of the convenience methods, and every transport failure of the raw clients.
 * Holds no request, response or headers: only strings and numbers that were scrubbed of the API
 * key, so it is safe to log, serialize and `util.inspect` whole, `cause` chain included.
 */
export class JumpCloudApiError extends Error {
  override readonly name = "JumpCloudApiError";
  readonly kind: JumpCloudErrorKind;
  readonly operation: string;
  readonly status: number | null;
  readonly hint?: string;
  readonly detail?: string;
  readonly requestId?: string;
  /** Attempts made (1 when not retried). */
  readonly attempts: number;

  constructor(init: JumpCloudApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.operation = init.operation;
    this.status = init.status;
    if (init.hint !== undefined) this.hint = init.hint;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    this.attempts = init.attempts ?? 1;
  }

  /** For structured loggers: the message is not an own property of an Error, so spell it out. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      message: this.message,
      attempts: this.attempts,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
    };
  }

  /** Worth retrying later (the client already retried what it safely could). */
  get transient(): boolean {
    return this.kind === "rate-limited" || this.kind === "server" || this.kind === "network" || this.kind === "timeout";
  }
}

export function isJumpCloudApiError(value: unknown): value is JumpCloudApiError {
  return value instanceof JumpCloudApiError;
}
