import {
  applyDeviceChanges as applyDevicesInMemory,
  applyManagedAppChanges as applyManagedInMemory,
  emptyDeviceState,
  emptyManagedAppState,
  foldSoftwareEvents,
  installationKey,
  installationKeysOfEvents,
  mergeInstalledApps,
  reconcileDevices,
  reconcileManagedApps,
  userInstalledApps,
  type Device,
  type DeviceSnapshot,
  type ManagedApp,
  type ManagedAppSnapshot,
  type MdmReconcileResult,
  type SoftwareEvent,
} from "@jumpcloud-sync/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidCursorError, type Store } from "../src/index.js";
import { backends } from "./support/backends.js";
import { changes as directoryChanges, user } from "./support/fixtures.js";

const NOW = new Date("2026-02-01T10:00:00.000Z");
const LATER = new Date("2026-02-02T10:00:00.000Z");
const CURSOR = { readThrough: "2026-02-01T09:00:00.000Z", coverageSince: "2025-11-03T00:00:00.000Z" };

function device(id: string, patch: Partial<Device> = {}): Device {
  return {
    id,
    hostname: `host-${id}`,
    displayName: `Device ${id}`,
    serialNumber: `SN-${id}`,
    os: "Windows",
    osFamily: "windows",
    version: "11",
    arch: "x64",
    lastContact: "2026-01-31T08:00:00Z",
    active: true,
    agentVersion: "1.0.0",
    systemInsights: "enabled",
    mdm: { vendor: "internal", enrollmentType: "device", dep: false, userApproved: null, providerId: null },
    createdAt: "2025-06-01T00:00:00.000Z",
    ...patch,
  };
}
function managedApp(id: string, displayName: string): ManagedApp {
  return {
    id,
    displayName,
    settings: [{ packageId: `pkg.${id}`, packageManager: "WINGET", bundleId: null, desiredState: "Install", packageVersion: "1.0", displayVersion: null, autoUpdate: true, location: null, scope: null, adminIntent: null, teamId: null }],
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: null,
  };
}
const ev = (id: string, type: string, timestamp: string, deviceId: string, name: string, version = "1.0"): SoftwareEvent => ({
  id,
  event_type: type,
  service: "software",
  timestamp,
  system: { id: deviceId },
  application: { name, version, package_manager: "winget" },
});
function ok<C>(r: MdmReconcileResult<C>): C {
  if (r.status !== "ok") throw new Error(r.reason);
  return r.changes;
}
const plain = (m: ReadonlyMap<string, unknown>) => Object.fromEntries(m);

describe.each(backends("mdm"))("MDM store and queries on $name", (backend) => {
  if (backend.unavailable !== null) {
    // Reason: this backend is unavailable here (PostgreSQL without JCS_TEST_PG_URL); one visible
    // skipped test names why instead of the suite vanishing silently.
    it.skip(`skipped: ${backend.unavailable}`, () => undefined);
    return;
  }
  let store: Store;
  beforeAll(async () => {
    await backend.setup();
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend.teardown();
  });

  const devices: DeviceSnapshot = {
    devices: [device("d1"), device("d2", { os: "Mac OS X", osFamily: "darwin", systemInsights: "disabled", lastContact: "2025-12-01T00:00:00Z" }), device("d3", { active: false, lastContact: null })],
    bindings: [
      { deviceId: "d1", userId: "u000001" },
      { deviceId: "d2", userId: "u000001" },
      { deviceId: "d2", userId: "u000002" },
    ],
  };
  const managed: ManagedAppSnapshot = {
    apps: [managedApp("a1", "Slack"), managedApp("a2", "Zoom")],
    statuses: [
      { appId: "a1", deviceId: "d1", state: "INSTALLED", version: "4.1", timestamp: "2026-01-30T00:00:00Z", details: null, code: null },
      { appId: "a1", deviceId: "d2", state: "FAILED", version: null, timestamp: "2026-01-30T00:00:00Z", details: "disk full", code: 7 },
      { appId: "a2", deviceId: "d1", state: "PENDING", version: null, timestamp: null, details: null, code: null },
    ],
    links: [
      { appId: "a1", deviceId: "d1", direct: true, groupIds: [] },
      { appId: "a1", deviceId: "d2", direct: false, groupIds: ["sg1"] },
    ],
  };

  it("devices: stores a snapshot like the domain's in-memory reference; a no-op writes 0 rows; removals tombstone", async () => {
    const scope = "mdm1:-";
    const first = ok(reconcileDevices(emptyDeviceState(), devices, { now: NOW }));
    expect(await store.mdm.applyDeviceChanges(scope, first)).toEqual({ inserted: 6, updated: 0, deleted: 0 });
    const loaded = await store.mdm.loadDevices(scope);
    const expected = applyDevicesInMemory(emptyDeviceState(), first);
    expect(plain(loaded.devices)).toEqual(plain(expected.devices));
    expect(plain(loaded.bindings)).toEqual(plain(expected.bindings));
    // Same set again, and a reconcile against what the store returns: nothing to write.
    expect(await store.mdm.applyDeviceChanges(scope, first)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    const noop = ok(reconcileDevices(loaded, devices, { now: LATER }));
    expect(await store.mdm.applyDeviceChanges(scope, noop)).toEqual({ inserted: 0, updated: 0, deleted: 0 });

    const change = ok(reconcileDevices(loaded, { devices: [device("d1", { agentVersion: "1.0.1" }), devices.devices[1] as Device], bindings: devices.bindings.slice(0, 2) }, { now: LATER }));
    expect(await store.mdm.applyDeviceChanges(scope, change)).toEqual({ inserted: 0, updated: 3, deleted: 0 });
    const after = await store.mdm.loadDevices(scope);
    expect(after.devices.get("d3")?.removedAt).toBe(LATER.toISOString());
    expect(after.bindings.get("d2/u000002")?.removedAt).toBe(LATER.toISOString());
    // Seen again: revived.
    const revive = ok(reconcileDevices(after, devices, { now: LATER }));
    expect(await store.mdm.applyDeviceChanges(scope, revive)).toEqual({ inserted: 0, updated: 3, deleted: 0 });
    expect((await store.mdm.loadDevices(scope)).devices.get("d3")?.removedAt).toBeNull();
  });

  it("managed apps: statuses of every state, links, and managed installations in one write; a no-op writes 0 rows", async () => {
    const scope = "mdm2:-";
    const first = ok(reconcileManagedApps(emptyManagedAppState(), managed, { now: NOW }));
    expect(await store.mdm.applyManagedAppChanges(scope, first)).toEqual({ inserted: 2 + 3 + 2 + 1, updated: 0, deleted: 0 });
    const loaded = await store.mdm.loadManagedApps(scope);
    const expected = applyManagedInMemory(emptyManagedAppState(), first);
    expect(plain(loaded.apps)).toEqual(plain(expected.apps));
    expect(plain(loaded.statuses)).toEqual(plain(expected.statuses));
    expect(plain(loaded.links)).toEqual(plain(expected.links));
    expect(plain(loaded.installations)).toEqual(plain(expected.installations));
    expect(await store.mdm.applyManagedAppChanges(scope, ok(reconcileManagedApps(loaded, managed, { now: LATER })))).toEqual({ inserted: 0, updated: 0, deleted: 0 });

    // d1 loses Slack (FAILED now): the status is updated, the managed installation tombstoned.
    const failed = { ...managed, statuses: managed.statuses.map((s) => (s.deviceId === "d1" && s.appId === "a1" ? { ...s, state: "FAILED" } : s)) };
    const c = ok(reconcileManagedApps(loaded, failed, { now: LATER }));
    expect(await store.mdm.applyManagedAppChanges(scope, c)).toEqual({ inserted: 0, updated: 2, deleted: 0 });
    expect([...(await store.mdm.loadManagedApps(scope)).installations.values()][0]?.removedAt).toBe(LATER.toISOString());
    await expect(store.mdm.applyManagedAppChanges(scope, { ...c, installations: { created: [{ ...first.installations.created[0]!, source: "events" }], updated: [], removed: [] } })).rejects.toThrow(/only "managed"/);
  });

  it("software events: rows and cursor in one transaction; replay writes 0 rows; an older add never resurrects", async () => {
    const scope = "mdm3:-";
    const page1 = [ev("e1", "software_add", "2026-01-10T00:00:00Z", "d1", "Slack"), ev("e2", "software_add", "2026-01-11T00:00:00Z", "d2", "7-Zip"), ev("e3", "software_update", "2026-01-11T00:00:00Z", "d2", "7-Zip")];
    const f1 = foldSoftwareEvents(await store.mdm.loadInstallations(scope, installationKeysOfEvents(page1)), page1);
    expect(await store.mdm.applySoftwareEvents(scope, f1.changes, CURSOR)).toEqual({ inserted: 2, updated: 0, deleted: 0 });
    expect(await store.mdm.getSoftwareEventsCursor(scope)).toEqual(CURSOR);
    // The whole page again (an overlap re-read): the fold finds nothing, and a stale replay of its rows writes nothing.
    const again = foldSoftwareEvents(await store.mdm.loadInstallations(scope, installationKeysOfEvents(page1)), page1);
    expect(again.changes).toEqual([]);
    expect(await store.mdm.applySoftwareEvents(scope, f1.changes, CURSOR)).toEqual({ inserted: 0, updated: 0, deleted: 0 });

    const page2 = [ev("e4", "software_remove", "2026-01-20T00:00:00Z", "d1", "Slack"), ev("e5", "software_change", "2026-01-21T00:00:00Z", "d3", "Notepad++", "8.6")];
    const keys2 = installationKeysOfEvents(page2);
    const loaded2 = await store.mdm.loadInstallations(scope, keys2);
    expect([...loaded2.keys()]).toEqual([installationKey({ deviceId: "d1", appKey: "slack", source: "events", sourceRef: "" })]);
    const f2 = foldSoftwareEvents(loaded2, page2);
    expect(await store.mdm.applySoftwareEvents(scope, f2.changes, { ...CURSOR, readThrough: "2026-02-01T09:30:00.000Z" })).toEqual({ inserted: 1, updated: 1, deleted: 0 });
    // The stale first fold replayed after the removal: the database keeps the later remove.
    expect(await store.mdm.applySoftwareEvents(scope, f1.changes, CURSOR)).toEqual({ inserted: 0, updated: 0, deleted: 0 });
    const rows = await store.mdm.listInstallations(scope, "events");
    expect(rows.map((r) => [r.deviceId, r.appKey, r.removedAt, r.evidenceKind])).toEqual([
      ["d1", "slack", "2026-01-20T00:00:00.000Z", "remove"],
      ["d2", "7-zip", null, "add"],
      ["d3", "notepad++", null, "change"],
    ]);
    expect(rows[0]).toMatchObject({ firstSeenAt: "2026-01-10T00:00:00.000Z", lastSeenAt: "2026-01-10T00:00:00.000Z" });
    // An event older than what is stored widens first seen without changing the decision.
    const older = [ev("e0", "software_add", "2026-01-05T00:00:00Z", "d2", "7-zip", "0.9")];
    const f3 = foldSoftwareEvents(await store.mdm.loadInstallations(scope, installationKeysOfEvents(older)), older);
    expect(await store.mdm.applySoftwareEvents(scope, f3.changes, CURSOR)).toEqual({ inserted: 0, updated: 1, deleted: 0 });
    expect((await store.mdm.listInstallations(scope, "events"))[1]).toMatchObject({ firstSeenAt: "2026-01-05T00:00:00.000Z", version: "1.0", evidenceId: "e2" });
    await expect(store.mdm.applySoftwareEvents(scope, [{ ...rows[0]!, source: "managed" }], CURSOR)).rejects.toThrow(/only "events"/);

    expect(await store.mdm.getSoftwareEventsCoverage(scope)).toEqual({ kind: "not-synced" });
    await store.mdm.setSoftwareEventsCoverage(scope, { kind: "available", since: "2025-11-03T00:00:00.000Z" });
    expect(await store.mdm.getSoftwareEventsCoverage(scope)).toEqual({ kind: "available", since: "2025-11-03T00:00:00.000Z" });
  });

  it("a failed software-events write leaves neither rows nor the cursor behind", async () => {
    const scope = "mdm4:-";
    const page = [ev("e1", "software_add", "2026-01-10T00:00:00Z", "d1", "Slack")];
    const f = foldSoftwareEvents(new Map(), page);
    const bad = { ...f.changes[0]!, deviceId: "d2", evidenceAt: "not a date" };
    await expect(store.mdm.applySoftwareEvents(scope, [...f.changes, bad], CURSOR)).rejects.toThrow(/not an ISO 8601/);
    expect(await store.mdm.listInstallations(scope, "events")).toEqual([]);
    expect(await store.mdm.getSoftwareEventsCursor(scope)).toBeNull();
  });

  describe("read models", () => {
    const scope = "mdmq:-";
    beforeAll(async () => {
      await store.directory.applyDirectoryChanges(scope, directoryChanges({ users: { created: [user(1), user(2)] } }));
      await store.mdm.applyDeviceChanges(scope, ok(reconcileDevices(emptyDeviceState(), devices, { now: NOW })));
      await store.mdm.applyManagedAppChanges(scope, ok(reconcileManagedApps(emptyManagedAppState(), managed, { now: NOW })));
      const page = [
        ev("e1", "software_add", "2026-01-10T00:00:00Z", "d1", "slack", "4.0"), // the same app as managed "Slack" on d1
        ev("e2", "software_add", "2026-01-11T00:00:00Z", "d2", "Slack", "4.2"),
        ev("e3", "software_add", "2026-01-11T00:00:00Z", "d2", "7-Zip"),
        ev("e4", "software_add", "2026-01-12T00:00:00Z", "d3", "7-Zip"),
        ev("e5", "software_add", "2026-01-12T00:00:00Z", "d1", "Firefox"),
        ev("e6", "software_remove", "2026-01-13T00:00:00Z", "d1", "Firefox"),
        ev("e7", "software_add", "2026-01-12T00:00:00Z", "gone", "Firefox"), // a device not (or no longer) listed
      ];
      await store.mdm.applySoftwareEvents(scope, foldSoftwareEvents(new Map(), page).changes, CURSOR);
      await store.mdm.setSoftwareEventsCoverage(scope, { kind: "available", since: "2025-11-03T00:00:00.000Z" });
    });

    it("lists devices with users and app counts, filtered by OS, status, user, System Insights and last contact", async () => {
      const all = await store.mdmQuery.listDevices({ scopeId: scope, limit: 10 });
      expect(all.items.map((d) => [d.id, d.status, d.installedApps, d.users.map((u) => u.username)])).toEqual([
        ["d1", "active", 1, ["user1"]],
        ["d2", "active", 2, ["user1", "user2"]],
        ["d3", "inactive", 1, []],
      ]);
      const ids = async (q: Partial<Parameters<Store["mdmQuery"]["listDevices"]>[0]>) => (await store.mdmQuery.listDevices({ scopeId: scope, limit: 10, ...q })).items.map((d) => d.id);
      expect(await ids({ osFamily: "DARWIN" })).toEqual(["d2"]);
      expect(await ids({ os: "windows" })).toEqual(["d1", "d3"]);
      expect(await ids({ status: "inactive" })).toEqual(["d3"]);
      expect(await ids({ userId: "u000002" })).toEqual(["d2"]);
      expect(await ids({ systemInsights: "disabled" })).toEqual(["d2"]);
      expect(await ids({ lastContactBefore: new Date("2026-01-01T00:00:00Z") })).toEqual(["d2", "d3"]);
      expect(await ids({ lastContactSince: new Date("2026-01-01T00:00:00Z") })).toEqual(["d1"]);
      expect(await ids({ search: "sn-d3" })).toEqual(["d3"]);
      expect(await ids({ updatedSince: new Date(Date.now() + 60_000) })).toEqual([]);
      const p1 = await store.mdmQuery.listDevices({ scopeId: scope, limit: 2 });
      expect(p1.items.map((d) => d.id)).toEqual(["d1", "d2"]);
      const p2 = await store.mdmQuery.listDevices({ scopeId: scope, limit: 2, cursor: p1.nextCursor ?? "" });
      expect([p2.items.map((d) => d.id), p2.nextCursor]).toEqual([["d3"], null]);
      await expect(store.mdmQuery.listDevices({ limit: 1, cursor: "garbage" })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it("a device's detail merges sources and keeps every managed status", async () => {
      const d1 = await store.mdmQuery.getDevice(scope, "d1");
      expect(d1?.installations).toEqual([
        { appKey: "slack", name: "Slack", sources: ["managed", "events"], versions: ["4.0", "4.1"], firstSeenAt: "2026-01-10T00:00:00.000Z", lastSeenAt: "2026-01-30T00:00:00.000Z", managedAppIds: ["a1"] },
      ]);
      expect(d1?.managedStatuses.map((s) => [s.appId, s.displayName, s.state, s.installed])).toEqual([
        ["a1", "Slack", "INSTALLED", true],
        ["a2", "Zoom", "PENDING", false],
      ]);
      expect(d1?.softwareEventsCoverage).toEqual({ kind: "available", since: "2025-11-03T00:00:00.000Z" });
      expect(await store.mdmQuery.getDevice(scope, "nope")).toBeNull();
    });

    it("installed apps: device and user counts and sources, matching the domain's merge; an app's devices and users", async () => {
      const apps = await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 10 });
      expect(apps.items.map((a) => [a.appKey, a.name, a.devices, a.users, a.sources, a.versions, a.managedAppIds])).toEqual([
        ["7-zip", "7-Zip", 2, 2, ["events"], ["1.0"], []],
        ["slack", "Slack", 2, 2, ["managed", "events"], ["4.0", "4.1", "4.2"], ["a1"]],
      ]);
      // The same truth from the domain's reference over everything stored.
      const loadedDevices = await store.mdm.loadDevices(scope);
      const rows = [...(await store.mdm.listInstallations(scope, "events")), ...(await store.mdm.listInstallations(scope, "managed"))];
      const merged = mergeInstalledApps(rows, loadedDevices.devices);
      expect([...new Set(merged.map((a) => a.appKey))].sort()).toEqual(apps.items.map((a) => a.appKey));
      expect((await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 10, source: "managed" })).items.map((a) => a.appKey)).toEqual(["slack"]);
      expect((await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 10, search: "zip" })).items.map((a) => a.appKey)).toEqual(["7-zip"]);
      const p1 = await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 1 });
      expect((await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 1, cursor: p1.nextCursor ?? "" })).items.map((a) => a.appKey)).toEqual(["slack"]);
      expect(await store.mdmQuery.getInstalledApp(scope, "firefox")).toBeNull();
      // updatedSince sees written rows, tombstones included: Firefox (removed on d1, live only on an
      // unknown device) is a candidate there but not installed, and paging steps over it.
      const since = { scopeId: scope, updatedSince: new Date(0) };
      const s1 = await store.mdmQuery.listInstalledApps({ ...since, limit: 1 });
      expect(s1.items.map((a) => a.appKey)).toEqual(["7-zip"]);
      const s2 = await store.mdmQuery.listInstalledApps({ ...since, limit: 1, cursor: s1.nextCursor ?? "" });
      expect([s2.items.map((a) => a.appKey), s2.nextCursor]).toEqual([["slack"], null]);
      expect((await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 10, updatedSince: new Date(Date.now() + 60_000) })).items).toEqual([]);
      expect((await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 10, source: "events" })).items.map((a) => a.appKey)).toEqual(["7-zip", "slack"]);
      expect(await store.mdmQuery.getInstalledApp(scope, "slack")).toEqual(apps.items[1]);
      // Across scopes (other scopes of this file have installations but no live devices for them).
      const across = await store.mdmQuery.listInstalledApps({ limit: 1 });
      expect(across.items.map((a) => [a.scopeId, a.appKey])).toEqual([[scope, "7-zip"]]);
      expect((await store.mdmQuery.listInstalledApps({ limit: 5, cursor: across.nextCursor ?? "" })).items.map((a) => [a.scopeId, a.appKey])).toEqual([[scope, "slack"]]);

      const slackDevices = await store.mdmQuery.listAppDevices(scope, "slack", { limit: 1 });
      expect(slackDevices.items).toEqual([{ deviceId: "d1", hostname: "host-d1", displayName: "Device d1", sources: ["managed", "events"], versions: ["4.0", "4.1"], firstSeenAt: "2026-01-10T00:00:00.000Z", lastSeenAt: "2026-01-30T00:00:00.000Z" }]);
      const next = await store.mdmQuery.listAppDevices(scope, "slack", { limit: 1, cursor: slackDevices.nextCursor ?? "" });
      expect([next.items.map((d) => d.deviceId), next.nextCursor]).toEqual([["d2"], null]);
      expect((await store.mdmQuery.listAppUsers(scope, "slack", { limit: 10 })).items).toEqual([
        { userId: "u000001", username: "user1", deviceIds: ["d1", "d2"] },
        { userId: "u000002", username: "user2", deviceIds: ["d2"] },
      ]);
    });

    it("a user's apps are the union over their devices, like the domain's userInstalledApps", async () => {
      const page = await store.mdmQuery.listUserInstalledApps(scope, "u000001", { limit: 10 });
      expect(page.items).toEqual([
        { appKey: "7-zip", name: "7-Zip", sources: ["events"], versions: ["1.0"], deviceIds: ["d2"] },
        { appKey: "slack", name: "Slack", sources: ["managed", "events"], versions: ["4.0", "4.1", "4.2"], deviceIds: ["d1", "d2"] },
      ]);
      const loaded = await store.mdm.loadDevices(scope);
      const rows = [...(await store.mdm.listInstallations(scope, "events")), ...(await store.mdm.listInstallations(scope, "managed"))];
      const reference = userInstalledApps(loaded.bindings.values(), mergeInstalledApps(rows, loaded.devices)).filter((a) => a.userId === "u000001");
      expect(page.items).toEqual(reference.map(({ userId: _u, ...rest }) => rest));
      const first = await store.mdmQuery.listUserInstalledApps(scope, "u000001", { limit: 1 });
      expect((await store.mdmQuery.listUserInstalledApps(scope, "u000001", { limit: 1, cursor: first.nextCursor ?? "" })).items.map((a) => a.appKey)).toEqual(["slack"]);
    });

    it("managed apps with status counts and linked devices", async () => {
      const page = await store.mdmQuery.listManagedApps({ scopeId: scope, limit: 10 });
      expect(page.items.map((a) => [a.id, a.appKey, a.packageManager, a.statusCounts, a.linkedDevices])).toEqual([
        ["a1", "slack", "WINGET", { INSTALLED: 1, FAILED: 1 }, 2],
        ["a2", "zoom", "WINGET", { PENDING: 1 }, 0],
      ]);
      expect((await store.mdmQuery.getManagedApp(scope, "a2"))?.displayName).toBe("Zoom");
      expect((await store.mdmQuery.listManagedApps({ scopeId: scope, limit: 10, search: "zoo" })).items.map((a) => a.id)).toEqual(["a2"]);
    });

    it("purging the scope's MDM data leaves the directory alone", async () => {
      await store.mdm.purgeScope(scope);
      expect((await store.mdm.loadDevices(scope)).devices.size).toBe(0);
      expect(await store.mdm.getSoftwareEventsCursor(scope)).toBeNull();
      expect((await store.mdmQuery.listInstalledApps({ scopeId: scope, limit: 10 })).items).toEqual([]);
      expect((await store.directory.loadDirectory(scope)).users.size).toBe(2);
    });
  });
});
