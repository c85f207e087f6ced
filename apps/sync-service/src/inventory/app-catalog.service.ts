import { Inject, Injectable } from "@nestjs/common";
import {
  AppOverrideError,
  buildAppCatalogView,
  compileAppOverrides,
  compileStoredAppOverrides,
  installationKey,
  presentApps,
  reclaimCandidates,
  type AppCatalogView,
  type AppOverride,
  type AppOverrideIssue,
  type AppObservation,
  type CompiledAppOverrides,
  type InstallationKey,
  type LastOpened,
  type ReclaimCandidate,
  type StoredInstallation,
} from "@jumpcloud-sync/domain";
import type { Logger } from "pino";
import { LOGGER } from "../logging/index.js";
import { STORE, type AppCatalogAreaStore } from "../store/store.types.js";

/** Where a scope's overrides live: a durable per-scope document beside the streams' cursors (no stream of this name exists). */
const OVERRIDES_KEY = "app-overrides";
interface StoredOverrides {
  readonly version: 1;
  readonly overrides: readonly AppOverride[];
}

/**
 * The app catalog of a scope, read from the store: the devices' present apps (inventory snapshot,
 * software events on top, managed statuses — `presentApps`), identified and grouped across sources
 * with the SSO applications, their assignments and usage (`buildAppCatalogView`). Read-only;
 * computed per request from the stored rows (O(rows of the scope)).
 */
@Injectable()
export class AppCatalogService {
  constructor(
    @Inject(STORE) private readonly store: AppCatalogAreaStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The scope's operator overrides (merge, split, rename), in order; kept durably per scope. */
  async overrides(scopeId: string): Promise<readonly AppOverride[]> {
    return (await this.storedOverrides(scopeId)).overrides;
  }

  /**
   * The stored overrides as reads apply them, with the ones skipped: a stored override that no
   * longer compiles (validated when written; the catalog or the code may change since, or the
   * document be edited) is skipped with a reported problem instead of failing every read.
   */
  async storedOverrides(scopeId: string): Promise<{ overrides: readonly AppOverride[]; compiled: CompiledAppOverrides; skipped: readonly AppOverrideIssue[] }> {
    const stored = (await this.store.cursors.getCursor<StoredOverrides>(scopeId, OVERRIDES_KEY))?.overrides;
    const { compiled, skipped } = compileStoredAppOverrides(stored);
    if (skipped.length > 0) this.logger.warn({ scopeId, skipped }, `app overrides: ${skipped.length} stored override(s) skipped on read (fix or replace them with PUT /v1/scopes/{scopeId}/app-overrides)`);
    return { overrides: Array.isArray(stored) ? stored : [], compiled, skipped };
  }

  /**
   * Replaces the scope's overrides after validating them against the catalog and the apps the
   * scope holds (`AppOverrideError` lists every problem; nothing is stored then). Audited.
   */
  async setOverrides(scopeId: string, overrides: readonly AppOverride[], actor: string, now: Date): Promise<readonly AppOverride[]> {
    const view = await this.view(scopeId, compileAppOverrides([]));
    try {
      compileAppOverrides(overrides, { knownIds: view.apps.map((a) => a.appId) });
    } catch (error) {
      if (error instanceof AppOverrideError) {
        await this.store.audit.record({ at: now, actor, action: "apps.overrides", target: `scope:${scopeId}`, outcome: "refused", details: { problems: error.issues.length } });
      }
      throw error;
    }
    await this.store.cursors.saveCursor(scopeId, OVERRIDES_KEY, { version: 1, overrides } satisfies StoredOverrides);
    await this.store.audit.record({ at: now, actor, action: "apps.overrides", target: `scope:${scopeId}`, outcome: "succeeded", details: { count: overrides.length } });
    return overrides;
  }

  /** The catalog with the stored overrides applied (or the given ones). */
  async view(scopeId: string, given?: CompiledAppOverrides): Promise<AppCatalogView> {
    const overrides = given ?? (await this.storedOverrides(scopeId)).compiled;
    const [devices, managed, inventory, events, statuses, directory, usage, usageCoverage] = await Promise.all([
      this.store.mdm.loadDevices(scopeId),
      this.store.mdm.loadManagedApps(scopeId),
      this.store.inventory.listInventoryRows(scopeId),
      this.store.mdm.listInstallations(scopeId, "events"),
      this.store.inventory.loadInventoryStatuses(scopeId),
      this.store.directory.loadDirectory(scopeId),
      this.store.directory.loadUsage(scopeId),
      this.store.directory.getUsageCoverage(scopeId),
    ]);
    const observation = new Map<InstallationKey, AppObservation>();
    const opened = new Map<InstallationKey, LastOpened>();
    const byDevice = new Map<string, StoredInstallation[]>();
    const add = (r: StoredInstallation): void => {
      const list = byDevice.get(r.deviceId);
      if (list === undefined) byDevice.set(r.deviceId, [r]);
      else list.push(r);
    };
    for (const r of inventory) {
      const key = installationKey(r);
      observation.set(key, r.observation);
      opened.set(key, r.lastOpened);
      add(r);
    }
    for (const r of events) add(r);
    for (const r of managed.installations.values()) add(r);
    // A device removed upstream holds nothing any more; devices never listed (no devices stream yet) still count.
    const removed = new Set([...devices.devices.values()].filter((d) => d.removedAt !== null).map((d) => d.id));
    const present = [...byDevice]
      .filter(([deviceId]) => !removed.has(deviceId))
      .flatMap(([deviceId, rows]) => {
        const s = statuses.get(deviceId);
        return presentApps({ deviceId, inventory: s === undefined || s.removedAt !== null ? null : s, rows });
      });
    return buildAppCatalogView({
      present,
      observationOf: (r) => observation.get(installationKey(r)) ?? null,
      lastOpenedOf: (r) => opened.get(installationKey(r)) ?? null,
      bindings: [...devices.bindings.values()].filter((b) => b.removedAt === null),
      ssoApplications: [...directory.applications.values()].filter((a) => a.removedAt === null),
      assignments: [...directory.assignments.values()].filter((a) => a.removedAt === null && directory.users.get(a.userId)?.removedAt === null),
      usage: [...usage.values()],
      usageCoverage,
      managedApps: [...managed.apps.values()].filter((a) => a.removedAt === null),
      overrides,
    });
  }

  async reclaim(scopeId: string, days: number, now: Date): Promise<ReclaimCandidate[]> {
    return reclaimCandidates((await this.view(scopeId)).userApps, days, now);
  }
}
