import { describe, expect, it } from "vitest";
import { reclaimCsv } from "./apps.command.js";

describe("apps reclaim --csv", () => {
  it("quotes every field (doubling quotes), one header line, CRLF, the evidence per row", () => {
    const csv = reclaimCsv([
      { userId: "u1", appId: "slack", displayName: 'Slack "Enterprise", Grid', via: ["installed", "sso-assignment"], deviceIds: ["d1", "d2"], ssoApplicationIds: ["a1"], lastUsed: { kind: "date", at: "2026-10-01T00:00:00.000Z", source: "desktop" }, idleSince: "2026-10-01T00:00:00.000Z" },
      { userId: "u2", appId: "zoom", displayName: "Zoom", via: ["sso-assignment"], deviceIds: [], ssoApplicationIds: ["a2"], lastUsed: { kind: "not-seen-since", since: "2026-09-01T00:00:00.000Z" }, idleSince: null },
    ]);
    expect(csv.split("\r\n")).toEqual([
      '"app_id","app_name","user_id","via","device_ids","sso_application_ids","last_used","evidence"',
      '"slack","Slack ""Enterprise"", Grid","u1","installed sso-assignment","d1 d2","a1","2026-10-01T00:00:00.000Z","desktop last opened"',
      '"zoom","Zoom","u2","sso-assignment","","a2","not since 2026-09-01T00:00:00.000Z","no SSO login in Directory Insights"',
      "",
    ]);
  });
});
