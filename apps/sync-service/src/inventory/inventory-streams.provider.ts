import { Inject, Injectable, type OnModuleInit } from "@nestjs/common";
import { INVENTORY_STREAM } from "@jumpcloud-sync/domain";
import { APP_CONFIG, type AppConfig } from "../config/index.js";
import { StreamRegistry } from "../sync/stream-registry.service.js";
import { InventoryJob } from "./inventory.job.js";

/** System Insights is collected by the agent every few hours: hourly reads keep up with it. */
const INVENTORY_FRESHNESS_MINUTES = 60;

/**
 * The inventory module's stream. No `after` yet: the `devices` stream is not registered on this
 * branch's base; the job reads the stored devices when they exist and lists `/api/systems`
 * otherwise. Once `devices` is registered, `after: ["devices"]` lets it read the stored devices only.
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
