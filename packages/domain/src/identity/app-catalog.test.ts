import { describe, expect, it } from "vitest";
import { APP_CATALOG_ENTRIES } from "./app-catalog.data.js";
import { AppCatalogError, type AppCatalogEntry, aliasKeysOf, checkAppCatalog, compileAppCatalog } from "./app-catalog.js";
import { defaultAppCatalog, identifyApp } from "./app-identity.js";

describe("the shipped catalog", () => {
  it("compiles with no problem", () => {
    expect(checkAppCatalog(APP_CATALOG_ENTRIES)).toEqual([]);
    expect(defaultAppCatalog().size).toBe(APP_CATALOG_ENTRIES.length);
  });

  it("has at least 100 products across every category", () => {
    expect(APP_CATALOG_ENTRIES.length).toBeGreaterThanOrEqual(100);
    const categories = new Set(APP_CATALOG_ENTRIES.map((e) => e.category));
    for (const c of ["browser", "communication", "productivity", "developer", "security", "design", "saas"]) expect(categories).toContain(c);
  });

  it("maps no alias to two products", () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const e of APP_CATALOG_ENTRIES) {
      for (const k of aliasKeysOf(e)) {
        const prev = owner.get(k);
        if (prev !== undefined && prev !== e.id) clashes.push(`${k}: ${prev} / ${e.id}`);
        owner.set(k, e.id);
      }
    }
    expect(clashes).toEqual([]);
  });

  it("gives every product two aliases or a note saying why not", () => {
    const thin = APP_CATALOG_ENTRIES.filter((e) => aliasKeysOf(e).length < 2 && (e.note ?? "").trim() === "").map((e) => e.id);
    expect(thin).toEqual([]);
  });

  it("identifies every product's display name and every name alias as the product itself", () => {
    const wrong: string[] = [];
    for (const e of APP_CATALOG_ENTRIES) {
      for (const n of [e.name, ...(e.names ?? [])]) {
        const id = identifyApp({ source: "windows-program", name: n }).appId;
        if (id !== e.id) wrong.push(`${n} → ${id}, expected ${e.id}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("identifies every identifier alias as its product, in its own source", () => {
    const wrong: string[] = [];
    const check = (label: string, got: string, e: AppCatalogEntry) => {
      if (got !== e.id) wrong.push(`${label} → ${got}, expected ${e.id}`);
    };
    for (const e of APP_CATALOG_ENTRIES) {
      for (const b of e.bundleIds ?? []) check(b, identifyApp({ source: "macos-app", name: "X.app", bundleIdentifier: b }).appId, e);
      for (const [format, list] of Object.entries(e.packages ?? {})) {
        for (const p of list as readonly string[]) check(`${format}:${p}`, identifyApp({ source: "linux-package", name: p, packageFormat: format }).appId, e);
      }
      for (const c of e.extensions?.chrome ?? []) check(c, identifyApp({ source: "chrome-extension", name: "x", identifier: c }).appId, e);
      for (const f of e.extensions?.firefox ?? []) check(f, identifyApp({ source: "firefox-addon", name: "x", identifier: f }).appId, e);
      for (const c of e.managed?.chocolatey ?? []) check(c, identifyApp({ source: "managed-app", displayName: "x", packageId: c, packageManager: "CHOCOLATEY" }).appId, e);
      for (const w of e.managed?.winget ?? []) check(w, identifyApp({ source: "managed-app", displayName: "x", packageId: w, packageManager: "WINGET" }).appId, e);
      for (const k of e.ssoKeys ?? []) check(k, identifyApp({ source: "sso-application", name: k }).appId, e);
    }
    expect(wrong).toEqual([]);
  });

  it("keeps the products that must stay apart apart", () => {
    const byId = new Map(APP_CATALOG_ENTRIES.map((e) => [e.id, e]));
    let pairs = 0;
    for (const e of APP_CATALOG_ENTRIES) {
      for (const other of e.distinctFrom ?? []) {
        const o = byId.get(other)!;
        const shared = aliasKeysOf(e).filter((k) => aliasKeysOf(o).includes(k));
        expect(shared, `${e.id} / ${other}`).toEqual([]);
        expect(identifyApp({ source: "windows-program", name: e.name }).appId).not.toBe(identifyApp({ source: "windows-program", name: o.name }).appId);
        pairs += 1;
      }
    }
    expect(pairs).toBeGreaterThanOrEqual(15);
  });

  it("declares publishers its own vendor matches", () => {
    const declaring = APP_CATALOG_ENTRIES.filter((e) => (e.publishers ?? []).length > 0);
    expect(declaring.length).toBeGreaterThanOrEqual(10);
    for (const e of declaring) {
      expect(identifyApp({ source: "windows-program", name: e.name, publisher: `${e.vendor}, Inc.` }).appId, e.id).toBe(e.id);
      expect(identifyApp({ source: "windows-program", name: e.name, publisher: "Unrelated Industrial Controls" }).appId, e.id).not.toBe(e.id);
    }
  });

  it("holds only well-formed extension ids", () => {
    for (const e of APP_CATALOG_ENTRIES) {
      for (const c of e.extensions?.chrome ?? []) expect(c, e.id).toMatch(/^[a-p]{32}$/);
      for (const f of e.extensions?.firefox ?? []) expect(f, e.id).toMatch(/^(?:\{[0-9a-f-]{36}\}|[^@\s]*@[^@\s]+)$/i);
    }
  });
});

describe("compileAppCatalog", () => {
  const base: AppCatalogEntry = { id: "acme", name: "Acme", vendor: "Acme", category: "utility", names: ["Acme Tool"] };

  it("reports every problem at once, naming the products", () => {
    const bad: AppCatalogEntry[] = [
      base,
      { id: "acme", name: "Acme Two", vendor: "Acme", category: "utility", names: ["Acme Two App"] },
      { id: "Bad Id", name: "Bad", vendor: "x", category: "utility", names: ["Bad One"] },
      { id: "clash", name: "Clash", vendor: "x", category: "utility", names: ["acme tool (x64)"] },
      { id: "thin", name: "Thin", vendor: "x", category: "utility" },
      { id: "variant", name: "Variant", vendor: "x", category: "utility", names: ["V"], variants: [{ id: "nowhere", versionEndsWith: "esr" }], distinctFrom: ["ghost"] },
      { id: "pkg-a", name: "Pkg A", vendor: "x", category: "utility", packages: { deb: ["shared"] } },
      { id: "pkg-b", name: "Pkg B", vendor: "x", category: "utility", packages: { rpm: ["shared"] } },
    ];
    const issues = checkAppCatalog(bad);
    expect(issues).toEqual(
      expect.arrayContaining([
        'product id "acme" is listed twice',
        'product id "Bad Id" is not lowercase letters, digits and "-" (ids with ":" are reserved for unlisted apps)',
        'alias name:acme tool (a name after normalization) maps to two products: "acme" and "clash"',
        'product "thin" has 1 alias: give it another or a note saying why',
        'product "variant" has a variant "nowhere" that is not in the catalog',
        'product "variant" is distinct from "ghost", which is not in the catalog',
        'alias pkg:shared (a rpm package name, matched in any format) maps to two products: "pkg-a" and "pkg-b"',
      ]),
    );
    expect(() => compileAppCatalog(bad)).toThrow(AppCatalogError);
    expect(() => compileAppCatalog(bad)).toThrow(/Invalid app catalog \(\d+ problems\)/);
  });

  it("gives the same answers with or without its name cache, when the cache fills and is cleared too", () => {
    const names = ["Slack", "Mozilla Firefox (x64 en-US)", "Acme Widgets 2.0", "Slack", "JetBrains GoLand", "Agent", "Acme Widgets 2.0", "", "Ｚｏｏｍ", "Slack"];
    const none = compileAppCatalog(APP_CATALOG_ENTRIES, { nameCacheSize: 0 });
    const tiny = compileAppCatalog(APP_CATALOG_ENTRIES, { nameCacheSize: 3 });
    const big = compileAppCatalog(APP_CATALOG_ENTRIES);
    for (let round = 0; round < 3; round += 1) {
      for (const name of names) {
        const o = { source: "windows-program" as const, name, publisher: "Acme" };
        const expected = identifyApp(o, none);
        expect(identifyApp(o, tiny)).toEqual(expected);
        expect(identifyApp(o, big)).toEqual(expected);
      }
    }
  });

  it("accepts a thin product with a note", () => {
    expect(checkAppCatalog([{ id: "thin", name: "Thin", vendor: "x", category: "utility", note: "web only" }])).toEqual([]);
  });

  it("indexes a custom catalog the identifier uses instead of the shipped one", () => {
    const catalog = compileAppCatalog([base]);
    expect(identifyApp({ source: "windows-program", name: "Acme Tool 2.1 (x64)" }, catalog)).toMatchObject({ appId: "acme", matchedBy: "catalog-alias" });
    expect(identifyApp({ source: "windows-program", name: "Slack" }, catalog)).toMatchObject({ appId: "unlisted:slack", matchedBy: "heuristic" });
    expect(catalog.lookupKey("name:acme tool")?.id).toBe("acme");
    expect(catalog.lookupKey("nonsense")).toBeUndefined();
  });
});
