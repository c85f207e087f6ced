import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldCase, normalizeAppName, slugOf } from "./app-name.js";

const key = (s: string) => normalizeAppName(s).key;

describe("normalizeAppName", () => {
  it.each([
    ["Slack.app", "slack", "Slack"],
    ["zoom.us.app", "zoom.us", "zoom.us"],
    ["Mozilla Firefox (x64 en-US)", "mozilla firefox", "Mozilla Firefox"],
    ["Mozilla Firefox 115.6.0 ESR (x64 en-US)", "mozilla firefox esr", "Mozilla Firefox ESR"],
    ["Python 3.12.1 (64-bit)", "python", "Python"],
    ["Zoom Workplace (64-bit)", "zoom workplace", "Zoom Workplace"],
    ["Visual Studio Community 2022", "visual studio community", "Visual Studio Community"],
    ["Microsoft Visual Studio Code (User)", "microsoft visual studio code", "Microsoft Visual Studio Code"],
    ["Microsoft 365 Apps for enterprise - en-us", "microsoft 365 apps for enterprise", "Microsoft 365 Apps for enterprise"],
    ["7-Zip 23.01 (x64)", "7-zip", "7-Zip"],
    ["Java 8 Update 391 (64-bit)", "java 8", "Java 8"],
    ["Java(TM) SE Development Kit 17.0.2 (64-bit)", "java se development kit", "Java SE Development Kit"],
    ["Slack (Machine - MSI)", "slack", "Slack"],
    ["Teams Machine-Wide Installer", "teams machine-wide", "Teams Machine-Wide"],
    ["Zoom Setup", "zoom", "Zoom"],
    ["Git for Windows", "git", "Git"],
    ["Acme Tool 64 bit", "acme tool", "Acme Tool"],
    ["Foo x64", "foo", "Foo"],
    ["Foo.app 1.2", "foo", "Foo"],
    ["Foo 1.2.app", "foo", "Foo"],
    ["Foo.APP.app", "foo", "Foo"],
    ["Foo 64-bit.app", "foo", "Foo"],
    ["Foo v2", "foo", "Foo"],
    ["Ｓｌａｃｋ™", "slack", "Slack"],
    ["Sl\u200back", "slack", "Slack"],
    ["\tGoogle\u00a0 Chrome  ", "google chrome", "Google Chrome"],
    ["Adobe® Photoshop® 2024", "adobe photoshop", "Adobe Photoshop"],
    ["STRASSE", "strasse", "STRASSE"],
    ["Straße", "strasse", "Straße"],
  ])("%j → key %j, display %j", (raw, k, display) => {
    expect(normalizeAppName(raw)).toEqual({ key: k, display });
  });

  it("keeps the words that tell products apart", () => {
    expect(key("Firefox ESR")).not.toBe(key("Firefox"));
    expect(key("Microsoft Teams classic")).not.toBe(key("Microsoft Teams"));
    expect(key("Microsoft Teams (work or school)")).not.toBe(key("Microsoft Teams"));
    expect(key("Visual Studio Code")).not.toBe(key("Visual Studio"));
    expect(key("Visual Studio Code - Insiders")).not.toBe(key("Visual Studio Code"));
    expect(key("Google Chrome Beta")).not.toBe(key("Google Chrome"));
    expect(key("Microsoft 365")).toBe("microsoft 365"); // a bare number is part of the name
    expect(key("Python 3")).toBe("python 3");
    expect(key("1.1.1.1")).toBe("1.1.1.1"); // the first word is never a version
  });

  it("never strips a name down to nothing", () => {
    expect(normalizeAppName("Setup")).toEqual({ key: "setup", display: "Setup" });
    expect(normalizeAppName("64-bit")).toEqual({ key: "64-bit", display: "64-bit" });
    expect(normalizeAppName(".app")).toEqual({ key: ".app", display: ".app" });
    expect(normalizeAppName("")).toEqual({ key: "", display: "" });
    expect(normalizeAppName(" \t\n")).toEqual({ key: "", display: "" });
    expect(normalizeAppName("(x64)")).toEqual({ key: "", display: "" });
  });

  it("stays linear on hostile input", () => {
    expect(normalizeAppName(`Foo${".app".repeat(50_000)}`)).toEqual({ key: "foo", display: "Foo" });
    expect(normalizeAppName("(".repeat(50_000)).key).toBe("(".repeat(50_000));
    expect(normalizeAppName("x ".repeat(50_000)).key).toBe(Array.from({ length: 50_000 }, () => "x").join(" "));
  });

  it("keeps brackets that name something", () => {
    expect(key("Zoom (Eng workspace)")).toBe("zoom (eng workspace)");
    expect(key("Foo ((x64))")).toBe("foo");
    expect(key("Foo (Bar (x64))")).toBe("foo (bar )");
  });

  const units = fc.constantFrom<"grapheme" | "binary" | "grapheme-ascii">("grapheme", "binary", "grapheme-ascii");
  const anyString = units.chain((unit) => fc.string({ unit, maxLength: 40 }));
  const nameLike = fc
    .array(
      fc.oneof(
        fc.constantFrom("Slack", "Zoom", "Firefox", "ESR", "(x64)", "(64-bit)", "1.2.3", "2022", "Setup", "for", "Windows", ".app", "Straße", "Ｓｌａｃｋ", "-", "en-US", "v2", "Update", "391", "ǅ", "İstanbul", "ΣΑΣ"),
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((words) => words.join(" "));
  const names = fc.oneof(anyString, nameLike);

  it("is total: any string gives a key, never throws", () => {
    fc.assert(
      fc.property(names, (s) => {
        const n = normalizeAppName(s);
        expect(typeof n.key).toBe("string");
        expect(n.key).toBe(n.key.trim());
        expect(n.key).not.toMatch(/\s\s/);
      }),
      { numRuns: 2000 },
    );
  });

  it("is idempotent: the display name normalizes to the same key and display", () => {
    fc.assert(
      fc.property(names, (s) => {
        const n = normalizeAppName(s);
        expect(normalizeAppName(n.display)).toEqual(n);
        expect(normalizeAppName(n.key).key).toBe(n.key);
      }),
      { numRuns: 2000 },
    );
  });

  it("is stable under case changes", () => {
    fc.assert(
      fc.property(names, (s) => {
        const k = key(s);
        expect(key(s.toUpperCase())).toBe(k);
        expect(key(s.toLowerCase())).toBe(k);
      }),
      { numRuns: 2000 },
    );
  });

  it("is stable under whitespace changes", () => {
    const ws = fc.array(fc.constantFrom(" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "  "), { minLength: 1, maxLength: 3 }).map((a) => a.join(""));
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }).filter((w) => !/\s/.test(w)), { minLength: 1, maxLength: 5 }), fc.array(ws, { minLength: 6, maxLength: 6 }), (words, gaps) => {
        const plain = words.join(" ");
        const spaced = gaps[0]! + words.map((w, i) => (i === 0 ? w : gaps[i]! + w)).join("") + gaps[5]!;
        expect(key(spaced)).toBe(key(plain));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("foldCase and slugOf", () => {
  it("folds sharp s alike in every case", () => {
    expect(foldCase("ß")).toBe("ss");
    expect(foldCase("ẞ")).toBe("ss");
    expect(foldCase("SS")).toBe("ss");
  });

  it("keeps letters and digits of any script, one dash between runs", () => {
    expect(slugOf("microsoft visual c++ 2015-2022")).toBe("microsoft-visual-c-2015-2022");
    expect(slugOf("日本語 アプリ")).toBe("日本語-アプリ");
    expect(slugOf("  --  ")).toBe("");
  });
});
