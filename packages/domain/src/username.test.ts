import { describe, expect, it } from "vitest";
import { InvalidUsernameError, normalizeUsername } from "./username.js";

describe("normalizeUsername", () => {
  it("turns each run of spaces into one dot", () => {
    expect(normalizeUsername("Jane  Doe")).toBe("Jane.Doe");
    expect(normalizeUsername("  ada lovelace ")).toBe("ada.lovelace");
  });
  it("keeps a valid username as it is", () => {
    expect(normalizeUsername("j_doe.2")).toBe("j_doe.2");
  });
  it("rejects @ and non-ASCII letters, naming them", () => {
    expect(() => normalizeUsername("jane@corp")).toThrow(/offending: "@"/u);
    expect(() => normalizeUsername("José Núñez")).toThrow(InvalidUsernameError);
  });
  it("names every offending character once, tabs included", () => {
    const error = (() => {
      try {
        normalizeUsername("ja\tne@x@y");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidUsernameError);
    expect((error as InvalidUsernameError).offending).toEqual(["\t", "@"]);
    expect((error as InvalidUsernameError).rule).toMatch(/letters, digits/u);
  });
  it("rejects an empty or all-space name", () => {
    expect(() => normalizeUsername("   ")).toThrow(/must not be empty/u);
  });
  it("requires a leading letter", () => {
    expect(() => normalizeUsername("1jane")).toThrow(/must start with a letter/u);
    expect(() => normalizeUsername(".jane")).toThrow(/must start with a letter/u);
  });
  it("enforces 30 characters, 20 for Windows", () => {
    expect(normalizeUsername("a".repeat(30))).toHaveLength(30);
    expect(() => normalizeUsername("a".repeat(31))).toThrow(/at most 30/u);
    expect(() => normalizeUsername("a".repeat(21), { windows: true })).toThrow(/at most 20/u);
  });
});
