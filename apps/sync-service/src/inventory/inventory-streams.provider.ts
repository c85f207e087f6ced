import { Inject, Injectable, type OnModuleInit } from "@nestjs/common";
import { INVENTORY_STREAM } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { InventoryJob } from "./inventory.job.js";

/** System Insights is collected by the agent every few hours: hourly reads keep up with it. */
const INVENTORY_FRESHNESS_MINUTES = 60;

/**
 * The inventory module's stream. No `after`: the job lists `/api/systems` (two fields) itself, so a
 * device's System Insights state is read in the same run as its rows, never from a devices
 * snapshot older than them (the `devices` stream runs beside it).
 */
@Injectable()
export class InventoryStreams implements OnModuleInit {
  constructor(
    private readonly registry: StreamRegistry,
    private readonly job: InventoryJob,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.sync.inventoryEnabled) return;
    this.registry.register({
      name: INVENTORY_STREAM,
      module: "inventory",
      freshness: { defaultMinutes: INVENTORY_FRESHNESS_MINUTES },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "failing"],
      credentialFailureBlocksScope: false,
      run: (ctx) => this.job.run(ctx.client, ctx),
    });
  }
}
