import type { INestApplicationContext } from "@nestjs/common";
import type { Clock } from "@jumpcloud-sync/domain";
import { pino } from "pino";
import { createServiceContext } from "../bootstrap.js";
import { parseConfig, readEnvironment, type AppConfig } from "../config/index.js";
import { createLogger, type Logger } from "../logging/index.js";

export interface ServiceOptions {
  /** Values that replace environment variables before validation (the demo's DB file and dev key). */
  readonly overrides?: Record<string, string>;
  readonly schedule?: boolean;
  readonly clock?: Clock;
}

export interface RunningService {
  readonly app: INestApplicationContext;
  readonly config: AppConfig;
  readonly logger: Logger;
  /** Resolves when SIGTERM/SIGINT asked the service to stop (after it closed). */
  readonly stopped: Promise<string>;
  /** The signal that is stopping the service, or null; after one the app is closed. */
  readonly signalled: () => NodeJS.Signals | null;
}

/**
 * Boots the service for a CLI command. Logs go to stderr (stdout is the command's output), at
 * `warn` unless JCS_LOG_LEVEL says otherwise. SIGTERM/SIGINT close the app once — jobs stop at
 * their checkpoint, leases are released, the store closes — and the command then exits on its own.
 */
export async function withService<T>(options: ServiceOptions, fn: (service: RunningService) => Promise<T>): Promise<T> {
  const env = readEnvironment();
  const config = parseConfig(env, { ...(env.JCS_LOG_LEVEL === undefined || env.JCS_LOG_LEVEL === "" ? { JCS_LOG_LEVEL: "warn" } : {}), ...options.overrides });
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ fd: 2, sync: true }) });
  const app = await createServiceContext({ config, logger, schedule: options.schedule === true, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => (closing ??= app.close());
  let onSignal: ((signal: NodeJS.Signals) => void) | null = null;
  let received: NodeJS.Signals | null = null;
  const stopped = new Promise<string>((resolve) => {
    onSignal = (signal) => {
      received = signal;
      process.exitCode = signal === "SIGINT" ? 130 : 143;
      logger.warn({ signal }, "stopping");
      void close().then(() => resolve(signal));
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
  try {
    return await fn({ app, config, logger, stopped, signalled: () => received });
  } finally {
    if (onSignal !== null) {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
    await close();
    logger.flush();
  }
}
