import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AppSighting, linkApps } from "./app-linking.js";
import { compileAppOverrides } from "./app-overrides.js";

const sightings: AppSighting<string>[] = [
  { ref: "mac-1/apps/Slack.app", observation: { source: "macos-app", name: "Slack.app", bundleIdentifier: "com.tinyspeck.slackmacgap" } },
  { ref: "win-1/programs/slack", observation: { source: "windows-program", name: "Slack", publisher: "Slack Technologies Inc." } },
  { ref: "lin-1/linux_packages/slack-desktop", observation: { source: "linux-package", name: "slack-desktop", packageFormat: "deb" } },
  { ref: "sso/app-slack", observation: { source: "sso-application", name: "slack", displayName: "Slack", displayLabel: "Slack" } },
  { ref: "softwareapps/sw-1", observation: { source: "managed-app", displayName: "Slack (managed)", packageId: "SlackTechnologies.Slack", packageManager: "WINGET" } },
  { ref: "event/e1", observation: { source: "software-event", name: "Slack", version: "4.41", path: "/Applications/Slack.app" } },
  { ref: "sso/app-aws", observation: { source: "sso-application", name: "aws-sso", displayName: "AWS IAM Identity Center" } },
  { ref: "chrome/1p", observation: { source: "chrome-extension", name: "1Password – Password Manager", identifier: "aeblfdkhhhdcdjpifhhbdiojplfjncoa" } },
  { ref: "mac-1/apps/1Password.app", observation: { source: "macos-app", name: "1Password.app", bundleIdentifier: "com.1password.1password" } },
  { ref: "sso/app-1p", observation: { source: "sso-application", name: "1password", displayName: "1Password" } },
  { ref: "mac-2/apps/WidgetPro.app", observation: { source: "macos-app", name: "WidgetPro.app", bundleIdentifier: "com.acme.widgetpro" } },
  { ref: "win-2/programs/widgetpro", observation: { source: "windows-program", name: "Widgetpro 2.1 (x64)", publisher: "Acme" } },
  { ref: "win-3/programs/widgetpro", observation: { source: "windows-program", name: "WidgetPro", publisher: "Acme" } },
];

describe("linkApps", () => {
  it("puts a product's installations, extensions, managed apps, SSO apps and events in one row", () => {
    const rows = linkApps(sightings);
    expect(rows.map((r) => r.appId)).toEqual(["1password", "aws-iam-identity-center", "slack", "unlisted:widgetpro"]);
    const slack = rows.find((r) => r.appId === "slack")!;
    expect(slack.displayName).toBe("Slack");
    expect(slack.listed).toBe(true);
    expect(slack.installed.map((m) => m.ref)).toEqual(["mac-1/apps/Slack.app", "win-1/programs/slack", "lin-1/linux_packages/slack-desktop"]);
    expect(slack.sso.map((m) => m.ref)).toEqual(["sso/app-slack"]);
    expect(slack.managed.map((m) => m.ref)).toEqual(["softwareapps/sw-1"]);
    expect(slack.events.map((m) => m.ref)).toEqual(["event/e1"]);
    expect(slack.sso[0]!.identity.matchedBy).toBe("sso-catalog-key");

    const onePassword = rows.find((r) => r.appId === "1password")!;
    expect(onePassword.extensions.map((m) => m.ref)).toEqual(["chrome/1p"]);
    expect(onePassword.installed.map((m) => m.ref)).toEqual(["mac-1/apps/1Password.app"]);
    expect(onePassword.sso.map((m) => m.ref)).toEqual(["sso/app-1p"]);

    // An SSO app with nothing installed is a row of its own.
    const aws = rows.find((r) => r.appId === "aws-iam-identity-center")!;
    expect(aws.installed).toEqual([]);
    expect(aws.sso).toHaveLength(1);
  });

  it("names an unlisted row by the name most of its sightings show, whatever the input order", () => {
    const widget = (list: AppSighting<string>[]) => linkApps(list).find((r) => r.appId === "unlisted:widgetpro")!;
    expect(widget(sightings).displayName).toBe("WidgetPro");
    expect(widget(sightings).listed).toBe(false);
    fc.assert(
      fc.property(fc.shuffledSubarray(sightings, { minLength: sightings.length, maxLength: sightings.length }), (shuffled) => {
        const rows = linkApps(shuffled);
        expect(rows.map((r) => [r.appId, r.displayName])).toEqual(linkApps(sightings).map((r) => [r.appId, r.displayName]));
        expect(widget(shuffled).installed.map((m) => m.ref).sort()).toEqual(["mac-2/apps/WidgetPro.app", "win-2/programs/widgetpro", "win-3/programs/widgetpro"]);
      }),
      { numRuns: 100 },
    );
  });

  it("applies the operator's overrides before linking", () => {
    const overrides = compileAppOverrides([{ kind: "merge", from: "unlisted:widgetpro", into: "aws-iam-identity-center" }]);
    const rows = linkApps(sightings, { overrides });
    expect(rows.map((r) => r.appId)).toEqual(["1password", "aws-iam-identity-center", "slack"]);
    const aws = rows.find((r) => r.appId === "aws-iam-identity-center")!;
    expect(aws.displayName).toBe("AWS IAM Identity Center");
    expect(aws.installed.map((m) => m.ref)).toEqual(["mac-2/apps/WidgetPro.app", "win-2/programs/widgetpro", "win-3/programs/widgetpro"]);
  });

  it("takes any iterable and any kind of ref", () => {
    function* gen(): Generator<AppSighting<{ systemId: string }>> {
      yield { ref: { systemId: "s1" }, observation: { source: "windows-program", name: "Zoom" } };
      yield { ref: { systemId: "s2" }, observation: { source: "macos-app", name: "zoom.us.app" } };
    }
    const rows = linkApps(gen());
    expect(rows).toHaveLength(1);
    expect(rows[0]!.installed.map((m) => m.ref.systemId)).toEqual(["s1", "s2"]);
    expect(linkApps([])).toEqual([]);
  });
});
