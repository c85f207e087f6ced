import { config } from "@jumpcloud-sync/eslint-config";

export default config({ tsconfigRootDir: import.meta.dirname, forbidImports: ["@nestjs/common", "@nestjs/core", "@mikro-orm/core", "@mikro-orm/sql", "openapi-fetch", "undici", "node:http", "node:https", "node:fs", "node:net"] });
