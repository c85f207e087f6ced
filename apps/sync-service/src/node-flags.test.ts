import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SERVICE_NODE_FLAGS } from "./node-flags.js";

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), "utf8");

describe("the service's Node flags are the same everywhere it is started", () => {
  const flags = SERVICE_NODE_FLAGS.join(" ");

  it("package.json scripts start the service and the CLI with them", () => {
    const scripts = (JSON.parse(read("../package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["start"]).toBe(`node ${flags} dist/main.js`);
    expect(scripts["cli"]).toBe(`node ${flags} dist/cli.js`);
    expect(scripts["demo"]).toBe(`node ${flags} dist/cli.js demo`);
  });

  it("the jumpcloud-sync bin's shebang passes them", () => {
    expect(read("./cli.ts").split("\n")[0]).toBe(`#!/usr/bin/env -S node ${flags}`);
  });
});
