import { afterEach, expect, it } from "vitest";
import { startSim, type Sim } from "@jumpcloud-sync/jumpcloud-sim";
import { AppCatalogService } from "../../src/inventory/app-catalog.service.js";
import { addSimAccount, bootService, describeOnDatabases, ranOk, type Service } from "../support/harness.js";

describeOnDatabases("canonical apps from inventory and SSO against the stand-in's ground truth", (db) => {
  let sim: Sim;
  let service: Service;

  afterEach(async () => {
    await service?.close();
    await sim?.close();
  });

  it("Slack on a Mac, on Windows and on Linux, and the SSO application Slack, end as one app; reclaim lists exactly the idle users", async () => {
    sim = await startSim({ scenario: "demo", seed: 21 });
    service = await bootService({ db: db(), clock: sim.clock, env: { JCS_INVENTORY_ENABLED: "true" } });
    const devices = (["darwin", "windows", "linux"] as const).map((osFamily) => sim.world.addDevice({ osFamily, hostname: `slack-${osFamily}`, systemInsights: "enabled" }));
    for (const d of devices) if (!sim.world.inventoryRows(d.id, d.osFamily === "darwin" ? "apps" : d.osFamily === "windows" ? "programs" : "linux_packages").some((r) => /slack/iu.test(String(r["name"])))) sim.world.installSoftware(d.id, { product: "slack" });
    const { scopes } = await addSimAccount(service, sim);
    const scopeId = scopes[0]!.id;
    const [result] = await service.sync.syncNow({ scopeIds: [scopeId] });
    expect(ranOk(result)).toBe(true);

    const truth = sim.truth();
    const catalog = service.app.get(AppCatalogService);
    const view = await catalog.view(scopeId);
    const slackish = view.apps.filter((a) => a.aliases.some((n) => /slack/iu.test(n)));
    expect(slackish.map((a) => a.appId)).toEqual(["slack"]);
    const slack = slackish[0]!;

    // Devices: exactly those whose System Insights serves a Slack row, whatever the OS calls it.
    // (Devices without System Insights: their software events and managed statuses say it.)
    const managedSlack = new Set(truth.softwareApps.filter((a) => /slack/iu.test(a.displayName)).map((a) => a.id));
    const truthDevices = truth.devices
      .filter((d) =>
        d.systemInsights === "enabled"
          ? (["apps", "programs", "linux_packages"] as const).some((t) => sim.world.inventoryRows(d.id, t).some((r) => /slack/iu.test(String(r["name"]))))
          : d.software.some((s) => /slack/iu.test(s.name)),
      )
      .concat(truth.devices.filter((d) => d.installedManagedAppIds.some((id) => managedSlack.has(id))))
      .map((d) => d.id);
    expect(slack.deviceIds).toEqual([...new Set(truthDevices)].sort());
    for (const d of devices) expect(slack.deviceIds).toContain(d.id);
    const names = new Set(devices.flatMap((d) => (["apps", "programs", "linux_packages"] as const).flatMap((t) => sim.world.inventoryRows(d.id, t).map((r) => String(r["name"])))).values());
    for (const n of ["Slack.app", "Slack", "slack-desktop"]) if (names.has(n)) expect(slack.aliases).toContain(n);
    expect(slack.aliases.length).toBeGreaterThanOrEqual(3);

    // SSO: the stand-in's Slack SSO applications are linked to the same app, with their assigned and signed-in users.
    const ssoSlack = truth.applications.filter((a) => a.name === "slack");
    expect(ssoSlack.length).toBeGreaterThan(0);
    expect(slack.ssoApplicationIds).toEqual(ssoSlack.map((a) => a.id).sort());
    expect(slack.sources).toContain("sso");
    expect(slack.sources).toContain("inventory");
    const ssoIds = new Set(ssoSlack.map((a) => a.id));
    const active = new Set(truth.users.map((u) => u.id));
    const ssoUsers = new Set([...ssoSlack.flatMap((a) => a.assignedUserIds).filter((u) => active.has(u)), ...truth.ssoUsage.filter((u) => ssoIds.has(u.applicationId)).map((u) => u.userId)]);
    for (const u of ssoUsers) expect(slack.userIds).toContain(u);

    // A user's apps: each SSO user's Slack carries the last SSO login the truth has (or "not seen since").
    const mine = view.userApps.filter((u) => u.appId === "slack");
    for (const u of ssoUsers) {
      const last = truth.ssoUsage.filter((s) => s.userId === u && ssoIds.has(s.applicationId)).map((s) => s.lastLoginAt).sort().at(-1);
      const entry = mine.find((m) => m.userId === u)!;
      // A desktop last opened on the user's devices (MDM bindings) may be later than the SSO login.
      if (entry.lastUsed.kind === "date" && entry.lastUsed.source === "desktop") expect(last === undefined || entry.lastUsed.at >= last).toBe(true);
      else if (last === undefined) expect(entry.lastUsed.kind).toBe("not-seen-since");
      else expect(entry.lastUsed).toEqual({ kind: "date", at: last, source: "sso" });
    }

    // Reclaim over N days: exactly the assigned users whose last SSO login is older than N days (or absent).
    const now = sim.clock.now();
    const days = 30;
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const reclaim = (await catalog.reclaim(scopeId, days, now)).filter((c) => c.appId === "slack" && c.via.includes("sso-assignment")).map((c) => c.userId).sort();
    const assigned = new Set(ssoSlack.flatMap((a) => a.assignedUserIds).filter((u) => active.has(u)));
    const expected = [...assigned].filter((u) => {
      const last = truth.ssoUsage.filter((s) => s.userId === u && ssoIds.has(s.applicationId)).map((s) => s.lastLoginAt).sort().at(-1);
      const entry = mine.find((m) => m.userId === u)!.lastUsed;
      const desktop = entry.kind === "date" && entry.source === "desktop" ? entry.at : undefined;
      const latest = [last, desktop].filter((x): x is string => x !== undefined).sort().at(-1);
      return latest === undefined ? entry.kind === "not-seen-since" : latest < cutoff;
    });
    expect(ssoUsers.size).toBeGreaterThan(0);
    expect(reclaim).toEqual(expected.sort());
  });
});
