import { type DynamicModule, Module } from "@nestjs/common";
import { APP_FILTER, APP_PIPE } from "@nestjs/core";
import { AccountsModule } from "../accounts/accounts.module.js";
import { AccountsController } from "./accounts.controller.js";
import { BearerTokenGuard } from "./bearer-token.guard.js";
import { DirectoryController } from "./directory.controller.js";
import { MdmController } from "./mdm.controller.js";
import { ProblemFilter } from "./problem.js";
import { ScopeStatusService } from "./scope-status.service.js";
import { ScopesController } from "./scopes.controller.js";
import { SyncController } from "./sync.controller.js";
import { SchemaValidationPipe } from "./validation.pipe.js";

/**
 * The HTTP API for internal consumers (/v1, bearer tokens). It takes the sync module the app
 * composed (its facade), so the app has one scheduler and one facade; it never talks to a sync
 * area's module directly. The problem
 * filter and the schema pipe are global: /health and /metrics fail in the same shape.
 */
@Module({})
export class ApiModule {
  static forRoot(options: { sync: DynamicModule }): DynamicModule {
    return {
      module: ApiModule,
      imports: [AccountsModule, options.sync],
      controllers: [AccountsController, ScopesController, DirectoryController, MdmController, SyncController],
      providers: [ScopeStatusService, BearerTokenGuard, { provide: APP_FILTER, useClass: ProblemFilter }, { provide: APP_PIPE, useClass: SchemaValidationPipe }],
    };
  }
}
