import { Inject, Injectable, type OnModuleInit } from "@nestjs/common";
import { INVENTORY_STREAM } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { DEVICES_STREAM } from "../mdm/mdm-streams.js";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { InventoryJob } from "./inventory.job.js";

/** System Insights is collected by the agent every few hours: hourly reads keep up with it. */
const INVENTORY_FRESHNESS_MINUTES = 60;

/**
 * The inventory module's stream. It runs after `devices`: a device's System Insights state and last
 * contact come from the devices that stream stored (in the same pass when both are due), which
 * saves a listing of `/api/systems` (⌈devices / 100⌉ requests) per run.
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
      after: [DEVICES_STREAM],
      freshness: { defaultMinutes: INVENTORY_FRESHNESS_MINUTES },
      clearsOnSuccess: ["invalid-credentials", "org-not-found", "failing"],
      credentialFailureBlocksScope: false,
      run: (ctx) => this.job.run(ctx.client, ctx),
    });
  }
}
