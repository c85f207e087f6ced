import { Controller, Get, HttpCode, HttpException, HttpStatus, Inject } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { LivenessDto, ReadinessDto } from "../api/api.schemas.js";
import { ApiProblems } from "../api/api-docs.decorators.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import { ScopeRuns } from "../sync/scope-runs.js";

/** Liveness and readiness (the database answers); unauthenticated. */
@ApiTags("operations")
@Controller("health")
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    private readonly runs: ScopeRuns,
  ) {}

  @Get()
  @HttpCode(200)
  @ApiOperation({ operationId: "liveness", summary: "Liveness: the process answers (unauthenticated)" })
  @ApiResponse({ status: 200, standardSchema: LivenessDto, description: "Alive." })
  liveness(): { status: "ok" } {
    return this.live();
  }

  @Get("live")
  @HttpCode(200)
  @ApiOperation({ operationId: "livenessLive", summary: "Liveness, same as /health (unauthenticated)" })
  @ApiResponse({ status: 200, standardSchema: LivenessDto, description: "Alive." })
  live(): { status: "ok" } {
    return { status: "ok" };
  }

  @Get("ready")
  @ApiOperation({ operationId: "readiness", summary: "Readiness: the database answers and the service is not stopping (unauthenticated)" })
  @ApiResponse({ status: 200, standardSchema: ReadinessDto, description: "Ready." })
  @ApiProblems(503)
  async ready(): Promise<{ status: "ok"; runningScopes: number }> {
    const ok = await this.store.health();
    if (!ok || this.runs.isStopping) throw new HttpException({ status: ok ? "stopping" : "database-unavailable" }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: "ok", runningScopes: this.runs.size };
  }
}
