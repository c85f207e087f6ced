import { Controller, Get, HttpCode, HttpException, HttpStatus, Inject } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { LivenessDto, ReadinessDto } from "../api/api.schemas.js";
import { ApiProblems } from "../api/api-docs.decorators.js";
import { STORE, type SyncStore } from "../store/store.types.js";
import type { Clock } from "@jumpcloud-sync/domain";
import { CLOCK } from "../sync/clock.js";
import { pastFreshnessTargets, type PastTarget } from "../sync/freshness.js";
import { ScopeRuns } from "../sync/scope-runs.js";
import { StreamRegistry } from "../sync/stream-registry.service.js";

/** Liveness and readiness (the database answers); unauthenticated. */
@ApiTags("operations")
@Controller("health")
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly runs: ScopeRuns,
    private readonly registry: StreamRegistry,
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
  async ready(): Promise<{ status: "ok"; runningScopes: number; pastFreshnessTarget: { count: number; items: PastTarget[] } }> {
    const ok = await this.store.health();
    if (!ok || this.runs.isStopping) throw new HttpException({ status: ok ? "stopping" : "database-unavailable" }, HttpStatus.SERVICE_UNAVAILABLE);
    // Late scopes are a detail of readiness, not a reason to take this replica out of rotation.
    const late = pastFreshnessTargets(
      await this.store.accounts.listAccounts(),
      await this.store.accounts.listScopes(),
      await this.store.runs.listStreamStatuses(),
      this.registry.names(),
      (stream, account) => this.registry.freshnessMs(stream, account),
      this.clock.now().getTime(),
    );
    return { status: "ok", runningScopes: this.runs.size, pastFreshnessTarget: { count: late.length, items: late.slice(0, 20) } };
  }
}
