import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261125145850_initial as m0 } from "./Migration20261125145850_initial.js";

// Maintained by scripts/migration-create.ts: every migration of this folder, in order.
export const postgresqlMigrations: MigrationObject[] = [
  { name: "Migration20261125145850_initial", class: m0 },
];
