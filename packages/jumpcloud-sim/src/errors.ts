/** A contract violation, answered with `status` and a JSON body by the HTTP layer. */
export class SimError extends Error {
  readonly status: number;
  /** `ErrorDetails.details` (the spec's 400 on user writes): Google API error detail objects. */
  readonly details: readonly Record<string, unknown>[] | undefined;
  constructor(status: number, message: string, details?: readonly Record<string, unknown>[]) {
    super(message);
    this.name = "SimError";
    this.status = status;
    this.details = details;
  }
}

/** A `google.rpc.BadRequest` detail naming the offending field, as the spec's `ErrorDetails` example shows. */
export function badField(field: string, description: string): Record<string, unknown>[] {
  return [{ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolationsList: [{ field, description }] }];
}
