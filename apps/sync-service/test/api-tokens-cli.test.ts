import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UsageError } from "../src/cli/args.js";
import { tokensCommand } from "../src/cli/tokens.command.js";
import { startApiApp, type ApiApp } from "./support/api-app.js";
import { newSecretKey } from "./support/databases.js";

/** Runs a `jumpcloud-sync tokens …` command in this process, capturing what it prints. */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await tokensCommand(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe("tokens CLI: create prints the secret once, the API accepts it, revoke stops it", () => {
  let dir: string;
  let api: ApiApp;
  const saved: Record<string, string | undefined> = {};
  const env = (): Record<string, string> => ({ JCS_DB_DRIVER: "sqlite", JCS_DB_PATH: join(dir, "jcs.sqlite"), JCS_SECRET_KEY: key, JCS_LOG_LEVEL: "silent" });
  let key: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "jcs-tokens-"));
    key = newSecretKey();
    // The CLI reads its configuration from the environment, like in production.
    for (const [k, v] of Object.entries(env())) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    api = await startApiApp({ env: env() });
  });
  afterAll(async () => {
    await api?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, lists and revokes tokens", async () => {
    const created = await run(["create", "reporting-app"]);
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^jcs_\S{20,}$/u);
    expect(created.err).toContain("reporting-app");
    expect(created.err).not.toContain(secret);

    const ok = await api.call("GET", "/v1/accounts", { token: secret });
    expect(ok.status).toBe(200);

    const dup = run(["create", "reporting-app"]);
    await expect(dup).rejects.toBeInstanceOf(UsageError);
    await expect(run(["create", "bad name!"])).rejects.toThrow(/token name/u);
    await expect(run(["create"])).rejects.toBeInstanceOf(UsageError);

    const list = await run(["list"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^NAME\s+ID\s+CREATED\s+STATE$/mu);
    expect(list.out).toMatch(/^reporting-app\s+\S+\s+\S+\s+live$/mu);
    expect(list.out).not.toContain(secret);
    const json = JSON.parse((await run(["list", "--json"])).out) as { id: string; name: string; revokedAt: string | null }[];
    expect(json.map((t) => [t.name, t.revokedAt])).toEqual([["reporting-app", null]]);
    expect(JSON.stringify(json)).not.toContain(secret);

    const revoked = await run(["revoke", "reporting-app"]);
    expect(revoked.code).toBe(0);
    const denied = await api.call("GET", "/v1/accounts", { token: secret });
    expect(denied.status).toBe(401);
    expect((await run(["revoke", "reporting-app"])).code).toBe(1);
    expect((await run(["list"])).out).toMatch(/^reporting-app\s+\S+\s+\S+\s+revoked \S+$/mu);

    // A name is never reused (audit entries must name one token); revoke by id.
    await expect(run(["create", "reporting-app"])).rejects.toThrow(/never reused/u);
    const again = await run(["create", "reporting-app-2"]);
    expect(again.code).toBe(0);
    const id = (JSON.parse((await run(["list", "--json"])).out) as { id: string; revokedAt: string | null }[]).find((t) => t.revokedAt === null)!.id;
    expect((await run(["revoke", id])).code).toBe(0);
    expect((await api.call("GET", "/v1/accounts", { token: again.out.trim() })).status).toBe(401);

    const audit = await api.store.audit.list({ limit: 20 });
    expect(audit.items.filter((e) => e.action.startsWith("token.")).map((e) => [e.action, e.actor, e.outcome])).toEqual(
      expect.arrayContaining([["token.create", "cli", "succeeded"], ["token.revoke", "cli", "succeeded"], ["token.revoke", "cli", "refused"]]),
    );
  });
});
