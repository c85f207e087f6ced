/** A contract violation, answered with `status` and a JSON body by the HTTP layer. */
export class SimError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "SimError";
    this.status = status;
  }
}
