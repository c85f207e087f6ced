import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config/index.js";
import type { SyncStore } from "../store/store.types.js";
import { JumpCloudClients } from "./jumpcloud-clients.service.js";

const KEY = Buffer.alloc(32, 7).toString("base64");
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The service relies on the client's own abort and timeout layer (no second wrapper): these prove
 * that the clients it builds keep both after a garbage collection mid-request, on a real server.
 */
describe("JumpCloudClients: timeouts and shutdown survive a garbage collection mid-request", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // Answers after 4 s: longer than every bound below.
    server = createServer((_req, res) => {
      setTimeout(() => void res.writeHead(200, { "content-type": "application/json" }).end('{"_id":"u1","id":"u1"}'), 4_000).unref();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  function clients(timeoutMs: number): JumpCloudClients {
    const config = parseConfig({ JCS_SECRET_KEY: KEY, JCS_REQUEST_TIMEOUT_MS: String(timeoutMs), JCS_RETRY_MAX_ATTEMPTS: "1" });
    // `create` never touches the store (only `forScope` reads stored keys).
    return new JumpCloudClients(config, {} as SyncStore);
  }

  it("the per-request timeout still fires, and shutdown (abortAll) still aborts a request in flight", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const endpoints = { consoleBaseUrl: base, insightsBaseUrl: `${base}/insights/directory/v1` };

    const timed = clients(400).create("k".repeat(40), endpoints, null);
    let started = Date.now();
    const pending = timed.getUser("u1").catch((e: unknown) => e);
    await sleep(100);
    gc();
    expect(await pending).toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(2_500);

    const service = clients(30_000);
    const client = service.create("k".repeat(40), endpoints, null);
    started = Date.now();
    const inFlight = client.getUser("u1").catch((e: unknown) => e);
    await sleep(100);
    gc();
    service.abortAll();
    expect(await inFlight).toMatchObject({ message: "shutting down" });
    expect(Date.now() - started).toBeLessThan(2_500);
    // After shutdown nothing new starts.
    await expect(client.getUser("u1")).rejects.toThrow("shutting down");
  });
});
