import { pino } from "pino";
import { createServiceApp } from "../bootstrap.js";
import { ConfigError, parseConfig, readEnvironment } from "../config/index.js";
import { createLogger } from "../logging/index.js";

/** HTTP + scheduler until SIGTERM/SIGINT; returns the exit code. */
export async function serve(): Promise<number> {
  let config;
  try {
    config = parseConfig(readEnvironment());
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`jumpcloud-sync: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, destination: pino.destination({ fd: 1, sync: false }) });
  const app = await createServiceApp({ config, logger, schedule: true });
  await app.listen(config.http.port, config.http.host);
  logger.info({ port: config.http.port, host: config.http.host, db: config.database.driver }, "jumpcloud-sync serving");
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  logger.info({ signal }, "stopping: no new syncs; running ones stop at their checkpoint");
  await app.close();
  logger.info("stopped");
  logger.flush();
  return 0;
}
