import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from "@nestjs/common";
import { MikroORM } from "@mikro-orm/core";
import { openStore, type Store } from "@jumpcloud-sync/persistence";
import type { AppConfig } from "../config/index.js";
import { STORE, type SyncStore } from "./store.types.js";

/** Opens the persistence Store (migrations included) from the validated config. */
export async function openConfiguredStore(config: AppConfig): Promise<Store> {
  const db = config.database;
  if (db.driver === "sqlite") {
    if (db.dbPath !== ":memory:") mkdirSync(dirname(db.dbPath), { recursive: true });
    return openStore({ driver: "sqlite", dbName: db.dbPath, secretKey: config.secretKey, previousSecretKeys: config.previousSecretKeys });
  }
  return openStore({
    driver: "postgresql",
    url: db.url ?? "",
    ...(db.schema === null ? {} : { schema: db.schema }),
    secretKey: config.secretKey,
    previousSecretKeys: config.previousSecretKeys,
  });
}

@Injectable()
class StoreCloser implements OnApplicationShutdown {
  constructor(@Inject(STORE) private readonly store: SyncStore) {}

  /** Runs after every beforeApplicationShutdown hook: the jobs have stopped and released their leases. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * The persistence Store as {@link STORE}, and its ORM as `MikroORM` (what `@mikro-orm/nestjs`
 * consumers inject). `openStore` owns the ORM instance, so `MikroOrmModule.forRoot` (which would
 * init a second one) is not used.
 */
@Global()
@Module({})
export class StoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        { provide: STORE, useFactory: () => openConfiguredStore(config) },
        { provide: MikroORM, useFactory: (store: SyncStore) => store.orm, inject: [STORE] },
        StoreCloser,
      ],
      exports: [STORE, MikroORM],
    };
  }
}
