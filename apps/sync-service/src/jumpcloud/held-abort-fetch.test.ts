import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heldAbortFetch } from "./held-abort-fetch.js";

describe("heldAbortFetch", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Answers after 3 s, or at once for /fast.
    server = createServer((req, res) => {
      const send = (): void => void res.writeHead(200, { "content-type": "application/json", "x-total-count": "1" }).end('{"ok":true}');
      if (req.url === "/fast") send();
      else setTimeout(send, 3_000).unref();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("passes responses through, status, headers and body", async () => {
    const res = await heldAbortFetch(new AbortController().signal, 5_000)(`${url}/fast`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-total-count")).toBe("1");
    expect(await res.json()).toEqual({ ok: true });
  });

  it("aborts a request in flight when the shutdown signal fires", async () => {
    const shutdown = new AbortController();
    const started = Date.now();
    const pending = heldAbortFetch(shutdown.signal, 10_000)(`${url}/slow`);
    setTimeout(() => shutdown.abort(new Error("shutting down")), 100);
    await expect(pending).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(heldAbortFetch(shutdown.signal, 10_000)(`${url}/fast`)).rejects.toThrow(/shutting down/u);
  });

  it("bounds a request by its own timer", async () => {
    const started = Date.now();
    await expect(heldAbortFetch(new AbortController().signal, 200)(`${url}/slow`)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
