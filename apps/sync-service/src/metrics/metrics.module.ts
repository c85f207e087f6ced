import { Module } from "@nestjs/common";
import { MetricsController } from "./metrics.controller.js";
import { SyncMetrics } from "./sync-metrics.service.js";

/** Prometheus `/metrics`, fed by the sync events and the stream statuses. */
@Module({ controllers: [MetricsController], providers: [SyncMetrics], exports: [SyncMetrics] })
export class MetricsModule {}
