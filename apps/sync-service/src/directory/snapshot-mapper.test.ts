import { describe, expect, it } from "vitest";
import type { GraphConnection, SystemUser } from "@jumpcloud-sync/jumpcloud-client";
import { assignmentsOf, toDirectoryUser, userStatusOf } from "./snapshot-mapper.js";

const edge = (id: string, type: string) => ({ to: { id, type } });

describe("snapshot mapping", () => {
  it("maps state to status (state wins over the older booleans)", () => {
    expect(userStatusOf({ state: "ACTIVATED" })).toBe("active");
    expect(userStatusOf({ state: "SUSPENDED", suspended: false })).toBe("suspended");
    expect(userStatusOf({ state: "STAGED" })).toBe("staged");
    expect(userStatusOf({ suspended: true })).toBe("suspended");
    expect(userStatusOf({ activated: false })).toBe("staged");
  });

  it("maps a user record: empty strings are no value, the admin role comes from admin.roleName", () => {
    const user = { _id: "u1", id: "u1", username: "ann", email: "ann@x", displayname: "", firstname: "Ann", state: "ACTIVATED", department: "", manager: "u2", admin: { roleName: "Administrator" }, created: "2026-01-01T00:00:00.000Z" } as SystemUser;
    const mapped = toDirectoryUser(user, ["g2", "g1", "g2"]);
    expect(mapped).toMatchObject({ id: "u1", displayName: null, firstName: "Ann", lastName: null, status: "active", adminRole: "Administrator", groupIds: ["g1", "g2"] });
    expect(mapped.hr).toMatchObject({ department: null, managerId: "u2" });
  });

  it("assignments from an app's direct edges: users directly, bound groups through their members", () => {
    const edges: GraphConnection[] = [edge("u1", "user"), edge("u3", "user"), edge("g1", "user_group"), edge("g2", "user_group"), edge("u9", "user"), edge("g9", "user_group")];
    const members = new Map([
      ["g1", ["u2", "u3"]],
      ["g2", ["u2", "u8"]], // u8 is not in the user listing
    ]);
    expect(assignmentsOf("a1", edges, members, new Set(["u1", "u2", "u3"]))).toEqual([
      { applicationId: "a1", userId: "u1", direct: true, groupIds: [] },
      { applicationId: "a1", userId: "u2", direct: false, groupIds: ["g1", "g2"] },
      { applicationId: "a1", userId: "u3", direct: true, groupIds: ["g1"] },
    ]);
  });
});
