import { Inject, Injectable } from "@nestjs/common";
import {
  buildAppCatalogView,
  installationKey,
  presentApps,
  reclaimCandidates,
  type AppCatalogView,
  type AppObservation,
  type CompiledAppOverrides,
  type InstallationKey,
  type LastOpened,
  type ReclaimCandidate,
  type StoredInstallation,
} from "@jumpcloud-sync/domain";
import { STORE, type AppCatalogAreaStore } from "../store/store.types.js";

/**
 * The app catalog of a scope, read from the store: the devices' present apps (inventory snapshot,
 * software events on top, managed statuses — `presentApps`), identified and grouped across sources
 * with the SSO applications, their assignments and usage (`buildAppCatalogView`). Read-only;
 * computed per request from the stored rows (O(rows of the scope)).
 */
@Injectable()
export class AppCatalogService {
  constructor(@Inject(STORE) private readonly store: AppCatalogAreaStore) {}

  async view(scopeId: string, overrides?: CompiledAppOverrides): Promise<AppCatalogView> {
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
      ...(overrides === undefined ? {} : { overrides }),
    });
  }

  async reclaim(scopeId: string, days: number, now: Date): Promise<ReclaimCandidate[]> {
    return reclaimCandidates((await this.view(scopeId)).userApps, days, now);
  }
}
