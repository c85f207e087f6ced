import type { MigrationObject } from "@mikro-orm/core";
import { Migration20261125145850_initial as m0 } from "./Migration20261125145850_initial.js";
import { Migration20261203082935_actions as m1 } from "./Migration20261203082935_actions.js";
import { Migration20261203083230_mdm as m2 } from "./Migration20261203083230_mdm.js";
import { Migration20261203084146_stream_unavailable as m3 } from "./Migration20261203084146_stream_unavailable.js";
import { Migration20261203095608_inventory as m4 } from "./Migration20261203095608_inventory.js";

// Maintained by scripts/migration-create.ts: every migration of this folder, in order.
export const sqliteMigrations: MigrationObject[] = [
  { name: "Migration20261125145850_initial", class: m0 },
  { name: "Migration20261203082935_actions", class: m1 },
  { name: "Migration20261203083230_mdm", class: m2 },
  { name: "Migration20261203084146_stream_unavailable", class: m3 },
  { name: "Migration20261203095608_inventory", class: m4 },
];
