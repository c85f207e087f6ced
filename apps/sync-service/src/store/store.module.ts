import { type DynamicModule, Global, Module } from "@nestjs/common";
import { MikroORM } from "@mikro-orm/core";
import { MikroOrmModule } from "@mikro-orm/nestjs";
import { mikroOrmConfig, prepareDatabase, storeOnOrm, type StoreConfig } from "@jumpcloud-sync/persistence";
import type { AppConfig } from "../config/index.js";
import { STORE } from "./store.types.js";

/** The persistence configuration from the validated service config. */
export function storeConfigOf(config: AppConfig): StoreConfig {
  const db = config.database;
  if (db.driver === "sqlite") {
    return { driver: "sqlite", dbName: db.dbPath, secretKey: config.secretKey, previousSecretKeys: config.previousSecretKeys };
  }
  return {
    driver: "postgresql",
    url: db.url ?? "",
    ...(db.schema === null ? {} : { schema: db.schema }),
    secretKey: config.secretKey,
    previousSecretKeys: config.previousSecretKeys,
  };
}

/**
 * MikroORM through `@mikro-orm/nestjs` (it owns the ORM: initialises it, injects `MikroORM` and
 * `EntityManager`, closes it on shutdown, after every beforeApplicationShutdown hook — the jobs
 * have stopped and released their leases by then), and the persistence Store over that ORM as
 * {@link STORE}, migrations applied before anything uses it. Jobs run in their own EntityManager
 * context (`withOrmContext`); the HTTP request-context middleware is off because every repository
 * call forks its own EntityManager.
 */
@Global()
@Module({})
export class StoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    const storeConfig = storeConfigOf(config);
    return {
      module: StoreModule,
      imports: [
        MikroOrmModule.forRootAsync({
          useFactory: async () => {
            await prepareDatabase(storeConfig);
            return { ...mikroOrmConfig(storeConfig), registerRequestContext: false };
          },
        }),
      ],
      providers: [{ provide: STORE, useFactory: (orm: MikroORM) => storeOnOrm(orm, storeConfig, { ownsOrm: false }), inject: [MikroORM] }],
      exports: [STORE],
    };
  }
}
