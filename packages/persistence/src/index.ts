// Public API of @jumpcloud-sync/persistence: the store that implements the domain's ports on
// SQLite (embedded default) and PostgreSQL. Everything not exported here is private.
export { openStore, prepareDatabase, storeOnOrm, type Store } from "./store.js";
export { mikroOrmConfig, type StoreConfig } from "./config.js";
export { entities } from "./entities.js";
export { SecretKeyError } from "./secret-box.js";
export { AccountNotFoundError } from "./repositories/account.repository.js";
export { InvalidCursorError } from "./db.js";
