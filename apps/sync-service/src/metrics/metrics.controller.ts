import { Controller, Get, Header, Res } from "@nestjs/common";
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from "@nestjs/swagger";
import type { HttpResponse } from "../api/http.types.js";
import { SyncMetrics } from "./sync-metrics.service.js";

@ApiTags("operations")
@Controller("metrics")
export class MetricsController {
  constructor(private readonly metrics: SyncMetrics) {}

  @Get()
  @Header("Cache-Control", "no-store")
  @ApiOperation({ operationId: "metrics", summary: "Prometheus metrics (unauthenticated)", description: "Per scope and stream: last success, lag, run duration, pages, requests, 429s, retries, rows created/updated/removed, needs attention." })
  @ApiProduces("text/plain")
  @ApiResponse({ status: 200, description: "Prometheus text exposition format.", content: { "text/plain": { schema: { type: "string" } } } })
  async scrape(@Res() res: HttpResponse): Promise<void> {
    const body = await this.metrics.metrics();
    res.setHeader("Content-Type", this.metrics.contentType);
    res.status(200).send(body);
  }
}
