import "reflect-metadata";
import { NestFactory } from "@nestjs/core";
import type { INestApplication, INestApplicationContext } from "@nestjs/common";
import type { Clock } from "@jumpcloud-sync/domain";
import { AppModule } from "./app.module.js";
import { serveOpenApi } from "./api/openapi.js";
import type { AppConfig } from "./config/index.js";
import { createLogger, PinoNestLogger, type Logger } from "./logging/index.js";

export interface BootOptions {
  readonly config: AppConfig;
  /** Default: pino to stdout at the configured level. */
  readonly logger?: Logger;
  readonly schedule: boolean;
  readonly clock?: Clock;
}

/** The service without HTTP: CLI commands, the demo, tests. */
export async function createServiceContext(options: BootOptions): Promise<INestApplicationContext> {
  const logger = options.logger ?? createLogger({ level: options.config.logLevel });
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ config: options.config, logger, schedule: options.schedule, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  return app;
}

/** The long-running service: HTTP + scheduler. */
export async function createServiceApp(options: BootOptions): Promise<INestApplication> {
  const logger = options.logger ?? createLogger({ level: options.config.logLevel });
  const app = await NestFactory.create(
    AppModule.forRoot({ config: options.config, logger, schedule: options.schedule, ...(options.clock === undefined ? {} : { clock: options.clock }) }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  serveOpenApi(app);
  return app;
}
