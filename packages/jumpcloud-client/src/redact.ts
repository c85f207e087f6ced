// The API key must never leave this package inside an error, event or log line. Errors are built
// from scrubbed strings only; foreign errors (undici's, JSON's) are copied, never attached as is,
// because a foreign error may hold a Request (and so the x-api-key header) somewhere in its graph.

export type Redactor = (text: string) => string;

export function createRedactor(secret: string): Redactor {
  if (secret.length === 0) return (text) => text;
  return (text) => (text.includes(secret) ? text.split(secret).join("[redacted]") : text);
}

const MAX_CAUSE_DEPTH = 4;

/** A plain copy of `err` (name, message, code, stack, cause) with every string scrubbed. */
export function scrubbedCopy(err: unknown, redact: Redactor, depth = 0): Error {
  if (!(err instanceof Error)) return new Error(redact(describe(err)));
  const nested = depth < MAX_CAUSE_DEPTH && err.cause !== undefined ? scrubbedCopy(err.cause, redact, depth + 1) : undefined;
  const copy = new Error(redact(err.message), nested === undefined ? undefined : { cause: nested });
  copy.name = redact(err.name);
  if (err.stack !== undefined) copy.stack = redact(err.stack);
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") (copy as Error & { code?: string | number }).code = code;
  if (err instanceof AggregateError && depth < MAX_CAUSE_DEPTH) {
    // Keep the per-address reasons (e.g. ::1 and 127.0.0.1 both refused) without the originals.
    (copy as Error & { errors?: Error[] }).errors = err.errors.map((e) => scrubbedCopy(e, redact, depth + 1));
  }
  return copy;
}

function describe(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Shorten server error text for `JumpCloudApiError.detail`. */
export function summarizeBody(body: unknown, redact: Redactor, max = 500): string | undefined {
  if (body === undefined || body === null || body === "") return undefined;
  let text: string;
  if (typeof body === "string") text = body;
  else if (typeof body === "object" && "message" in body && typeof body.message === "string") text = body.message;
  else text = describe(body);
  text = redact(text.trim());
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
