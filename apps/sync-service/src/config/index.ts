export { parseConfig, ConfigError, type AppConfig, type DatabaseConfig, type JumpCloudClientConfig, type SyncConfig, type LogLevel } from "./app-config.js";
export { APP_CONFIG, ConfigModule } from "./config.module.js";
export { readEnvironment, readNamedVariable } from "./env.js";
