import { describe, expect, it } from "vitest";
import { compileAppOverrides } from "../identity/app-overrides.js";
import type { AppObservation } from "../identity/app-observation.js";
import type { ManagedApp, StoredInstallation } from "../model/mdm.js";
import type { SsoApplication } from "../model/directory.js";
import { buildAppCatalogView, reclaimCandidates } from "./app-catalog-view.js";
import type { PresentApp } from "./inventory.js";

function inst(deviceId: string, name: string, source: StoredInstallation["source"], sourceRef = source === "inventory" ? "apps" : ""): StoredInstallation {
  return { deviceId, appKey: name.toLowerCase(), source, sourceRef, name, version: "1", packageManager: null, firstSeenAt: "2026-11-01T00:00:00.000Z", lastSeenAt: "2026-11-30T00:00:00.000Z", evidenceAt: "2026-11-30T00:00:00.000Z", evidenceId: "e", evidenceKind: source === "inventory" ? "inventory" : "add", removedAt: null };
}
const present = (row: StoredInstallation): PresentApp => ({ deviceId: row.deviceId, appKey: row.appKey, sources: [row.source], rows: [row] });

const observations = new Map<string, AppObservation>([
  ["mac/Slack.app", { source: "macos-app", name: "Slack.app", bundleIdentifier: "com.tinyspeck.slackmacgap" }],
  ["win/Slack", { source: "windows-program", name: "Slack", publisher: "Slack Technologies Inc." }],
  ["lin/slack-desktop", { source: "linux-package", name: "slack-desktop", packageFormat: "deb" }],
  ["mac/zoom.us.app", { source: "macos-app", name: "zoom.us.app", bundleIdentifier: "us.zoom.xos" }],
]);
const opened = new Map<string, string | null>([["mac/Slack.app", "2026-11-29T00:00:00.000Z"], ["mac/zoom.us.app", "never"]]);
const rows = [inst("mac", "Slack.app", "inventory"), inst("win", "Slack", "inventory", "programs"), inst("lin", "slack-desktop", "inventory", "linux_packages"), inst("mac", "zoom.us.app", "inventory"), inst("win", "Slack", "managed", "m1")];
const managedApps: ManagedApp[] = [{ id: "m1", displayName: "Slack", settings: [], createdAt: null, updatedAt: null }];
const sso: SsoApplication[] = [{ id: "sso1", name: "slack", displayName: "Slack", displayLabel: "Slack", ssoUrl: null, ssoType: null, active: true }];
const base = {
  present: rows.map(present),
  observationOf: (r: StoredInstallation) => (r.source === "inventory" ? (observations.get(`${r.deviceId}/${r.name}`) ?? null) : null),
  lastOpenedOf: (r: StoredInstallation) => (r.source === "inventory" ? (opened.get(`${r.deviceId}/${r.name}`) ?? null) : null),
  bindings: [
    { deviceId: "mac", userId: "alice" },
    { deviceId: "win", userId: "bob" },
    { deviceId: "lin", userId: "carol" },
  ],
  ssoApplications: sso,
  assignments: [{ applicationId: "sso1", userId: "dave" }],
  usage: [{ userId: "bob", applicationId: "sso1", lastUsedAt: "2026-11-30T08:00:00.000Z", source: "sso" as const, eventId: "x" }],
  usageCoverage: { kind: "available" as const, since: "2026-09-01T00:00:00.000Z" },
  managedApps,
};

describe("canonical apps and a user's apps", () => {
  it("the per-OS Slack names, the managed and the SSO Slack are one app with one user list", () => {
    const view = buildAppCatalogView(base);
    const slack = view.apps.filter((a) => a.aliases.some((n) => n.toLowerCase().includes("slack")));
    expect(slack).toHaveLength(1);
    expect(slack[0]).toMatchObject({ appId: "slack", sources: ["inventory", "managed", "sso"], deviceIds: ["lin", "mac", "win"], userIds: ["alice", "bob", "carol", "dave"], ssoApplicationIds: ["sso1"], managedAppIds: ["m1"] });
    const byUser = new Map(view.userApps.filter((u) => u.appId === "slack").map((u) => [u.userId, u]));
    expect(byUser.get("alice")?.lastUsed).toEqual({ kind: "date", at: "2026-11-29T00:00:00.000Z", source: "desktop" });
    expect(byUser.get("bob")?.lastUsed).toEqual({ kind: "date", at: "2026-11-30T08:00:00.000Z", source: "sso" });
    expect(byUser.get("bob")?.via).toEqual(["installed", "managed", "sso-usage"]);
    expect(byUser.get("carol")?.lastUsed.kind).toBe("unknown");
    expect(byUser.get("dave")?.lastUsed).toEqual({ kind: "not-seen-since", since: "2026-09-01T00:00:00.000Z" });
  });

  it("an operator's merge puts two apps together; the view is the same whatever the input order", () => {
    const overrides = compileAppOverrides([{ kind: "merge", from: "zoom", into: "slack" }]);
    const merged = buildAppCatalogView({ ...base, overrides });
    expect(merged.apps.find((a) => a.appId === "zoom")).toBeUndefined();
    expect(merged.apps.find((a) => a.appId === "slack")?.aliases).toContain("zoom.us.app");
    const reversed = buildAppCatalogView({ ...base, present: [...base.present].reverse(), overrides });
    expect(reversed).toEqual(merged);
  });

  it("reclaim: users who have the app and no use in N days, with the evidence", () => {
    const view = buildAppCatalogView(base);
    const now = new Date("2026-12-03T00:00:00.000Z");
    const r = reclaimCandidates(view.userApps, 30, now).map((c) => `${c.appId}/${c.userId}`);
    // dave is assigned and not seen since September; alice never opened Zoom; carol's Linux Slack has no usage source (unknown: not listed).
    expect(r).toEqual(["slack/dave", "zoom/alice"]);
    expect(reclaimCandidates(view.userApps, 2, now).map((c) => `${c.appId}/${c.userId}`)).toEqual(["slack/alice", "slack/bob", "slack/dave", "zoom/alice"]);
    expect(() => reclaimCandidates(view.userApps, 0, now)).toThrow(RangeError);
  });
});
