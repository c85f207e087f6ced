/**
 * JumpCloud username rules (API-NOTES §3, "Naming Conventions for Users"): starts with a letter;
 * only letters, digits, "." and "_"; no spaces or "@"; at most 30 characters, or 20 where the user
 * is bound to Windows devices.
 */
export interface UsernameOptions {
  /** The user will be bound to Windows devices: the limit is 20 characters instead of 30. */
  readonly windows?: boolean;
}

export class InvalidUsernameError extends Error {
  override readonly name = "InvalidUsernameError";
  constructor(
    readonly input: string,
    readonly rule: string,
    readonly offending: readonly string[] = [],
  ) {
    super(
      `Invalid JumpCloud username ${JSON.stringify(input)}: ${rule}` +
        (offending.length > 0 ? ` (offending: ${offending.map((c) => JSON.stringify(c)).join(", ")})` : ""),
    );
  }
}

const ALLOWED = /^[A-Za-z0-9._]$/u;

/** Turns a requested username into a JumpCloud one: each run of spaces becomes one dot; anything else invalid throws. */
export function normalizeUsername(requested: string, options: UsernameOptions = {}): string {
  const username = requested.trim().replace(/ +/gu, ".");
  const max = options.windows === true ? 20 : 30;
  if (username.length === 0) throw new InvalidUsernameError(requested, "must not be empty");
  const first = username[0] ?? "";
  if (!/^[A-Za-z]$/u.test(first)) throw new InvalidUsernameError(requested, "must start with a letter (A-Z, a-z)", [first]);
  const offending = [...new Set([...username].filter((c) => !ALLOWED.test(c)))];
  if (offending.length > 0) {
    throw new InvalidUsernameError(requested, 'may contain only letters, digits, "." and "_" (no "@", no other whitespace)', offending);
  }
  if (username.length > max) {
    throw new InvalidUsernameError(requested, `must be at most ${max} characters${options.windows === true ? " when bound to Windows devices" : ""} (got ${username.length})`);
  }
  return username;
}
