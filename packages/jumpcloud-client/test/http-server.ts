// A real node:http server for the tests: the client under test talks HTTP to it, nothing is mocked.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Recorded {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** Raw header pairs, to see repeated headers. */
  rawHeaders: string[];
}

export type Handler = (req: Recorded, res: ServerResponse, raw: IncomingMessage) => unknown;

export interface TestServer {
  url: string;
  requests: Recorded[];
  /** Highest number of requests being handled at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  let inFlight = 0;
  const state: TestServer = {
    url: "",
    requests: [],
    maxInFlight: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: Recorded = {
        method: req.method ?? "GET",
        url: new URL(req.url ?? "/", "http://localhost"),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        rawHeaders: req.rawHeaders,
      };
      state.requests.push(rec);
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const done = () => {
        inFlight--;
      };
      res.on("close", done);
      Promise.resolve(handler(rec, res, req)).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { message: String(err) });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fast retries for tests. */
export const FAST = { retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 80 }, timeoutMs: 2_000 } as const;

let keyCounter = 0;
/** A fresh key per test keeps each test on its own rate limiter. */
export function testKey(): string {
  keyCounter++;
  return `jcak_test_${process.pid}_${keyCounter}_0123456789abcdef`;
}
