import { randomBytes } from "node:crypto";
import { resolveEndpoints, type NewAccount } from "@jumpcloud-sync/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountNotFoundError, openStore, SecretKeyError, type Store } from "../src/index.js";
import { backends, TEST_KEY } from "./support/backends.js";
import { changes, user } from "./support/fixtures.js";

const T0 = new Date("2026-04-01T08:00:00.000Z");
const API_KEY = "jc_live_0123456789abcdef0123456789abcdef";

function newAccount(name: string, patch: Partial<NewAccount> = {}): NewAccount {
  return { name, region: "us", endpoints: resolveEndpoints("us"), permission: "read", orgId: null, multiTenant: false, scheduleMinutes: 60, ...patch };
}

describe("secret key configuration", () => {
  it.each([
    ["missing", undefined, /secretKey is missing/u],
    ["empty", "", /secretKey is missing/u],
    ["short", Buffer.alloc(16).toString("base64"), /must be 32 bytes.*16 bytes/u],
    ["unreadable", "not a key!", /must be 32 bytes/u],
  ])("openStore refuses a %s key before connecting", async (_label, secretKey, message) => {
    const attempt = openStore({ driver: "sqlite", dbName: ":memory:", secretKey: secretKey as string });
    await expect(attempt).rejects.toThrow(SecretKeyError);
    await expect(attempt).rejects.toThrow(message);
  });

  it("with debug on, logs the statements but never a key or its ciphertext", async () => {
    const lines: string[] = [];
    const store = await openStore({ driver: "sqlite", dbName: ":memory:", secretKey: TEST_KEY, debug: true, logger: (line) => lines.push(line) });
    const account = await store.accounts.createAccount(newAccount("Logged"), API_KEY, T0);
    expect(await store.accounts.revealApiKey(account.id)).toBe(API_KEY);
    await store.accounts.updateAccount(account.id, {}, T0, `${API_KEY}-2`);
    await store.close();
    const log = lines.join("\n");
    expect(log).toMatch(/insert into account/u);
    expect(log).not.toContain(API_KEY);
    expect(log).not.toMatch(/v1\.[A-Za-z0-9_-]{6,}\./u);
  });

  it("accepts hex as well as base64", async () => {
    const store = await openStore({ driver: "sqlite", dbName: ":memory:", secretKey: randomBytes(32).toString("hex") });
    expect(await store.health()).toBe(true);
    await store.close();
  });
});

describe.each(backends("accounts"))("accounts, secrets, audit and tokens on $name", (backend) => {
  if (backend.unavailable !== null) {
    // Only locally without a PostgreSQL server: under CI=true `unavailable` is null and setup() fails instead.
    // Reason: this backend is unavailable here (PostgreSQL without JCS_TEST_PG_URL); one visible
    // skipped test names why instead of the suite vanishing silently.
    it.skip(`skipped: ${backend.unavailable}`, () => undefined);
    return;
  }
  let store: Store;
  beforeAll(async () => {
    await backend.setup();
    store = await backend.open();
  });
  afterAll(async () => {
    await store?.close();
    await backend.teardown();
  });

  it("creates, reads, updates and lists accounts without ever exposing the key", async () => {
    const created = await store.accounts.createAccount(newAccount("Acme"), API_KEY, T0);
    expect(created).toMatchObject({ name: "Acme", region: "us", paused: false, createdAt: T0, updatedAt: T0 });
    expect(await store.accounts.getAccount(created.id)).toEqual(created);
    const later = new Date(T0.getTime() + 60_000);
    const custom = { consoleBaseUrl: "http://127.0.0.1:9999", insightsBaseUrl: "http://127.0.0.1:9999/insights/directory/v1" };
    const updated = await store.accounts.updateAccount(created.id, { name: "Acme EU", region: null, endpoints: custom, paused: true, scheduleMinutes: 15 }, later);
    expect(updated).toEqual({ ...created, name: "Acme EU", region: null, endpoints: custom, paused: true, scheduleMinutes: 15, updatedAt: later });
    await expect(store.accounts.updateAccount("nope", { name: "x" }, later)).rejects.toThrow(AccountNotFoundError);

    const listed = await store.accounts.listAccounts();
    expect(listed.map((a) => a.id)).toContain(created.id);
    const everything = JSON.stringify([listed, updated, await store.accounts.getAccount(created.id)]);
    expect(everything).not.toContain(API_KEY);
    expect(everything).not.toMatch(/ciphertext|v1\./u);

    // At rest the key is ciphertext, never the plaintext.
    const rows = await store.orm.em.fork().getConnection().execute<{ api_key_ciphertext: string }[]>(`select api_key_ciphertext from account`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.api_key_ciphertext).not.toContain(API_KEY.slice(8));
    expect(await store.accounts.revealApiKey(created.id)).toBe(API_KEY);
  });

  it("replaces a key, rotates the encryption key, and fails clearly on the wrong key", async () => {
    const a = await store.accounts.createAccount(newAccount("Rotating"), "key-one", T0);
    await store.accounts.updateAccount(a.id, {}, T0, "key-two");
    expect(await store.accounts.revealApiKey(a.id)).toBe("key-two");

    const newKey = randomBytes(32).toString("base64");
    const rotated = await backend.open({ secretKey: newKey, previousSecretKeys: [TEST_KEY] });
    try {
      // Readable during the rotation through the previous key…
      expect(await rotated.accounts.revealApiKey(a.id)).toBe("key-two");
      const n = await rotated.rotateSecretKey();
      expect(n).toBeGreaterThanOrEqual(1);
      expect(await rotated.rotateSecretKey()).toBe(0);
    } finally {
      await rotated.close();
    }
    // …and with the new key alone afterwards, while the old key alone no longer works.
    const onlyNew = await backend.open({ secretKey: newKey });
    try {
      expect(await onlyNew.accounts.revealApiKey(a.id)).toBe("key-two");
    } finally {
      await onlyNew.close();
    }
    const error = await store.accounts.revealApiKey(a.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretKeyError);
    expect(String(error)).toMatch(/previousSecretKeys/u);
    expect(String(error)).not.toContain("key-two");
  });

  it("a tampered or transplanted ciphertext does not decrypt", async () => {
    const a = await store.accounts.createAccount(newAccount("A"), "secret-a", T0);
    const b = await store.accounts.createAccount(newAccount("B"), "secret-b", T0);
    const conn = store.orm.em.fork().getConnection();
    await conn.execute(`update account set api_key_ciphertext = (select api_key_ciphertext from account where id = '${a.id}') where id = '${b.id}'`);
    await expect(store.accounts.revealApiKey(b.id)).rejects.toThrow(/failed authentication/u);
  });

  it("replaces an MSP's scopes: new ones enabled, vanished ones disabled, same ids on re-listing", async () => {
    const msp = await store.accounts.createAccount(newAccount("MSP", { multiTenant: true }), API_KEY, T0);
    const first = await store.accounts.replaceScopes(msp.id, [
      { orgId: "o1", orgName: "Org 1" },
      { orgId: "o2", orgName: "Org 2" },
    ]);
    expect(first.map((s) => [s.id, s.enabled])).toEqual([
      [`${msp.id}:o1`, true],
      [`${msp.id}:o2`, true],
    ]);
    const second = await store.accounts.replaceScopes(msp.id, [
      { orgId: "o2", orgName: "Org Two" },
      { orgId: "o3", orgName: "Org 3" },
    ]);
    expect(second.map((s) => [s.orgId, s.orgName, s.enabled])).toEqual([
      ["o1", "Org 1", false],
      ["o2", "Org Two", true],
      ["o3", "Org 3", true],
    ]);
    expect(await store.accounts.getScope(`${msp.id}:o3`)).toEqual({ id: `${msp.id}:o3`, accountId: msp.id, orgId: "o3", orgName: "Org 3", enabled: true });
    expect((await store.accounts.listScopes(msp.id)).length).toBe(3);
    expect((await store.accounts.listScopes()).length).toBeGreaterThanOrEqual(3);
    await expect(store.accounts.replaceScopes("nope", [])).rejects.toThrow(AccountNotFoundError);
  });

  it("removes an account: the secret is wiped; purge also removes what was synced", async () => {
    const keep = await store.accounts.createAccount(newAccount("Keep history"), API_KEY, T0);
    const [keepScope] = await store.accounts.replaceScopes(keep.id, [{ orgId: null, orgName: null }]);
    const gone = await store.accounts.createAccount(newAccount("Purge"), API_KEY, T0);
    const [goneScope] = await store.accounts.replaceScopes(gone.id, [{ orgId: null, orgName: null }]);
    for (const scope of [keepScope!, goneScope!]) await store.directory.applyDirectoryChanges(scope.id, changes({ users: { created: [user(1)] } }));

    await store.accounts.removeAccount(keep.id, { purge: false });
    expect(await store.accounts.getAccount(keep.id)).toBeNull();
    await expect(store.accounts.revealApiKey(keep.id)).rejects.toThrow(AccountNotFoundError);
    expect((await store.accounts.getScope(keepScope!.id))?.enabled).toBe(false);
    expect((await store.directory.loadDirectory(keepScope!.id)).users.size).toBe(1);

    await store.accounts.removeAccount(gone.id, { purge: true });
    expect(await store.accounts.getScope(goneScope!.id)).toBeNull();
    expect((await store.directory.loadDirectory(goneScope!.id)).users.size).toBe(0);
    const left = await store.orm.em.fork().getConnection().execute<{ n: number | string }[]>(`select count(*) as n from account where id in ('${keep.id}', '${gone.id}')`);
    expect(Number(left[0]!.n)).toBe(0);
    await expect(store.accounts.removeAccount(gone.id, { purge: true })).rejects.toThrow(AccountNotFoundError);
  });

  it("keeps an audit log, newest first, paginated, with secret-looking details redacted", async () => {
    for (let i = 0; i < 5; i++) {
      await store.audit.record({ at: new Date(T0.getTime() + i), actor: "cli", action: "account.update", target: "account:x", outcome: "succeeded", details: { i, apiKey: "leak", nested: { token: "leak" } } });
    }
    await store.audit.record({ at: T0, actor: "token:ops", action: "account.remove", target: "account:y", outcome: "refused", details: {} });
    const page1 = await store.audit.list({ target: "account:x", limit: 3 });
    expect(page1.items.map((e) => e.details["i"])).toEqual([4, 3, 2]);
    expect(page1.items[0]).toMatchObject({ actor: "cli", action: "account.update", outcome: "succeeded", at: new Date(T0.getTime() + 4) });
    expect(JSON.stringify(page1)).not.toContain("leak");
    const page2 = await store.audit.list({ target: "account:x", limit: 3, cursor: page1.nextCursor! });
    expect(page2.items.map((e) => e.details["i"])).toEqual([1, 0]);
    expect(page2.nextCursor).toBeNull();
    expect((await store.audit.list({ limit: 100 })).items.length).toBe(6);
  });

  it("issues named tokens stored hashed, verifies them, and revokes by id or name", async () => {
    const { token, secret } = await store.tokens.createToken("grafana", T0);
    const { token: other } = await store.tokens.createToken("backstage", new Date(T0.getTime() + 1));
    expect(secret).toMatch(/^jcs_[A-Za-z0-9_-]{43}$/u);
    const stored = await store.orm.em.fork().getConnection().execute<{ secret_hash: string }[]>(`select secret_hash from api_token`);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(await store.tokens.verifyToken(secret)).toEqual(token);
    expect(await store.tokens.verifyToken(`${secret}x`)).toBeNull();
    expect(await store.tokens.verifyToken("garbage")).toBeNull();
    await expect(store.tokens.createToken("grafana", T0)).rejects.toThrow();
    expect(await store.tokens.revokeToken("grafana", T0)).toBe(true);
    expect(await store.tokens.revokeToken("grafana", T0)).toBe(false);
    expect(await store.tokens.verifyToken(secret)).toBeNull();
    expect(await store.tokens.revokeToken(other.id, T0)).toBe(true);
    expect((await store.tokens.listTokens()).map((t) => [t.name, t.revokedAt])).toEqual([
      ["grafana", T0],
      ["backstage", T0],
    ]);
  });
});
