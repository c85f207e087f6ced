import { describe, expect, it } from "vitest";
import { bindingsOfDevice, bindingsOfUser, systemInsightsStateOf, toDevice, toManagedApp, toManagedAppLink, toManagedAppStatus } from "./mdm-mapper.js";

const edge = (id: string, type: string) => ({ to: { id, type } });

describe("MDM mapping", () => {
  it("maps a system: empty strings are no value, unknown System Insights states are `unknown`, the id from `_id`", () => {
    const device = toDevice({
      _id: "s1",
      hostname: "mac-1",
      displayName: "",
      serialNumber: "C02X",
      os: "Mac OS X",
      osFamily: "darwin",
      version: "14.5",
      arch: "arm64",
      lastContact: null,
      active: true,
      agentVersion: "1.2.3",
      created: "2026-01-01T00:00:00.000Z",
      systemInsights: { state: "enabled" },
      mdm: { vendor: "internal", enrollmentType: "device", dep: false, userApproved: true },
    });
    expect(device).toEqual({
      id: "s1",
      hostname: "mac-1",
      displayName: null,
      serialNumber: "C02X",
      os: "Mac OS X",
      osFamily: "darwin",
      version: "14.5",
      arch: "arm64",
      lastContact: null,
      active: true,
      agentVersion: "1.2.3",
      systemInsights: "enabled",
      mdm: { vendor: "internal", enrollmentType: "device", dep: false, userApproved: true, providerId: null },
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    expect(systemInsightsStateOf({ systemInsights: { state: "paused" } })).toBe("unknown");
    expect(systemInsightsStateOf({})).toBe("unknown");
    expect(toDevice({ id: "s2" })).toMatchObject({ id: "s2", active: false, mdm: null, systemInsights: "unknown" });
    expect(() => toDevice({ hostname: "x" })).toThrow(/without an id/u);
  });

  it("reads bindings from either traversal: users directly or through groups, once each; other types ignored", () => {
    const rows = [
      { id: "u1", type: "user", paths: [[edge("u1", "user")]] },
      { id: "u2", type: "user", paths: [[edge("g1", "user_group"), edge("u2", "user")]] },
      { id: "u1", type: "user", paths: [[edge("g2", "user_group"), edge("u1", "user")]] },
      { id: "g1", type: "user_group", paths: [] },
    ];
    expect(bindingsOfDevice("d1", rows)).toEqual([
      { deviceId: "d1", userId: "u1" },
      { deviceId: "d1", userId: "u2" },
    ]);
    expect(bindingsOfUser("u1", [{ id: "d1", type: "system" }, { id: "d2", type: "system" }, { id: "d1", type: "system" }, { id: "x", type: "user" }])).toEqual([
      { deviceId: "d1", userId: "u1" },
      { deviceId: "d2", userId: "u1" },
    ]);
  });

  it("maps a software app with its settings; null settings are skipped", () => {
    const app = toManagedApp({
      id: "a1",
      displayName: "Slack",
      createdAt: "2026-01-01T00:00:00Z",
      settings: [null, { packageId: "slack", packageManager: "CHOCOLATEY", desiredState: "Install", autoUpdate: true, bundleId: "" }],
    });
    expect(app).toEqual({
      id: "a1",
      displayName: "Slack",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: null,
      settings: [{ packageId: "slack", packageManager: "CHOCOLATEY", bundleId: null, desiredState: "Install", packageVersion: null, displayVersion: null, autoUpdate: true, location: null, scope: null, adminIntent: null, teamId: null }],
    });
    expect(() => toManagedApp({ displayName: "x" })).toThrow(/without an id/u);
  });

  it("keeps statuses of every state under the app of the path; a row without a device is dropped", () => {
    expect(toManagedAppStatus("a1", { id: "st", softwareAppId: "other", systemId: "d1", state: "FAILED", version: "", code: 3, details: "disk full", timestamp: "2026-02-01T00:00:00Z" })).toEqual({
      appId: "a1",
      deviceId: "d1",
      state: "FAILED",
      version: null,
      timestamp: "2026-02-01T00:00:00Z",
      details: "disk full",
      code: 3,
    });
    expect(toManagedAppStatus("a1", { systemId: "d1" })?.state).toBe("UNKNOWN");
    expect(toManagedAppStatus("a1", { state: "INSTALLED" })).toBeNull();
  });

  it("tells direct links from links through device groups", () => {
    expect(toManagedAppLink("a1", { id: "d1", type: "system", paths: [[edge("d1", "system")]] })).toEqual({ appId: "a1", deviceId: "d1", direct: true, groupIds: [] });
    expect(toManagedAppLink("a1", { id: "d2", type: "system", paths: [[edge("sg2", "system_group"), edge("d2", "system")], [edge("sg1", "system_group"), edge("d2", "system")]] })).toEqual({
      appId: "a1",
      deviceId: "d2",
      direct: false,
      groupIds: ["sg1", "sg2"],
    });
    expect(toManagedAppLink("a1", { id: "d3", type: "system", paths: [[edge("d3", "system")], [edge("sg1", "system_group"), edge("d3", "system")]] })).toMatchObject({ direct: true, groupIds: ["sg1"] });
    expect(toManagedAppLink("a1", { id: "sg1", type: "system_group", paths: [] })).toBeNull();
  });
});
