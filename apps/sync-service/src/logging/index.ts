export { createLogger, type Logger, type LoggerOptions } from "./logger.js";
export { PinoNestLogger } from "./nest-logger.js";
export { LOGGER, LoggingModule } from "./logging.module.js";
