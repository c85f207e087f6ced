import { describe, expect, it } from "vitest";
import { deviceChangesOf } from "./device-changes.js";

const node = (type: string, id: string) => ({ type, object_id: id });

describe("device changes from Directory Insights", () => {
  it("re-traverses devices bound or unbound, created, updated or deleted", () => {
    const changes = deviceChangesOf([
      { event_type: "association_change", resource: { type: "system", id: "d1" }, association: { connection: { from: node("system", "d1"), to: node("user", "u1") } } },
      { event_type: "association_change", resource: { type: "system", id: "d2" }, association: { connection: { from: node("system", "d2"), to: node("user_group", "g1") } } },
      { event_type: "system_create", resource: { type: "system", id: "d3" } },
      { event_type: "system_update", resource: { type: "system", id: "d4" } },
      { event_type: "system_delete", resource: { type: "system", id: "d5" } },
    ]);
    expect([...changes.deviceIds].sort()).toEqual(["d1", "d2", "d3", "d4", "d5"]);
    expect([...changes.userIds]).toEqual([]);
    expect(changes.full).toBeNull();
  });

  it("re-traverses users whose group membership changed or who were deleted; other associations change no binding", () => {
    const changes = deviceChangesOf([
      { event_type: "association_change", resource: { type: "user_group", id: "g1" }, association: { connection: { from: node("user_group", "g1"), to: node("user", "u7") } } },
      { event_type: "association_change", resource: { type: "application", id: "a1" }, association: { connection: { from: node("application", "a1"), to: node("user", "u8") } } },
      { event_type: "association_change", resource: { type: "system_group", id: "sg" }, association: { connection: { from: node("system_group", "sg"), to: node("system", "d9") } } },
      { event_type: "user_delete", resource: { type: "user", id: "u9" } },
      { event_type: "user_update", resource: { type: "user", id: "u10" } },
    ]);
    expect([...changes.userIds].sort()).toEqual(["u7", "u9"]);
    // A device-group membership changes managed-app links, not users; re-reading the device is harmless.
    expect([...changes.deviceIds]).toEqual(["d9"]);
    expect(changes.full).toBeNull();
  });

  it("asks for a full traversal when a user group is deleted (its devices are not named)", () => {
    expect(deviceChangesOf([{ event_type: "group_delete", resource: { type: "user_group", id: "g1" } }]).full).toMatch(/user group/u);
    expect(deviceChangesOf([{ event_type: "group_delete", resource: { type: "system_group", id: "sg" } }]).full).toBeNull();
  });
});
