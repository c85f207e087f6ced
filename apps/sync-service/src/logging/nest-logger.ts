import type { LoggerService, LogLevel as NestLogLevel } from "@nestjs/common";
import type { Logger } from "pino";

/** Routes Nest's own logging (bootstrap, DI errors, scheduler) into the service's pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write("info", message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write("error", message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write("warn", message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write("debug", message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write("trace", message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write("fatal", message, params);
  }
  setLogLevels(_levels: NestLogLevel[]): void {
    // The pino level from JCS_LOG_LEVEL governs; Nest's own level list is ignored on purpose.
  }

  private write(level: "info" | "error" | "warn" | "debug" | "trace" | "fatal", message: unknown, params: unknown[]): void {
    // Nest passes the context (class name) last, and a stack before it for errors.
    const context = typeof params.at(-1) === "string" ? (params.at(-1) as string) : undefined;
    const rest = context === undefined ? params : params.slice(0, -1);
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
      return;
    }
    if (level === "error" && typeof rest[0] === "string" && rest[0].includes("\n")) fields.stack = rest[0];
    if (typeof message === "object" && message !== null) this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    else this.logger[level](fields, String(message));
  }
}
