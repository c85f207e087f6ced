import { describe, expect, it } from "vitest";
import type { Account } from "@jumpcloud-sync/domain";
import { parseConfig } from "../config/index.js";
import type { StreamDefinition } from "./stream-definition.types.js";
import { StreamRegistry, StreamRegistryError } from "./stream-registry.service.js";

const KEY = Buffer.alloc(32, 7).toString("base64");

function stream(name: string, extra: Partial<StreamDefinition> = {}): StreamDefinition {
  return {
    name,
    module: "test",
    freshness: { defaultMinutes: 60 },
    clearsOnSuccess: ["failing"],
    credentialFailureBlocksScope: false,
    run: () => Promise.resolve({ kind: "succeeded", summary: name }),
    ...extra,
  };
}

function registry(env: Record<string, string> = {}): StreamRegistry {
  return new StreamRegistry(parseConfig({ JCS_SECRET_KEY: KEY, ...env }));
}

describe("StreamRegistry", () => {
  it("lists streams in registration order and refuses duplicates, bad names and unknown dependencies", () => {
    const r = registry();
    r.register(stream("devices"));
    r.register(stream("software-events", { after: ["devices"] }));
    expect(r.names()).toEqual(["devices", "software-events"]);
    expect(r.has("devices")).toBe(true);
    expect(() => r.register(stream("devices", { module: "other" }))).toThrow(/registered twice \(modules test and other\)/u);
    expect(() => r.register(stream("Managed_Apps"))).toThrow(StreamRegistryError);
    expect(() => r.register(stream("loop", { after: ["loop"] }))).toThrow(/cannot run after itself/u);
    expect(() => r.register(stream("zero", { freshness: { defaultMinutes: 0 } }))).toThrow(/at least 1/u);
    expect(() => r.get("nope")).toThrow(/No stream nope; registered: devices, software-events/u);
  });

  it("orders dependencies first whatever the registration order; refuses at boot an unknown dependency or a cycle", () => {
    const r = registry();
    // As when the inventory module initialises before the MDM module, and the MDM module before the directory one.
    r.register(stream("inventory", { after: ["devices"] }));
    r.register(stream("devices", { after: ["directory"] }));
    r.register(stream("usage"));
    r.register(stream("directory"));
    expect(r.names()).toEqual(["directory", "devices", "inventory", "usage"]);
    expect(() => r.onApplicationBootstrap()).not.toThrow();

    const unknown = registry();
    unknown.register(stream("inventory", { after: ["systems"] }));
    expect(() => unknown.onApplicationBootstrap()).toThrow(/Stream inventory runs after systems, which is not registered \(registered: inventory\)/u);

    const cycle = registry();
    cycle.register(stream("a", { after: ["b"] }));
    cycle.register(stream("b", { after: ["a"] }));
    expect(() => cycle.onApplicationBootstrap()).toThrow(/in a cycle: a → b → a/u);
  });

  it("resolves freshness: the account's own setting, then JCS_STREAM_FRESHNESS_MINUTES, then the module's default", () => {
    const r = registry({ JCS_STREAM_FRESHNESS_MINUTES: "devices=30" });
    r.register(stream("snapshot", { freshness: { defaultMinutes: 60, fromAccount: (a) => a.scheduleMinutes } }));
    r.register(stream("devices"));
    r.register(stream("inventory", { freshness: { defaultMinutes: 360 } }));
    const account = { scheduleMinutes: 15 } as Account;
    expect(r.freshnessMs("snapshot", account)).toBe(15 * 60_000);
    expect(r.freshnessMs("devices", account)).toBe(30 * 60_000);
    expect(r.freshnessMs("inventory", account)).toBe(360 * 60_000);
    expect(() => r.onApplicationBootstrap()).not.toThrow();
  });

  it("refuses at boot a freshness override for a stream nobody registered, or one that follows the account's schedule", () => {
    const typo = registry({ JCS_STREAM_FRESHNESS_MINUTES: "devcies=30" });
    typo.register(stream("devices"));
    expect(() => typo.onApplicationBootstrap()).toThrow(/names devcies, which no module registered \(registered: devices\)/u);
    const perAccount = registry({ JCS_STREAM_FRESHNESS_MINUTES: "snapshot=30" });
    perAccount.register(stream("snapshot", { freshness: { defaultMinutes: 60, fromAccount: (a) => a.scheduleMinutes } }));
    expect(() => perAccount.onApplicationBootstrap()).toThrow(/cannot set snapshot: its freshness is each account's schedule/u);
  });
});
