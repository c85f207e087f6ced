import { RequestContext } from "@mikro-orm/core";
import type { SyncStore } from "./store.types.js";

/**
 * Runs scheduled work in its own EntityManager context (STYLE practice 12): jobs launched side by
 * side never share an identity map, and nothing leaks into the global EntityManager.
 */
export function withOrmContext<T>(store: Pick<SyncStore, "orm">, fn: () => Promise<T>): Promise<T> {
  return RequestContext.create(store.orm.em, fn);
}
