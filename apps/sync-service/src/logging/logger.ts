import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "../config/index.js";

/** Field names that may hold a secret, wherever they appear (pino paths need one entry per depth). */
const SECRET_FIELDS = ["apiKey", "api_key", '["x-api-key"]', "secret", "secretKey", "authorization", "Authorization", "password", "token"];

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const f of SECRET_FIELDS) {
    const sep = f.startsWith("[") ? "" : ".";
    paths.push(f.startsWith("[") ? `*${f}` : f, `*${sep}${f}`, `*.*${sep}${f}`, `*.*.*${sep}${f}`);
  }
  // A bracketed top-level key needs its own form.
  paths.push('["x-api-key"]');
  return [...new Set(paths)];
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Defaults to stdout; the CLI sends logs to stderr so its own output stays clean. */
  readonly destination?: DestinationStream;
  readonly base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "jumpcloud-sync", ...options.base },
      redact: { paths: redactPaths(), censor: "[redacted]" },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

export type { Logger };
