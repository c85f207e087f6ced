import { type DynamicModule, Module } from "@nestjs/common";
import { BearerTokenGuard } from "../api/bearer-token.guard.js";
import { ActionConfirmer } from "./action-confirmer.js";
import { ActionExecutor } from "./action-executor.js";
import { ActionsController } from "./actions.controller.js";
import { ActionsService } from "./actions.service.js";
import { ACTIONS_OPTIONS, ActionsWorker, type ActionsOptions } from "./actions.worker.js";

/**
 * The actions area, a sibling of the directory sync: the HTTP routes (`/v1/actions`, `/v1/audit`),
 * the service that validates and queues, the worker that claims and does queued actions, and the
 * confirmer that checks them against Directory Insights and the next directory sync.
 */
@Module({})
export class ActionsModule {
  static forRoot(options: ActionsOptions): DynamicModule {
    return {
      module: ActionsModule,
      controllers: [ActionsController],
      providers: [{ provide: ACTIONS_OPTIONS, useValue: options }, ActionsService, ActionExecutor, ActionsWorker, ActionConfirmer, BearerTokenGuard],
      exports: [ActionsService, ActionsWorker, ActionConfirmer],
    };
  }
}
