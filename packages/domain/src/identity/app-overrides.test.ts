import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { identifyApp } from "./app-identity.js";
import type { AppObservation } from "./app-observation.js";
import { type AppOverride, AppOverrideError, applyAppOverrides, compileAppOverrides, compileStoredAppOverrides, normalizeAliasKey, validateAppOverrides } from "./app-overrides.js";

const withOverrides = (o: AppObservation, list: readonly AppOverride[], knownIds?: string[]) =>
  applyAppOverrides(identifyApp(o), compileAppOverrides(list, knownIds === undefined ? {} : { knownIds }));

const acmeMac: AppObservation = { source: "macos-app", name: "Acme Widgets.app", bundleIdentifier: "com.acme.widgets" };
const acmeWin: AppObservation = { source: "windows-program", name: "Acme Widget Studio 2.0", publisher: "Acme Inc." };
const teamsInstaller: AppObservation = { source: "windows-program", name: "Teams Machine-Wide Installer" };

describe("app overrides", () => {
  it("merge: every observation of one app becomes another, with its name", () => {
    const list: AppOverride[] = [{ kind: "merge", from: "unlisted:acme-widget-studio", into: "unlisted:acme-widgets", displayName: "Acme Widgets" }];
    const win = withOverrides(acmeWin, list);
    const mac = withOverrides(acmeMac, list);
    expect(win).toMatchObject({ appId: "unlisted:acme-widgets", displayName: "Acme Widgets", matchedBy: "override", confidence: 1, listed: true });
    // The target's own rows take the same name: one row, one name.
    expect(mac).toMatchObject({ appId: "unlisted:acme-widgets", displayName: "Acme Widgets", listed: true });
    expect(mac.matchedBy).toBe("heuristic");
  });

  it("merge into a catalog product takes the catalog's name; chains are followed", () => {
    const list: AppOverride[] = [
      { kind: "merge", from: "unlisted:acme-widget-studio", into: "unlisted:acme-widgets", displayName: "Acme Widgets" },
      { kind: "merge", from: "unlisted:acme-widgets", into: "github-desktop" },
    ];
    expect(withOverrides(acmeWin, list)).toMatchObject({ appId: "github-desktop", displayName: "GitHub Desktop" });
    expect(withOverrides(acmeMac, list)).toMatchObject({ appId: "github-desktop", displayName: "GitHub Desktop" });
    expect(withOverrides({ source: "sso-application", name: "github" }, [{ kind: "merge", from: "github-desktop", into: "github" }, { kind: "merge", from: "unlisted:acme-widgets", into: "github-desktop" }]).appId).toBe("github");
  });

  it("split: an alias leaves its app for an app of its own, on every source carrying it", () => {
    const list: AppOverride[] = [{ kind: "split", key: "name:Teams Machine-Wide Installer", into: "custom:teams-installer", displayName: "Teams installer" }];
    expect(identifyApp(teamsInstaller).appId).toBe("microsoft-teams-classic");
    expect(withOverrides(teamsInstaller, list)).toMatchObject({ appId: "custom:teams-installer", displayName: "Teams installer", matchedBy: "override" });
    // The rest of classic Teams stays.
    expect(withOverrides({ source: "macos-app", name: "Microsoft Teams classic.app", bundleIdentifier: "com.microsoft.teams" }, list).appId).toBe("microsoft-teams-classic");
  });

  it("lets the strongest key decide between splits: a fleet whose bare \"Microsoft Teams\" is classic", () => {
    const list: AppOverride[] = [
      { kind: "split", key: "name:Microsoft Teams", into: "microsoft-teams-classic", displayName: "Microsoft Teams classic" },
      { kind: "split", key: "bundle:com.microsoft.teams2", into: "microsoft-teams", displayName: "Microsoft Teams" },
    ];
    expect(withOverrides({ source: "windows-program", name: "Microsoft Teams" }, list).appId).toBe("microsoft-teams-classic");
    expect(withOverrides({ source: "macos-app", name: "Microsoft Teams.app", bundleIdentifier: "com.microsoft.teams2" }, list)).toMatchObject({ appId: "microsoft-teams", matchedBy: "bundle-id" });
    expect(withOverrides({ source: "macos-app", name: "Microsoft Teams.app", bundleIdentifier: "com.microsoft.teams" }, list).appId).toBe("microsoft-teams-classic");
  });

  it("split on an identifier, then merge what it created", () => {
    const list: AppOverride[] = [
      { kind: "merge", from: "custom:widgets-mac", into: "unlisted:acme-widget-studio" },
      { kind: "split", key: "bundle:COM.ACME.WIDGETS", into: "custom:widgets-mac", displayName: "Widgets (Mac)" },
      { kind: "rename", appId: "unlisted:acme-widget-studio", displayName: "Acme Widget Studio" },
    ];
    expect(withOverrides(acmeMac, list)).toMatchObject({ appId: "unlisted:acme-widget-studio", displayName: "Acme Widget Studio" });
    expect(withOverrides(acmeWin, list)).toMatchObject({ appId: "unlisted:acme-widget-studio", displayName: "Acme Widget Studio" });
  });

  it("rename: changes the name, not the id or how it matched", () => {
    const r = withOverrides({ source: "windows-program", name: "Slack" }, [{ kind: "rename", appId: "slack", displayName: "Slack (company)" }]);
    expect(r).toMatchObject({ appId: "slack", displayName: "Slack (company)", matchedBy: "catalog-alias" });
  });

  it("on the same key the later override wins, and the earlier is reported as superseded", () => {
    const list: AppOverride[] = [
      { kind: "rename", appId: "slack", displayName: "First" },
      { kind: "merge", from: "unlisted:acme-widgets", into: "zoom" },
      { kind: "rename", appId: "slack", displayName: "Second" },
      { kind: "merge", from: "unlisted:acme-widgets", into: "slack" },
    ];
    const compiled = compileAppOverrides(list);
    expect(compiled.superseded).toEqual([0, 1]);
    expect(applyAppOverrides(identifyApp(acmeMac), compiled)).toMatchObject({ appId: "slack", displayName: "Second" });
  });

  it("reports every problem with its position: unknown ids, cycles, bad keys, missing names", () => {
    const list = [
      { kind: "merge", from: "no-such-product", into: "slack" },
      { kind: "merge", from: "unlisted:a", into: "unlisted:b", displayName: "B" },
      { kind: "merge", from: "unlisted:b", into: "unlisted:c", displayName: "C" },
      { kind: "merge", from: "unlisted:c", into: "unlisted:a", displayName: "A" },
      { kind: "split", key: "teams", into: "custom:x", displayName: "X" },
      { kind: "split", key: "serial:123", into: "custom:y", displayName: "Y" },
      { kind: "split", key: "name:Foo", into: "custom:bad id", displayName: "Z" },
      { kind: "rename", appId: "zoom", displayName: "  " },
      { kind: "merge", from: "slack", into: "slack" },
      { kind: "merge", from: "zoom", into: "unlisted:zoomish" },
      { kind: "frobnicate" },
    ] as unknown as AppOverride[];
    const issues = validateAppOverrides(list);
    expect(issues).toEqual([
      { index: 0, message: 'merge "no-such-product" into "slack": unknown app id "no-such-product": not in the catalog (unlisted apps are "unlisted:…", operator-made ones "custom:…")' },
      { index: 1, message: 'merges form a cycle: "unlisted:a" → "unlisted:b" → "unlisted:c" → "unlisted:a"' },
      { index: 4, message: 'split "teams" into "custom:x": alias key "teams" has no namespace (expected one of bundle, chrome, firefox, safari, deb, rpm, snap, flatpak, choco, winget, sso, name, e.g. "name:slack")' },
      { index: 5, message: 'split "serial:123" into "custom:y": alias key "serial:123" has an unknown namespace "serial" (expected one of bundle, chrome, firefox, safari, deb, rpm, snap, flatpak, choco, winget, sso, name)' },
      { index: 6, message: 'split "name:Foo" into "custom:bad id": app id "custom:bad id" is malformed (expected custom:<letters, digits and "-">)' },
      { index: 7, message: 'rename "zoom" to "  ": the display name is empty' },
      { index: 8, message: 'merge "slack" into "slack": an app cannot be merged into itself' },
      { index: 9, message: 'merge "zoom" into "unlisted:zoomish": "unlisted:zoomish" is not in the catalog: give the merge a displayName (or rename "unlisted:zoomish") so all its rows show one name' },
      { index: 10, message: 'unknown override kind "frobnicate" (expected "merge", "split" or "rename")' },
    ]);
    expect(() => compileAppOverrides(list)).toThrow(AppOverrideError);
    expect(() => compileAppOverrides(list)).toThrow(/Invalid app overrides \(9 problems\):\n- overrides\[0\]: merge "no-such-product"/);
  });

  it("a stored list is read leniently: invalid overrides are skipped and reported, the rest apply, skipping what depended on them", () => {
    const stored: unknown[] = [
      { kind: "rename", appId: "slack", displayName: "Slack (company)" },
      { kind: "merge", from: "retired-product", into: "slack" }, // the catalog no longer ships that id
      null,
      { kind: "split", key: "bundle:", into: "custom:acme", displayName: "Acme" }, // a malformed key: the split is skipped…
      { kind: "merge", from: "unlisted:acme-tools", into: "custom:acme" }, // …and this merge needed the split's name
      { kind: "merge", from: "unlisted:acme-widget-studio", into: "unlisted:acme-widgets", displayName: "Acme Widgets" },
      { kind: "rename", appId: "slack", displayName: "Slack" }, // supersedes the first rename
      { kind: "teleport" },
    ];
    // The strict compile (what reads used) fails on it: a TypeError on the null, an AppOverrideError without it.
    expect(() => compileAppOverrides(stored as AppOverride[])).toThrow(TypeError);
    expect(() => compileAppOverrides(stored.filter((o) => o !== null) as AppOverride[])).toThrow(AppOverrideError);
    const { compiled, skipped } = compileStoredAppOverrides(stored);
    expect(skipped.map((i) => i.index)).toEqual([1, 2, 3, 4, 7]);
    expect(skipped.find((i) => i.index === 1)?.message).toMatch(/unknown app id "retired-product"/u);
    expect(skipped.find((i) => i.index === 2)?.message).toMatch(/not an override/u);
    expect(skipped.find((i) => i.index === 4)?.message).toMatch(/give the merge a displayName/u);
    expect(compiled.superseded).toEqual([0]);
    expect(applyAppOverrides(identifyApp(acmeWin), compiled)).toMatchObject({ appId: "unlisted:acme-widgets", displayName: "Acme Widgets" });
    expect(compiled.names.get("slack")).toBe("Slack");
    expect(compiled.merges.has("retired-product")).toBe(false);
    // A valid list reads as it compiles; a stored document that is not a list applies nothing, with a problem.
    expect(compileStoredAppOverrides([{ kind: "rename", appId: "slack", displayName: "S" }]).skipped).toEqual([]);
    expect(compileStoredAppOverrides({ overrides: 1 }).skipped).toHaveLength(1);
    expect(compileStoredAppOverrides(undefined).skipped).toEqual([]);
  });

  it("checks unlisted ids against the known apps when given", () => {
    const list: AppOverride[] = [{ kind: "merge", from: "unlisted:acme-widget-studio", into: "unlisted:acme-widgets", displayName: "Acme Widgets" }];
    expect(validateAppOverrides(list, { knownIds: ["unlisted:acme-widgets"] })).toEqual([
      { index: 0, message: 'merge "unlisted:acme-widget-studio" into "unlisted:acme-widgets": unknown app id "unlisted:acme-widget-studio": not in the catalog, not among the known apps, not created by a split' },
    ]);
    expect(validateAppOverrides(list, { knownIds: ["unlisted:acme-widgets", "unlisted:acme-widget-studio"] })).toEqual([]);
    // An id created by a split is known wherever it sits in the list.
    expect(validateAppOverrides([{ kind: "rename", appId: "custom:x", displayName: "X2" }, { kind: "split", key: "name:x", into: "custom:x", displayName: "X" }], { knownIds: [] })).toEqual([]);
  });

  it("normalizes alias keys as identities carry them", () => {
    expect(normalizeAliasKey("name:Slack.app (x64)")).toEqual({ key: "name:slack" });
    expect(normalizeAliasKey("bundle: com.Tinyspeck.SlackMacGap ")).toEqual({ key: "bundle:com.tinyspeck.slackmacgap" });
    expect(normalizeAliasKey("pkg:slack")).toHaveProperty("error");
    expect(normalizeAliasKey("name:")).toEqual({ error: 'alias key "name:" has an empty value' });
  });

  it("commutes: overrides on different keys give the same result in any order", () => {
    const apps = ["slack", "zoom", "notion", "figma", "miro", "unlisted:a", "unlisted:b", "unlisted:c", "unlisted:d", "custom:s1", "custom:s2"];
    const observations: AppObservation[] = [
      { source: "windows-program", name: "Slack" },
      { source: "windows-program", name: "Zoom" },
      { source: "macos-app", name: "Notion.app", bundleIdentifier: "notion.id" },
      { source: "sso-application", name: "figma" },
      { source: "windows-program", name: "Miro" },
      { source: "windows-program", name: "A" },
      { source: "windows-program", name: "B" },
      { source: "windows-program", name: "C" },
      { source: "linux-package", name: "d", packageFormat: "deb" },
    ];
    const keys = ["name:slack", "name:a", "bundle:notion.id", "sso:figma", "deb:d", "name:miro"];
    // Unique keys per kind; merges only from a lower to a higher position (acyclic), into named targets.
    const overrideList = fc
      .record({
        merges: fc.uniqueArray(fc.tuple(fc.nat(apps.length - 2), fc.nat(apps.length - 1)), { selector: ([from]) => from, maxLength: 5 }),
        splits: fc.uniqueArray(fc.tuple(fc.nat(keys.length - 1), fc.constantFrom("custom:s1", "custom:s2", "zoom")), { selector: ([k]) => k, maxLength: 3 }),
        renames: fc.uniqueArray(fc.tuple(fc.nat(apps.length - 1), fc.string({ minLength: 1, maxLength: 5 }).filter((s) => s.trim() !== "")), { selector: ([a]) => a, maxLength: 3 }),
      })
      .map(({ merges, splits, renames }) => {
        const list: AppOverride[] = [];
        for (const [f, t] of merges) if (t > f) list.push({ kind: "merge", from: apps[f]!, into: apps[t]!, displayName: `to ${apps[t]!}` });
        for (const [k, into] of splits) list.push({ kind: "split", key: keys[k]!, into, displayName: into === "zoom" ? "Zoom" : `split ${into}` });
        for (const [a, name] of renames) list.push({ kind: "rename", appId: apps[a]!, displayName: name });
        return list;
      });
    fc.assert(
      fc.property(overrideList.chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), ([list, shuffled]) => {
        const a = compileAppOverrides(list);
        const b = compileAppOverrides(shuffled);
        for (const o of observations) expect(applyAppOverrides(identifyApp(o), b)).toEqual(applyAppOverrides(identifyApp(o), a));
      }),
      { numRuns: 500 },
    );
  });

  it("is deterministic and idempotent on stable keys: a re-sync's fresh observation gets the same result", () => {
    const list: AppOverride[] = [{ kind: "split", key: "name:acme widgets", into: "custom:widgets", displayName: "Widgets" }];
    const compiled = compileAppOverrides(list);
    const once = applyAppOverrides(identifyApp(acmeMac), compiled);
    expect(applyAppOverrides(identifyApp({ ...acmeMac }), compiled)).toEqual(once);
    expect(applyAppOverrides(once, compiled)).toEqual(once);
  });
});
