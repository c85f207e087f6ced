import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { APP_CATALOG_ENTRIES } from "./app-catalog.data.js";
import { identifyApp } from "./app-identity.js";
import { isUnlistedAppId, unlistedAppId } from "./app-unlisted-id.js";
import type { AppObservation } from "./app-observation.js";

const id = (o: AppObservation) => identifyApp(o).appId;

describe("identifyApp: one product under its many names", () => {
  it("finds Slack on every source", () => {
    const slack: AppObservation[] = [
      { source: "macos-app", name: "Slack.app", displayName: "Slack", bundleName: "Slack", bundleIdentifier: "com.tinyspeck.slackmacgap", bundleShortVersion: "4.41.105" },
      { source: "windows-program", name: "Slack", version: "4.41.105", publisher: "Slack Technologies Inc." },
      { source: "windows-program", name: "Slack (Machine - MSI)", publisher: "Slack Technologies Inc." },
      { source: "linux-package", name: "slack-desktop", version: "4.41.105", packageFormat: "deb", maintainerOrVendor: "Slack Technologies <feedback@slack.com>" },
      { source: "linux-package", name: "slack", packageFormat: "snap" },
      { source: "linux-package", name: "com.slack.Slack", packageFormat: "flatpak" },
      { source: "software-event", name: "Slack", version: "4.41.105", publisher: "Slack Technologies, LLC", path: "/Applications/Slack.app" },
      { source: "managed-app", displayName: "Slack for Windows", packageId: "SlackTechnologies.Slack", packageManager: "WINGET" },
      { source: "managed-app", displayName: "Slack", packageId: "slack", packageManager: "CHOCOLATEY" },
      { source: "sso-application", name: "slack", displayName: "Slack", displayLabel: "Slack (Engineering)" },
    ];
    for (const o of slack) expect(identifyApp(o), JSON.stringify(o)).toMatchObject({ appId: "slack", displayName: "Slack", listed: true });
  });

  it("says how it matched, exact identifiers first", () => {
    expect(identifyApp({ source: "macos-app", name: "Whatever.app", bundleIdentifier: "com.tinyspeck.slackmacgap" })).toMatchObject({
      appId: "slack",
      matchedBy: "bundle-id",
      matchedKey: "bundle:com.tinyspeck.slackmacgap",
      confidence: 1,
      surface: "installed",
      keys: ["bundle:com.tinyspeck.slackmacgap", "name:whatever"],
    });
    expect(identifyApp({ source: "chrome-extension", name: "1Password – Password Manager", identifier: "aeblfdkhhhdcdjpifhhbdiojplfjncoa" })).toMatchObject({ appId: "1password", matchedBy: "extension-id", surface: "extension" });
    expect(identifyApp({ source: "firefox-addon", name: "uBlock Origin", identifier: "uBlock0@raymondhill.net" })).toMatchObject({ appId: "ublock-origin", matchedBy: "extension-id" });
    expect(identifyApp({ source: "linux-package", name: "code", packageFormat: "deb" })).toMatchObject({ appId: "visual-studio-code", matchedBy: "package-name", confidence: 1 });
    // A package name known in another format only: matched, with less confidence.
    expect(identifyApp({ source: "linux-package", name: "slack-desktop", packageFormat: "pacman" })).toMatchObject({ appId: "slack", matchedBy: "package-name", matchedKey: "pkg:slack-desktop", confidence: 0.9 });
    expect(identifyApp({ source: "managed-app", displayName: "Chrome", packageId: "googlechrome", packageManager: "CHOCOLATEY" })).toMatchObject({ appId: "google-chrome", matchedBy: "managed-package-id", surface: "managed" });
    expect(identifyApp({ source: "managed-app", displayName: "Zoom", packageManager: "APPLE_VPP", bundleId: "us.zoom.xos" })).toMatchObject({ appId: "zoom", matchedBy: "bundle-id" });
    expect(identifyApp({ source: "sso-application", name: "aws-sso", displayName: "AWS IAM Identity Center" })).toMatchObject({ appId: "aws-iam-identity-center", matchedBy: "sso-catalog-key", surface: "sso" });
    expect(identifyApp({ source: "windows-program", name: "Mozilla Firefox (x64 en-US)" })).toMatchObject({ appId: "firefox", matchedBy: "catalog-alias", matchedKey: "name:mozilla firefox", confidence: 0.9 });
    expect(identifyApp({ source: "windows-program", name: "JetBrains GoLand 2024.1" })).toMatchObject({ appId: "goland", matchedBy: "vendor-prefix", confidence: 0.8 });
    expect(identifyApp({ source: "software-event", name: "Zoom", packageManager: "chocolatey" })).toMatchObject({ appId: "zoom", matchedBy: "managed-package-id", surface: "event" });
  });

  it("prefers an identifier to a name that says otherwise", () => {
    // The classic Teams bundle, whatever its app is called now.
    expect(id({ source: "macos-app", name: "Microsoft Teams.app", bundleIdentifier: "com.microsoft.teams" })).toBe("microsoft-teams-classic");
    expect(id({ source: "macos-app", name: "Microsoft Teams.app", bundleIdentifier: "com.microsoft.teams2" })).toBe("microsoft-teams");
  });

  it.each<[string, AppObservation, AppObservation]>([
    ["Firefox / Firefox ESR on a Mac (same bundle id, the version says esr)", { source: "macos-app", name: "Firefox.app", bundleIdentifier: "org.mozilla.firefox", bundleShortVersion: "128.5.1" }, { source: "macos-app", name: "Firefox.app", bundleIdentifier: "org.mozilla.firefox", bundleShortVersion: "115.6.0esr" }],
    ["Firefox / Firefox ESR on Windows", { source: "windows-program", name: "Mozilla Firefox (x64 en-US)" }, { source: "windows-program", name: "Mozilla Firefox ESR (x64 en-US)" }],
    ["Firefox / Firefox ESR on Debian", { source: "linux-package", name: "firefox", packageFormat: "deb" }, { source: "linux-package", name: "firefox-esr", packageFormat: "deb" }],
    ["Firefox / Firefox Developer Edition", { source: "windows-program", name: "Firefox" }, { source: "windows-program", name: "Firefox Developer Edition" }],
    ["new / classic Teams on Windows", { source: "windows-program", name: "Microsoft Teams" }, { source: "windows-program", name: "Teams Machine-Wide Installer" }],
    ["new / classic Teams by name", { source: "macos-app", name: "Microsoft Teams (work or school).app" }, { source: "macos-app", name: "Microsoft Teams classic.app" }],
    ["Visual Studio Code / Visual Studio", { source: "windows-program", name: "Microsoft Visual Studio Code (User)" }, { source: "windows-program", name: "Visual Studio Professional 2022" }],
    ["VS Code / VS Code Insiders", { source: "macos-app", name: "Visual Studio Code.app", bundleIdentifier: "com.microsoft.VSCode" }, { source: "macos-app", name: "Visual Studio Code - Insiders.app", bundleIdentifier: "com.microsoft.VSCodeInsiders" }],
    ["Chrome / Chromium", { source: "linux-package", name: "google-chrome-stable", packageFormat: "rpm" }, { source: "linux-package", name: "chromium", packageFormat: "rpm" }],
    ["Chrome / Chrome Beta", { source: "windows-program", name: "Google Chrome" }, { source: "windows-program", name: "Google Chrome Beta" }],
    ["IntelliJ IDEA / Community Edition", { source: "windows-program", name: "IntelliJ IDEA 2024.1" }, { source: "windows-program", name: "IntelliJ IDEA Community Edition 2024.1" }],
    ["Docker Desktop / Docker Engine", { source: "linux-package", name: "docker-desktop", packageFormat: "deb" }, { source: "linux-package", name: "docker-ce", packageFormat: "deb" }],
    ["Acrobat Reader / Acrobat", { source: "windows-program", name: "Adobe Acrobat Reader DC MUI" }, { source: "windows-program", name: "Adobe Acrobat DC (64-bit)" }],
    ["Zoom / its Outlook plugin", { source: "windows-program", name: "Zoom Workplace (64-bit)" }, { source: "windows-program", name: "Zoom Outlook Plugin" }],
    ["Edge / WebView2", { source: "windows-program", name: "Microsoft Edge" }, { source: "windows-program", name: "Microsoft Edge WebView2 Runtime" }],
    ["KeePass / KeePassXC", { source: "windows-program", name: "KeePass Password Safe 2.57" }, { source: "windows-program", name: "KeePassXC" }],
    ["Datadog SSO / Datadog Agent", { source: "sso-application", name: "datadog", displayName: "Datadog" }, { source: "linux-package", name: "datadog-agent", packageFormat: "rpm" }],
    ["Notion / Debian's notion window manager", { source: "windows-program", name: "Notion" }, { source: "linux-package", name: "notion", packageFormat: "deb" }],
    ["Arc browser / Debian's arc archiver", { source: "macos-app", name: "Arc.app", bundleIdentifier: "company.thebrowser.Browser" }, { source: "software-event", name: "arc", packageManager: "apt" }],
    ["two vendors' generic \"Agent\"", { source: "windows-program", name: "Agent", publisher: "Acme, Inc." }, { source: "windows-program", name: "Agent", publisher: "Globex Corporation" }],
  ])("keeps apart: %s", (_label, a, b) => {
    expect(id(a)).not.toBe(id(b));
  });

  it.each<[string, AppObservation, AppObservation]>([
    ["Zoom / zoom.us", { source: "macos-app", name: "zoom.us.app", bundleIdentifier: "us.zoom.xos" }, { source: "windows-program", name: "Zoom Workplace (64-bit)" }],
    ["zoom.us by name only", { source: "software-event", name: "zoom.us" }, { source: "sso-application", name: "zoom", displayName: "Zoom" }],
    ["Visual Studio editions and years", { source: "windows-program", name: "Visual Studio Community 2022" }, { source: "windows-program", name: "Microsoft Visual Studio Enterprise 2019" }],
    ["Python versions", { source: "windows-program", name: "Python 3.12.1 (64-bit)" }, { source: "linux-package", name: "python3", packageFormat: "deb" }],
    ["Telegram's two Mac bundles", { source: "macos-app", name: "Telegram.app", bundleIdentifier: "ru.keepcoder.Telegram" }, { source: "macos-app", name: "Telegram Desktop.app", bundleIdentifier: "com.tdesktop.Telegram" }],
    ["an unlisted app across platforms", { source: "macos-app", name: "Acme Widgets.app", bundleIdentifier: "com.acme.widgets", bundleShortVersion: "3.1" }, { source: "windows-program", name: "Acme Widgets 3.1.4 (x64)", publisher: "Acme Inc." }],
    ["an unlisted app's SSO app and its install", { source: "sso-application", name: "custom-saml-app", displayName: "Custom SAML App", displayLabel: "Acme Widgets" }, { source: "windows-program", name: "Acme Widgets" }],
    ["full-width and trademark signs", { source: "windows-program", name: "Ｎｏｔｉｏｎ™" }, { source: "macos-app", name: "Notion.app" }],
  ])("merges: %s", (_label, a, b) => {
    expect(id(a)).toBe(id(b));
  });

  it("gives unlisted products a deterministic id from the name, with the publisher when the name is generic", () => {
    expect(identifyApp({ source: "windows-program", name: "Acme Widgets 3.1.4 (x64)", publisher: "Acme Inc." })).toMatchObject({
      appId: "unlisted:acme-widgets",
      displayName: "Acme Widgets",
      listed: false,
      matchedBy: "heuristic",
      matchedKey: "name:acme widgets",
      confidence: 0.5,
    });
    expect(id({ source: "windows-program", name: "Agent", publisher: "Acme, Inc." })).toBe("unlisted:agent~acme");
    expect(id({ source: "macos-app", name: "Helper.app", bundleIdentifier: "com.globex.helper" })).toBe("unlisted:helper~globex");
    expect(id({ source: "windows-program", name: "Agent" })).toBe("unlisted:agent");
    // A package whose name is a catalog name but not a package alias: unlisted, by its name.
    expect(identifyApp({ source: "linux-package", name: "notion", packageFormat: "deb" })).toMatchObject({ appId: "unlisted:notion", displayName: "notion", matchedBy: "heuristic" });
    expect(id({ source: "windows-program", name: "" })).toBe("unlisted:unnamed");
    expect(identifyApp({ source: "windows-program", name: "" }).displayName).toBe("(unnamed)");
    expect(id({ source: "windows-program", name: "???" })).toMatch(/^unlisted:unnamed-[0-9a-f]{8}$/);
    expect(id({ source: "windows-program", name: "???" })).not.toBe(id({ source: "windows-program", name: "!!!" }));
    expect(id({ source: "windows-program", name: "日本語アプリ" })).toBe("unlisted:日本語アプリ");
    expect(unlistedAppId("foo bar")).toBe("unlisted:foo-bar");
    expect(isUnlistedAppId("unlisted:foo")).toBe(true);
    expect(isUnlistedAppId("slack")).toBe(false);
  });

  it("matches a product with a common-word name only under its own publisher, when the catalog names it", () => {
    expect(id({ source: "windows-program", name: "Signal", publisher: "Signal Messenger, LLC" })).toBe("signal");
    expect(id({ source: "windows-program", name: "Signal" })).toBe("signal");
    expect(identifyApp({ source: "windows-program", name: "Signal", publisher: "Acme Industrial Controls" })).toMatchObject({ appId: "unlisted:signal", matchedBy: "heuristic" });
    expect(id({ source: "software-event", name: "Box", publisher: "Box, Inc." })).toBe("box");
    expect(id({ source: "software-event", name: "Box", publisher: "Acme" })).toBe("unlisted:box");
    expect(id({ source: "windows-program", name: "Obsidian", publisher: "Obsidian.md" })).toBe("obsidian");
    expect(id({ source: "windows-program", name: "Git", publisher: "The Git Development Community" })).toBe("git");
    // Identifiers are not affected, and products that name no publisher match by name from anyone.
    expect(id({ source: "managed-app", displayName: "Signal", packageId: "OpenWhisperSystems.Signal", packageManager: "WINGET" })).toBe("signal");
    expect(id({ source: "windows-program", name: "Slack", publisher: "Whoever" })).toBe("slack");
  });

  it("reads a software event's macOS path and package manager", () => {
    expect(identifyApp({ source: "software-event", path: "/Applications/zoom.us.app/Contents/MacOS/zoom.us" })).toMatchObject({ appId: "zoom", keys: ["name:zoom.us"] });
    expect(identifyApp({ source: "software-event", name: "slack-desktop", packageManager: "apt" })).toMatchObject({ appId: "slack", matchedBy: "package-name", matchedKey: "deb:slack-desktop" });
    expect(id({ source: "software-event", path: "C:\\Program Files\\Acme\\acme.exe" })).toBe("unlisted:unnamed");
  });

  it("names an SSO application by its connector, or by its label when the connector is generic", () => {
    expect(identifyApp({ source: "sso-application", name: "custom-saml-app", displayName: "Custom SAML App", displayLabel: "Acme Portal" })).toMatchObject({ appId: "unlisted:acme-portal", displayName: "Acme Portal" });
    expect(identifyApp({ source: "sso-application", name: "notion", displayName: "Notion", displayLabel: "Notion – company wiki" })).toMatchObject({ appId: "notion", matchedBy: "sso-catalog-key" });
    // An unknown key whose display name is a catalog name.
    expect(identifyApp({ source: "sso-application", name: "figma-enterprise", displayName: "Figma" })).toMatchObject({ appId: "figma", matchedBy: "catalog-alias" });
    expect(identifyApp({ source: "sso-application", name: "acme-hr" })).toMatchObject({ appId: "unlisted:acme-hr", displayName: "acme hr" });
  });

  const observation: fc.Arbitrary<AppObservation> = (() => {
    const s = fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.constantFrom("Slack.app", "Mozilla Firefox (x64 en-US)", "com.tinyspeck.slackmacgap", "deb", "WINGET", "115.6.0esr", ""));
    const opt = fc.option(s, { nil: undefined });
    const nul = fc.option(s, { nil: null });
    return fc.oneof(
      fc.record({ source: fc.constant("macos-app" as const), name: s, displayName: nul, bundleName: opt, bundleIdentifier: nul, bundleShortVersion: opt, path: opt }),
      fc.record({ source: fc.constant("windows-program" as const), name: s, version: nul, publisher: opt, identifyingNumber: opt }),
      fc.record({ source: fc.constant("linux-package" as const), name: s, version: opt, packageFormat: nul, maintainerOrVendor: opt }),
      fc.record({ source: fc.constantFrom("chrome-extension" as const, "firefox-addon" as const, "safari-extension" as const), name: s, identifier: nul, author: opt, developerId: opt, version: opt }),
      fc.record({ source: fc.constant("software-event" as const), name: nul, displayName: opt, version: opt, publisher: nul, packageManager: opt, path: nul }),
      fc.record({ source: fc.constant("managed-app" as const), displayName: s, packageId: nul, bundleId: opt, packageManager: nul }),
      fc.record({ source: fc.constant("sso-application" as const), name: s, displayName: nul, displayLabel: opt }),
    );
  })();

  it("is total: any observation gets an id and a name, never throws", () => {
    fc.assert(
      fc.property(observation, (o) => {
        const r = identifyApp(o);
        expect(r.appId.length).toBeGreaterThan(0);
        expect(r.listed).toBe(!isUnlistedAppId(r.appId));
        expect(r.confidence).toBeGreaterThan(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        expect(identifyApp(o)).toEqual(r); // deterministic
      }),
      { numRuns: 3000 },
    );
  });

  it("is idempotent: identifying the display name it gave yields the same id", () => {
    const names = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.constantFrom(...APP_CATALOG_ENTRIES.flatMap((e) => [e.name, ...(e.names ?? [])])),
      fc.tuple(fc.constantFrom(...APP_CATALOG_ENTRIES.map((e) => e.name)), fc.constantFrom("", " (x64)", " 2.3.1", ".app", " Setup", " 2024")).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(names, fc.option(fc.constantFrom("Acme, Inc.", "Globex"), { nil: undefined }), (name, publisher) => {
        const first = identifyApp({ source: "windows-program", name, publisher });
        const again = identifyApp({ source: "windows-program", name: first.displayName, publisher });
        expect(again.appId).toBe(first.appId);
        expect(again.displayName).toBe(first.displayName);
      }),
      { numRuns: 3000 },
    );
  });

  it("is stable under case and whitespace changes", () => {
    const names = fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), fc.constantFrom(...APP_CATALOG_ENTRIES.flatMap((e) => [e.name, ...(e.names ?? []), ...(e.bundleIds ?? [])])));
    fc.assert(
      fc.property(names, fc.constantFrom<"upper" | "lower" | "pad">("upper", "lower", "pad"), (name, change) => {
        const changed = change === "upper" ? name.toUpperCase() : change === "lower" ? name.toLowerCase() : `  ${name.replace(/ /g, " \t ")}\n`;
        expect(id({ source: "windows-program", name: changed })).toBe(id({ source: "windows-program", name }));
        expect(id({ source: "macos-app", name: "X.app", bundleIdentifier: changed })).toBe(id({ source: "macos-app", name: "X.app", bundleIdentifier: name }));
      }),
      { numRuns: 2000 },
    );
  });
});
