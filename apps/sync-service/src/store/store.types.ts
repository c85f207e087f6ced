import type { Store } from "@jumpcloud-sync/persistence";

/**
 * The store as the service sees it: persistence's `Store` (the domain's ports plus the ORM, for a
 * fresh EntityManager context per job), declared once there. Only `src/store/` imports
 * persistence (eslint enforces it); everything else injects {@link STORE} as one of the views
 * below, so each area's code shows, and the compiler checks, which ports it may touch.
 */
export type SyncStore = Store;

/**
 * The sync core: runs and stream statuses, leases, an ORM context per job, the accounts and scopes
 * it schedules, the audit of forced runs. No sync area's data.
 */
export type SyncCoreStore = Pick<Store, "runs" | "leases" | "orm" | "accounts" | "audit">;

/**
 * The directory area: its data and cursors. Each stream writes data and cursor in one unit of
 * work: `directory.applySnapshot` (snapshot + directory cursor), `directory.applyUsageChanges`
 * (usage records + Directory Insights cursor).
 */
export type DirectoryAreaStore = Pick<Store, "directory" | "cursors">;

/**
 * The MDM area: its data (`mdm`: one atomic write per stream, the software-events cursor with its
 * rows), the devices stream's cursor, and the stored directory's users (the per-user traversal
 * visits them; read only).
 */
export type MdmAreaStore = Pick<Store, "mdm" | "cursors"> & { readonly directory: Pick<Store["directory"], "loadDirectory"> };

/** The MDM read models the HTTP API serves. */
export type MdmQueryStore = Pick<Store, "mdmQuery">;

export const STORE = Symbol("STORE");
