import { afterEach, describe, expect, it } from "vitest";
import type { Store } from "@jumpcloud-sync/persistence";
import { PgRequestBudgets } from "../src/store/pg-request-budget.js";
import { createTestDb, testDatabases, type TestDb } from "./support/databases.js";

const pg = testDatabases("per-key request budget test").find((d) => d.name === "postgresql")!;

describe.skipIf(pg.skip)("the per-key request budget held in PostgreSQL (two replicas = two budget instances on two connections)", () => {
  let db: TestDb | undefined;
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    await db?.drop();
  });

  async function replicas(requests: number, windowMs: number): Promise<[PgRequestBudgets, PgRequestBudgets]> {
    db = createTestDb("postgresql");
    const a = await db.open();
    const b = await db.open();
    stores.push(a, b);
    const schema = `${(db.storeConfig as { schema: string }).schema}_pgboss`;
    return [new PgRequestBudgets(a, schema, requests, windowMs), new PgRequestBudgets(b, schema, requests, windowMs)];
  }

  it("both replicas together start at most the budget per window; another key has its own", async () => {
    const [a, b] = await replicas(6, 1_000);
    const started: number[] = [];
    const t0 = Date.now();
    const signal = new AbortController().signal;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).forKey("key-one").take(signal).then(() => started.push(Date.now() - t0))),
    );
    started.sort((x, y) => x - y);
    // Six at once, the next six only once the first have left the window (+10% held).
    expect(started.filter((ms) => ms < 900)).toHaveLength(6);
    expect(started[6]!).toBeGreaterThanOrEqual(1_000);
    // Another key is not slowed by key-one's exhausted budget.
    const t1 = Date.now();
    await a.forKey("key-two").take(signal);
    expect(Date.now() - t1).toBeLessThan(500);
  });

  it("a 429 seen by one replica pauses the key for the other", async () => {
    const [a, b] = await replicas(100, 60_000);
    const signal = new AbortController().signal;
    await b.forKey("shared").take(signal); // tables ready on both sides
    a.forKey("shared").pauseFor(1_200);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the pause is written in the background
    const t0 = Date.now();
    await b.forKey("shared").take(signal);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it("stops waiting when the caller aborts, and never stores the key itself", async () => {
    const [a] = await replicas(1, 60_000);
    const signal = new AbortController().signal;
    await a.forKey("secret-key-value").take(signal);
    const controller = new AbortController();
    const waiting = a.forKey("secret-key-value").take(controller.signal);
    setTimeout(() => controller.abort(new Error("shutting down")), 50);
    await expect(waiting).rejects.toThrow("shutting down");
    const rows = (await stores[0]!.orm.em.getConnection().execute(`select key_id from "${(db!.storeConfig as { schema: string }).schema}_pgboss".jcs_request_budget_key`)) as { key_id: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).not.toContain("secret");
    expect(rows[0]!.key_id).toMatch(/^[0-9a-f]{32}$/u);
  });
});
