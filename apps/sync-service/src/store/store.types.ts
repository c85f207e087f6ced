import type { EntityManager } from "@mikro-orm/core";
import type {
  AccountPort,
  ApiTokenPort,
  AuditPort,
  CursorPort,
  DirectoryQueryPort,
  DirectoryStorePort,
  LeasePort,
  MdmQueryPort,
  MdmStorePort,
  SyncRunPort,
} from "@jumpcloud-sync/domain";

/**
 * What the service needs from persistence: the domain's ports plus the ORM (for a fresh
 * EntityManager context per job). `@jumpcloud-sync/persistence`'s `Store` satisfies it; nothing
 * outside `src/store/` imports persistence.
 */
export interface SyncStore {
  readonly orm: { readonly em: EntityManager };
  readonly directory: DirectoryStorePort;
  readonly query: DirectoryQueryPort;
  readonly cursors: CursorPort;
  readonly leases: LeasePort;
  readonly runs: SyncRunPort;
  readonly accounts: AccountPort;
  readonly audit: AuditPort;
  readonly tokens: ApiTokenPort;
  /** MDM: devices, managed apps, installations (one atomic write per stream) and their read models. */
  readonly mdm: MdmStorePort;
  readonly mdmQuery: MdmQueryPort;
  /** True when the database answers. */
  health(): Promise<boolean>;
  close(): Promise<void>;
}

export const STORE = Symbol("STORE");
