import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Tracked } from "../model/directory.js";
import {
  emptyDeviceState,
  emptyManagedAppState,
  installationKey,
  isInstalledState,
  parseInstallationKey,
  type Device,
  type DeviceBinding,
  type DeviceSnapshot,
  type ManagedApp,
  type ManagedAppSnapshot,
  type SoftwareEvent,
  type StoredInstallation,
} from "../model/mdm.js";
import {
  appKeyOf,
  applyDeviceChanges,
  applyManagedAppChanges,
  deviceChangeCount,
  foldSoftwareEvents,
  installationKeysOfEvents,
  isEmptyDeviceChangeSet,
  isEmptyManagedAppChangeSet,
  managedAppKey,
  mergeInstalledApps,
  reconcileDevices,
  reconcileManagedApps,
  softwareFactOf,
  userInstalledApps,
  type MdmReconcileResult,
} from "./mdm.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const T1 = new Date("2026-01-02T00:00:00.000Z");
const T2 = new Date("2026-01-03T00:00:00.000Z");

function device(id: string, patch: Partial<Device> = {}): Device {
  return {
    id,
    hostname: `host-${id}`,
    displayName: `Device ${id}`,
    serialNumber: `SN${id}`,
    os: "Mac OS X",
    osFamily: "darwin",
    version: "14.1",
    arch: "arm64",
    lastContact: "2025-12-31T10:00:00.000Z",
    active: true,
    agentVersion: "1.2.3",
    systemInsights: "enabled",
    mdm: { vendor: "internal", enrollmentType: "automated device", dep: true, userApproved: true, providerId: null },
    createdAt: "2025-01-01T00:00:00.000Z",
    ...patch,
  };
}
const bind = (deviceId: string, userId: string): DeviceBinding => ({ deviceId, userId });
function managedApp(id: string, displayName: string, patch: Partial<ManagedApp> = {}): ManagedApp {
  return {
    id,
    displayName,
    settings: [
      { packageId: `pkg.${id}`, packageManager: "CHOCOLATEY", bundleId: null, desiredState: "Install", packageVersion: null, displayVersion: null, autoUpdate: false, location: null, scope: null, adminIntent: null, teamId: null },
    ],
    createdAt: null,
    updatedAt: null,
    ...patch,
  };
}
function ok<C>(r: MdmReconcileResult<C>): C {
  if (r.status !== "ok") throw new Error(`refused: ${r.reason}`);
  return r.changes;
}

describe("appKeyOf", () => {
  it("normalizes case, width, whitespace and underscores deterministically", () => {
    expect(appKeyOf("  Google   Chrome ")).toBe("google chrome");
    expect(appKeyOf("GOOGLE_CHROME")).toBe("google chrome");
    expect(appKeyOf("Ｚｏｏｍ")).toBe("zoom");
    expect(appKeyOf("   ")).toBeNull();
    expect(appKeyOf(undefined)).toBeNull();
    expect(managedAppKey({ id: "a1", displayName: "Slack" })).toBe("slack");
    expect(managedAppKey({ id: "a1", displayName: " " })).toBe("softwareapp:a1");
  });
  it("round-trips installation keys, even with separators in app names", () => {
    const k = { deviceId: "d1", appKey: "a/b c", source: "events" as const, sourceRef: "" };
    expect(parseInstallationKey(installationKey(k))).toEqual(k);
    expect(() => parseInstallationKey("d1/x")).toThrow(/not an installation key/);
  });
  it("counts only INSTALLED as installed", () => {
    expect(isInstalledState("INSTALLED")).toBe(true);
    expect(isInstalledState(" installed ")).toBe(true);
    expect(isInstalledState("FAILED")).toBe(false);
    expect(isInstalledState("PENDING")).toBe(false);
  });
});

describe("reconcileDevices", () => {
  const snap: DeviceSnapshot = { devices: [device("d1"), device("d2")], bindings: [bind("d1", "u1"), bind("d2", "u1"), bind("d2", "u2")] };

  it("creates, then gives an empty change set for the same listing in another order", () => {
    const first = ok(reconcileDevices(emptyDeviceState(), snap, { now: T0 }));
    expect(deviceChangeCount(first)).toBe(5);
    const state = applyDeviceChanges(emptyDeviceState(), first);
    const again = ok(reconcileDevices(state, { devices: [...snap.devices].reverse(), bindings: [...snap.bindings].reverse() }, { now: T1 }));
    expect(isEmptyDeviceChangeSet(again)).toBe(true);
  });

  it("updates a changed field, tombstones a vanished device and binding, revives it later", () => {
    const state = applyDeviceChanges(emptyDeviceState(), ok(reconcileDevices(emptyDeviceState(), snap, { now: T0 })));
    const changed = ok(reconcileDevices(state, { devices: [device("d1", { systemInsights: "disabled" })], bindings: [bind("d1", "u1")] }, { now: T1 }));
    expect(changed.devices.updated.map((d) => d.id)).toEqual(["d1"]);
    expect(changed.devices.removed).toEqual([{ key: "d2", removedAt: T1.toISOString() }]);
    expect(changed.bindings.removed.map((r) => r.key).sort()).toEqual(["d2/u1", "d2/u2"]);
    const after = applyDeviceChanges(state, changed);
    expect(after.devices.get("d2")?.removedAt).toBe(T1.toISOString());
    const revived = ok(reconcileDevices(after, snap, { now: T2 }));
    expect(revived.devices.created.map((d) => d.id)).toEqual(["d2"]);
  });

  it("refuses a listing that would remove most devices, unless forced", () => {
    const many: DeviceSnapshot = { devices: Array.from({ length: 20 }, (_, i) => device(`d${i}`)), bindings: [] };
    const state = applyDeviceChanges(emptyDeviceState(), ok(reconcileDevices(emptyDeviceState(), many, { now: T0 })));
    const r = reconcileDevices(state, { devices: [], bindings: [] }, { now: T1 });
    expect(r.status).toBe("refused");
    if (r.status === "refused") expect(r.reason).toMatch(/remove 20 of 20 devices/);
    expect(reconcileDevices(state, { devices: [], bindings: [] }, { now: T1, force: true }).status).toBe("ok");
  });

  it("a property: reconciling twice is empty and applying twice is a fixpoint", () => {
    const arbDevice = (id: string) => fc.record({ active: fc.boolean(), os: fc.constantFrom("Windows", "Mac OS X"), lastContact: fc.option(fc.constantFrom("2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"), { nil: null }) }).map((p) => device(id, p));
    const arbSnap = fc.record({ ids: fc.subarray(["d1", "d2", "d3", "d4"]), users: fc.subarray(["u1", "u2", "u3"]) }).chain(({ ids, users }) =>
      fc.record({
        devices: fc.tuple(...ids.map(arbDevice)).map((ds) => [...ds]),
        bindings: fc.subarray(ids.flatMap((d) => users.map((u) => bind(d, u)))),
      }),
    );
    fc.assert(
      fc.property(fc.array(arbSnap, { minLength: 1, maxLength: 4 }), (snaps) => {
        let state = emptyDeviceState();
        for (const s of snaps) {
          const c = ok(reconcileDevices(state, s, { now: T0, force: true }));
          const next = applyDeviceChanges(state, c);
          expect(applyDeviceChanges(next, c)).toEqual(next);
          expect(isEmptyDeviceChangeSet(ok(reconcileDevices(next, s, { now: T1, force: true })))).toBe(true);
          state = next;
        }
      }),
    );
  });
});

describe("reconcileManagedApps", () => {
  const snap: ManagedAppSnapshot = {
    apps: [managedApp("a1", "Slack"), managedApp("a2", "Zoom")],
    statuses: [
      { appId: "a1", deviceId: "d1", state: "INSTALLED", version: "4.1", timestamp: "2025-12-30T00:00:00Z", details: null, code: null },
      { appId: "a1", deviceId: "d2", state: "FAILED", version: null, timestamp: "2025-12-30T00:00:00Z", details: "disk full", code: 3 },
      { appId: "a2", deviceId: "d1", state: "PENDING", version: null, timestamp: null, details: null, code: null },
    ],
    links: [
      { appId: "a1", deviceId: "d1", direct: true, groupIds: [] },
      { appId: "a1", deviceId: "d1", direct: false, groupIds: ["sg1"] },
      { appId: "a1", deviceId: "d2", direct: false, groupIds: ["sg1"] },
    ],
  };

  it("keeps every status, derives managed installations only from INSTALLED, merges link paths", () => {
    const c = ok(reconcileManagedApps(emptyManagedAppState(), snap, { now: T0 }));
    expect(c.statuses.created).toHaveLength(3);
    expect(c.links.created).toEqual([
      { appId: "a1", deviceId: "d1", direct: true, groupIds: ["sg1"] },
      { appId: "a1", deviceId: "d2", direct: false, groupIds: ["sg1"] },
    ]);
    expect(c.installations.created).toEqual([
      {
        deviceId: "d1",
        appKey: "slack",
        source: "managed",
        sourceRef: "a1",
        name: "Slack",
        version: "4.1",
        packageManager: "CHOCOLATEY",
        firstSeenAt: "2025-12-30T00:00:00.000Z",
        lastSeenAt: "2025-12-30T00:00:00.000Z",
        evidenceAt: "2025-12-30T00:00:00.000Z",
        evidenceId: "a1/d1",
        evidenceKind: "status",
      },
    ]);
    const state = applyManagedAppChanges(emptyManagedAppState(), c);
    expect(isEmptyManagedAppChangeSet(ok(reconcileManagedApps(state, { ...snap, statuses: [...snap.statuses].reverse(), links: [...snap.links].reverse() }, { now: T1 })))).toBe(true);
  });

  it("removes the managed installation when the status leaves INSTALLED, keeps first seen while it stays", () => {
    const state = applyManagedAppChanges(emptyManagedAppState(), ok(reconcileManagedApps(emptyManagedAppState(), snap, { now: T0 })));
    const newer = { ...snap, statuses: snap.statuses.map((s) => (s.deviceId === "d1" && s.appId === "a1" ? { ...s, version: "4.2", timestamp: "2026-01-01T12:00:00Z" } : s)) };
    const c1 = ok(reconcileManagedApps(state, newer, { now: T1 }));
    expect(c1.installations.updated).toMatchObject([{ version: "4.2", firstSeenAt: "2025-12-30T00:00:00.000Z", lastSeenAt: "2026-01-01T12:00:00.000Z" }]);
    const failed = { ...snap, statuses: snap.statuses.map((s) => (s.deviceId === "d1" && s.appId === "a1" ? { ...s, state: "FAILED" } : s)) };
    const c2 = ok(reconcileManagedApps(applyManagedAppChanges(state, c1), failed, { now: T2 }));
    expect(c2.statuses.updated).toHaveLength(1);
    expect(c2.installations.removed).toEqual([{ key: installationKey({ deviceId: "d1", appKey: "slack", source: "managed", sourceRef: "a1" }), removedAt: T2.toISOString() }]);
  });

  it("a property: any sequence of listings applies idempotently, re-reconciles empty, and installed rows mirror INSTALLED statuses", () => {
    const arbSnap = fc
      .record({ apps: fc.subarray(["a1", "a2", "a3"]), devices: fc.subarray(["d1", "d2", "d3"]) })
      .chain(({ apps, devices }) =>
        fc.record({
          apps: fc.tuple(...apps.map((a) => fc.constantFrom("Slack", "Zoom", "slack ").map((n) => managedApp(a, n)))).map((xs) => [...xs]),
          statuses: fc.tuple(
            ...apps.flatMap((a) =>
              devices.map((d) =>
                fc.record({ state: fc.constantFrom("INSTALLED", "FAILED", "PENDING"), version: fc.constantFrom("1", "2"), ts: fc.option(fc.constantFrom("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"), { nil: null }) }).map((r) => ({
                  appId: a,
                  deviceId: d,
                  state: r.state,
                  version: r.version,
                  timestamp: r.ts,
                  details: null,
                  code: null,
                })),
              ),
            ),
          ).map((xs) => [...xs]),
          links: fc.subarray(apps.flatMap((a) => devices.map((d) => ({ appId: a, deviceId: d, direct: true, groupIds: [] as string[] })))),
        }),
      );
    fc.assert(
      fc.property(fc.array(arbSnap, { minLength: 1, maxLength: 4 }), (snaps) => {
        let state = emptyManagedAppState();
        for (const [i, s] of snaps.entries()) {
          const now = new Date(T0.getTime() + i * 86_400_000);
          const c = ok(reconcileManagedApps(state, s, { now, force: true }));
          const next = applyManagedAppChanges(state, c);
          expect(applyManagedAppChanges(next, c)).toEqual(next);
          expect(isEmptyManagedAppChangeSet(ok(reconcileManagedApps(next, s, { now: T2, force: true })))).toBe(true);
          const live = [...next.installations.values()].filter((r) => r.removedAt === null).map((r) => `${r.sourceRef}/${r.deviceId}`).sort();
          expect(live).toEqual(s.statuses.filter((st) => isInstalledState(st.state)).map((st) => `${st.appId}/${st.deviceId}`).sort());
          state = next;
        }
      }),
    );
  });

  it("stamps first seen with the sync time when the status has no timestamp", () => {
    const c = ok(reconcileManagedApps(emptyManagedAppState(), { ...snap, statuses: [{ appId: "a2", deviceId: "d3", state: "Installed", version: null, timestamp: null, details: null, code: null }] }, { now: T0 }));
    expect(c.installations.created).toMatchObject([{ deviceId: "d3", appKey: "zoom", firstSeenAt: T0.toISOString() }]);
  });
});

// ---- software events ---------------------------------------------------------------------------

const ev = (id: string, type: string, timestamp: string, deviceId: string, name: string, version: string | null = "1.0", extra: Partial<SoftwareEvent> = {}): SoftwareEvent => ({
  id,
  event_type: type,
  service: "software",
  timestamp,
  system: { id: deviceId, hostname: `host-${deviceId}` },
  application: { name, ...(version === null ? {} : { version }), package_manager: "brew" },
  ...extra,
});

function foldAll(pages: SoftwareEvent[][], start: ReadonlyMap<string, StoredInstallation> = new Map()): Map<string, StoredInstallation> {
  const state = new Map(start);
  for (const page of pages) {
    // As the service does: load only the keys the page touches.
    const touched = new Map<string, StoredInstallation>();
    for (const k of installationKeysOfEvents(page)) {
      const row = state.get(k);
      if (row !== undefined) touched.set(k, row);
    }
    for (const r of foldSoftwareEvents(touched, page).changes) state.set(installationKey(r), r);
  }
  return state;
}

describe("softwareFactOf", () => {
  it("reads the three software types and ignores the rest, software_update included", () => {
    expect(softwareFactOf(ev("e1", "software_add", "2026-01-01T00:00:00Z", "d1", "Slack"))).toMatchObject({ kind: "add", appKey: "slack", deviceId: "d1", version: "1.0", packageManager: "brew" });
    expect(softwareFactOf(ev("e1", "software_update", "2026-01-01T00:00:00Z", "d1", "Slack"))).toBe("ignored");
    expect(softwareFactOf({ ...ev("e1", "software_add", "2026-01-01T00:00:00Z", "d1", "Slack"), service: "directory" })).toBe("ignored");
    expect(softwareFactOf(ev("", "software_add", "2026-01-01T00:00:00Z", "d1", "Slack"))).toBe("ignored");
    expect(softwareFactOf(ev("e1", "software_add", "not a date", "d1", "Slack"))).toBe("ignored");
    expect(softwareFactOf(ev("e1", "software_add", "2026-01-01T00:00:00Z", "", "Slack"))).toBe("unmatched");
    expect(softwareFactOf(ev("e1", "software_add", "2026-01-01T00:00:00Z", "d1", " "))).toBe("unmatched");
  });
  it("falls back on display_name and the resource, and takes a change's new version", () => {
    expect(softwareFactOf({ id: "e", event_type: "software_remove", timestamp: "2026-01-01T00:00:00Z", resource: { system_id: "d9", app_name: "Zoom.us" } })).toMatchObject({ deviceId: "d9", appKey: "zoom.us", kind: "remove" });
    const change = ev("e2", "software_change", "2026-01-01T00:00:00Z", "d1", "Slack", "4.0", { changes: [{ field: "version", from: "4.0", to: "4.1" }] });
    expect(softwareFactOf(change)).toMatchObject({ kind: "change", version: "4.1" });
  });
});

describe("foldSoftwareEvents", () => {
  it("an add installs, a later remove removes, an older add read again never resurrects", () => {
    const add = ev("e1", "software_add", "2026-01-01T00:00:00Z", "d1", "Slack");
    const remove = ev("e2", "software_remove", "2026-01-05T00:00:00Z", "d1", "Slack");
    const s1 = foldAll([[add]]);
    const row = [...s1.values()][0];
    expect(row).toMatchObject({ removedAt: null, firstSeenAt: "2026-01-01T00:00:00.000Z", lastSeenAt: "2026-01-01T00:00:00.000Z", evidenceKind: "add", source: "events", sourceRef: "" });
    const s2 = foldAll([[remove]], s1);
    expect([...s2.values()][0]?.removedAt).toBe("2026-01-05T00:00:00.000Z");
    const s3 = foldAll([[add]], s2);
    expect(s3).toEqual(s2);
    // Out of order in one page: the remove still wins.
    expect([...foldAll([[remove, add]]).values()][0]?.removedAt).toBe("2026-01-05T00:00:00.000Z");
    // A remove seen before any add leaves a tombstone that blocks the older add.
    const s4 = foldAll([[remove], [add]]);
    expect([...s4.values()][0]).toMatchObject({ removedAt: "2026-01-05T00:00:00.000Z", firstSeenAt: "2026-01-01T00:00:00.000Z" });
  });

  it("a change proves presence without its add; a re-add after a remove revives", () => {
    const change = ev("e3", "software_change", "2026-01-02T00:00:00Z", "d1", "Slack", "4.0", { changes: [{ field: "version", from: "4.0", to: "4.1" }] });
    expect([...foldAll([[change]]).values()][0]).toMatchObject({ removedAt: null, version: "4.1" });
    const s = foldAll([[ev("e1", "software_add", "2026-01-01T00:00:00Z", "d1", "Slack"), ev("e2", "software_remove", "2026-01-03T00:00:00Z", "d1", "Slack"), ev("e4", "software_add", "2026-01-04T00:00:00Z", "d1", "slack", "5.0")]]);
    expect([...s.values()][0]).toMatchObject({ removedAt: null, version: "5.0", firstSeenAt: "2026-01-01T00:00:00.000Z", lastSeenAt: "2026-01-04T00:00:00.000Z" });
  });

  it("writes nothing when an overlap is re-read, and reports stats and the earliest event", () => {
    const page = [ev("e1", "software_add", "2026-01-01T00:00:00.123456Z", "d1", "Slack"), ev("e2", "software_update", "2025-12-01T00:00:00Z", "d1", "Slack"), ev("e3", "software_add", "2026-01-01T00:00:00Z", "", "Slack")];
    const f = foldSoftwareEvents(new Map(), page);
    expect(f.stats).toEqual({ events: 3, applied: 1, ignored: 1, unmatched: 1 });
    expect(f.earliestEventAt).toBe("2025-12-01T00:00:00.000Z");
    const stored = new Map(f.changes.map((r) => [installationKey(r), r]));
    expect(foldSoftwareEvents(stored, page).changes).toEqual([]);
  });

  it("a property: any order, duplication and paging gives the same rows", () => {
    const arbEvent = fc
      .record({
        n: fc.integer({ min: 0, max: 30 }),
        type: fc.constantFrom("software_add", "software_change", "software_remove", "software_update"),
        day: fc.integer({ min: 1, max: 4 }),
        device: fc.constantFrom("d1", "d2"),
        name: fc.constantFrom("Slack", "slack", "Zoom"),
        version: fc.constantFrom("1", "2"),
      })
      .map((r) => ev(`e${r.n}`, r.type, `2026-01-0${r.day}T00:00:00Z`, r.device, r.name, r.version));
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 25 }), fc.integer({ min: 1, max: 5 }), fc.func(fc.integer()), (events, pageSize, shuffleKey) => {
        const reference = foldAll([events]);
        const shuffled = [...events, ...events.slice(0, 3)].map((e, i) => ({ e, k: shuffleKey(i) })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const pages: SoftwareEvent[][] = [];
        for (let i = 0; i < shuffled.length; i += pageSize) pages.push(shuffled.slice(i, i + pageSize));
        expect(foldAll(pages)).toEqual(reference);
        // Folding everything again changes nothing.
        expect(foldSoftwareEvents(reference, events).changes).toEqual([]);
        // The decision is the max (instant, id) fact: removed iff that fact is a remove.
        for (const row of reference.values()) expect(row.removedAt !== null).toBe(row.evidenceKind === "remove");
      }),
    );
  });
});

describe("mergeInstalledApps and userInstalledApps", () => {
  const row = (deviceId: string, appKey: string, source: StoredInstallation["source"], patch: Partial<StoredInstallation> = {}): StoredInstallation => ({
    deviceId,
    appKey,
    source,
    sourceRef: source === "managed" ? "a1" : "",
    name: appKey,
    version: "1",
    packageManager: null,
    firstSeenAt: "2026-01-02T00:00:00.000Z",
    lastSeenAt: "2026-01-02T00:00:00.000Z",
    evidenceAt: "2026-01-02T00:00:00.000Z",
    evidenceId: "x",
    evidenceKind: "add",
    removedAt: null,
    ...patch,
  });

  it("merges managed and event rows of one device into one app with both sources", () => {
    const rows = [
      row("d1", "slack", "events", { version: "4.1", firstSeenAt: "2026-01-01T00:00:00.000Z", name: "slack" }),
      row("d1", "slack", "managed", { version: "4.2", name: "Slack" }),
      row("d1", "zoom", "events", { removedAt: "2026-01-03T00:00:00.000Z" }),
      row("d2", "slack", "events"),
    ];
    const merged = mergeInstalledApps(rows);
    expect(merged).toEqual([
      { deviceId: "d1", appKey: "slack", name: "Slack", sources: ["managed", "events"], versions: ["4.1", "4.2"], firstSeenAt: "2026-01-01T00:00:00.000Z", lastSeenAt: "2026-01-02T00:00:00.000Z", managedAppIds: ["a1"] },
      { deviceId: "d2", appKey: "slack", name: "slack", sources: ["events"], versions: ["1"], firstSeenAt: "2026-01-02T00:00:00.000Z", lastSeenAt: "2026-01-02T00:00:00.000Z", managedAppIds: [] },
    ]);
    const devices = new Map<string, Tracked<Device>>([
      ["d1", { ...device("d1"), removedAt: null }],
      ["d2", { ...device("d2"), removedAt: "2026-01-01T00:00:00.000Z" }],
    ]);
    expect(mergeInstalledApps(rows, devices).map((a) => a.deviceId)).toEqual(["d1"]);
  });

  it("a user keeps an app while any of their devices holds it", () => {
    const bindings: Tracked<DeviceBinding>[] = [
      { ...bind("d1", "u1"), removedAt: null },
      { ...bind("d2", "u1"), removedAt: null },
      { ...bind("d3", "u1"), removedAt: "2026-01-01T00:00:00.000Z" },
    ];
    const installed = mergeInstalledApps([row("d1", "slack", "events"), row("d2", "slack", "managed"), row("d3", "zoom", "events")]);
    expect(userInstalledApps(bindings, installed)).toEqual([{ userId: "u1", appKey: "slack", name: "slack", sources: ["managed", "events"], versions: ["1"], deviceIds: ["d1", "d2"] }]);
    // d1 loses it: still there through d2.
    const after = mergeInstalledApps([row("d1", "slack", "events", { removedAt: "2026-01-05T00:00:00.000Z" }), row("d2", "slack", "managed")]);
    expect(userInstalledApps(bindings, after)).toMatchObject([{ appKey: "slack", deviceIds: ["d2"], sources: ["managed"] }]);
    expect(userInstalledApps(bindings, [])).toEqual([]);
  });
});
