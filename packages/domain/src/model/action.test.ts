import { describe, expect, it } from "vitest";
import { InvalidUsernameError } from "../username.js";
import { chooseUsername, targetStatusOf, transitionFor } from "./action.js";

describe("chooseUsername", () => {
  it("derives the username from first and last name, each run of spaces one dot", () => {
    expect(chooseUsername({ firstName: "Jane", lastName: " van  Doe" })).toEqual({ username: "Jane.van.Doe", source: "derived", warnings: [] });
    expect(chooseUsername({ username: "Jane  van Doe" })).toEqual({ username: "Jane.van.Doe", source: "requested", warnings: [] });
  });
  it("prefers the requested username over the names", () => {
    expect(chooseUsername({ username: "jdoe", firstName: "Jane", lastName: "Doe" }).username).toBe("jdoe");
  });
  it("warns past Windows' 20 characters and refuses past 30", () => {
    const long = chooseUsername({ firstName: "Maximiliana", lastName: "Kowalczykowska" });
    expect(long.username).toBe("Maximiliana.Kowalczykowska");
    expect(long.warnings[0]).toMatch(/Windows devices accept at most 20/u);
    expect(() => chooseUsername({ firstName: "Maximiliana Alexandra", lastName: "Kowalczykowska" })).toThrow(/at most 30/u);
  });
  it("names the rule and the characters JumpCloud refuses", () => {
    const error = (() => {
      try {
        chooseUsername({ firstName: "José", lastName: "O'Neil" });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidUsernameError);
    expect((error as InvalidUsernameError).offending).toEqual(["é", "'"]);
    expect(() => chooseUsername({ username: "9lives" })).toThrow(/must start with a letter/u);
    expect(() => chooseUsername({})).toThrow(/must not be empty/u);
  });
});

describe("transitionFor", () => {
  it("suspends anyone not suspended; a suspended user is a no-op", () => {
    expect(transitionFor("suspend", "active")).toEqual({ kind: "change", from: "active", to: "suspended" });
    expect(transitionFor("suspend", "staged").kind).toBe("change");
    expect(transitionFor("suspend", "suspended").kind).toBe("no-op");
  });
  it("activates only staged users and unsuspends only suspended ones", () => {
    expect(transitionFor("activate", "staged")).toEqual({ kind: "change", from: "staged", to: "active" });
    expect(transitionFor("activate", "suspended")).toMatchObject({ kind: "invalid", reason: expect.stringMatching(/use unsuspend/u) });
    expect(transitionFor("activate", "active").kind).toBe("no-op");
    expect(transitionFor("unsuspend", "suspended")).toEqual({ kind: "change", from: "suspended", to: "active" });
    expect(transitionFor("unsuspend", "staged")).toMatchObject({ kind: "invalid", reason: expect.stringMatching(/use activate/u) });
    expect(transitionFor("unsuspend", "active").kind).toBe("no-op");
  });
  it("deletes from any state", () => {
    for (const s of ["active", "suspended", "staged"] as const) expect(transitionFor("delete", s)).toEqual({ kind: "change", from: s, to: "deleted" });
  });
  it("maps each kind to the status it leads to", () => {
    expect(targetStatusOf("create")).toBe("staged");
    expect(targetStatusOf("create", "activated")).toBe("active");
    expect(targetStatusOf("unsuspend")).toBe("active");
    expect(targetStatusOf("delete")).toBe("deleted");
  });
});
