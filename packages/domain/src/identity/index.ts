export * from "./app-observation.js";
export * from "./app-name.js";
export * from "./app-catalog.js";
export * from "./app-catalog.data.js";
export { isGenericName, isUnlistedAppId, UNLISTED_PREFIX, unlistedAppId } from "./app-unlisted-id.js";
export * from "./app-identity.js";
export * from "./app-overrides.js";
export * from "./app-linking.js";
