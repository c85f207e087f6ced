import type {
  AppDeviceView,
  AppUserView,
  DeviceDetailView,
  DeviceQuery,
  DeviceView,
  InstalledAppQuery,
  InstalledAppView,
  ManagedAppQuery,
  ManagedAppView,
  PageRequest,
  UserInstalledAppView,
} from "../model/mdm-read-models.js";
import type { Page } from "../model/read-models.js";

/**
 * The MDM read models the HTTP API serves. Lists are keyset-paginated with opaque cursors (stable
 * while rows are added); `limit` is clamped to 1…1000; a malformed cursor throws. "Installed" means
 * a live installation row of any source on a live device; a user's apps are the union over the
 * user's live bindings.
 */
export interface MdmQueryPort {
  listDevices(query: DeviceQuery): Promise<Page<DeviceView>>;
  getDevice(scopeId: string, deviceId: string): Promise<DeviceDetailView | null>;

  listInstalledApps(query: InstalledAppQuery): Promise<Page<InstalledAppView>>;
  getInstalledApp(scopeId: string, appKey: string): Promise<InstalledAppView | null>;
  /** Live devices that hold the app, by device id. */
  listAppDevices(scopeId: string, appKey: string, page: PageRequest): Promise<Page<AppDeviceView>>;
  /** Users bound to a live device that holds the app, by user id. */
  listAppUsers(scopeId: string, appKey: string, page: PageRequest): Promise<Page<AppUserView>>;
  /** The apps on the user's live bound devices, by app key. */
  listUserInstalledApps(scopeId: string, userId: string, page: PageRequest): Promise<Page<UserInstalledAppView>>;

  listManagedApps(query: ManagedAppQuery): Promise<Page<ManagedAppView>>;
  getManagedApp(scopeId: string, appId: string): Promise<ManagedAppView | null>;
}
