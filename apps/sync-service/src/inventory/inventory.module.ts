import { Module } from "@nestjs/common";
import { AppCatalogService } from "./app-catalog.service.js";
import { InventoryJob } from "./inventory.job.js";
import { InventoryStreams } from "./inventory-streams.provider.js";

/** The inventory sync area (issue 12): System Insights software tables → `inventory` installations. */
@Module({ providers: [InventoryStreams, InventoryJob, AppCatalogService], exports: [AppCatalogService] })
export class InventoryModule {}
