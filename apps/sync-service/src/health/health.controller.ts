import { Controller, Get, HttpCode, HttpException, HttpStatus, Inject } from "@nestjs/common";
import { STORE, type SyncStore } from "../store/store.types.js";
import { ScopeRuns } from "../sync/scope-runs.js";

/** Liveness and readiness (the database answers). The HTTP API of issue 7 grows beside it. */
@Controller("health")
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: SyncStore,
    private readonly runs: ScopeRuns,
  ) {}

  @Get("live")
  @HttpCode(200)
  live(): { status: "ok" } {
    return { status: "ok" };
  }

  @Get("ready")
  async ready(): Promise<{ status: "ok"; runningScopes: number }> {
    const ok = await this.store.health();
    if (!ok || this.runs.isStopping) throw new HttpException({ status: ok ? "stopping" : "database-unavailable" }, HttpStatus.SERVICE_UNAVAILABLE);
    return { status: "ok", runningScopes: this.runs.size };
  }
}
