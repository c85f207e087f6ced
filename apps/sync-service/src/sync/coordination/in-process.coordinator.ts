import { Inject, Injectable } from "@nestjs/common";
import type { Logger } from "pino";
import { LOGGER } from "../../logging/index.js";
import { SyncFacade } from "../sync-facade.service.js";
import type { SyncCoordinator } from "./sync-coordinator.port.js";

/** SQLite, one process: each tick launches a pass over every scope with due streams and returns without awaiting it. */
@Injectable()
export class InProcessCoordinator implements SyncCoordinator {
  readonly kind = "in-process" as const;

  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly sync: SyncFacade,
  ) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  async tick(): Promise<number> {
    const launched = await this.sync.launchDue({ trigger: "schedule" });
    for (const p of launched) p.catch((error: unknown) => this.logger.error({ err: error }, "scope sync failed outside its run record"));
    return launched.length;
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}
