// Model
export * from "./model/account.js";
export * from "./model/directory.js";
export * from "./model/usage.js";
export * from "./model/sync.js";
export * from "./model/read-models.js";
export * from "./model/mdm.js";
export * from "./model/mdm-read-models.js";
export * from "./model/action.js";
export * from "./model/inventory.js";
// Ports (implemented by persistence, called by the service)
export type * from "./ports/directory-store.port.js";
export type * from "./ports/sync-state.port.js";
export type * from "./ports/account.port.js";
export type * from "./ports/directory-query.port.js";
export type * from "./ports/mdm-store.port.js";
export type * from "./ports/mdm-query.port.js";
export type * from "./ports/inventory-store.port.js";
export type * from "./ports/action.port.js";
// Rules
export * from "./username.js";
export * from "./rules/reconcile.js";
export * from "./rules/chunked-reconcile.js";
export * from "./rules/incremental-reconcile.js";
export * from "./rules/usage.js";
export * from "./rules/directory-events.js";
export * from "./rules/backoff.js";
export * from "./rules/mdm.js";
export * from "./rules/inventory.js";
export * from "./rules/app-catalog-view.js";
// App identity: one product under its many names (installed apps, extensions, managed apps, SSO)
export * from "./identity/index.js";
