import { createHash } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoggedRequest {
  /** Wall-clock ms when the request reached the proxy. */
  readonly at: number;
  /** sha256 of the `x-api-key` header, first 16 hex digits: which key, never the key. */
  readonly key: string;
  readonly method: string;
  readonly path: string;
}

/**
 * A pass-through HTTP proxy in front of a stand-in that logs when each request arrived and with
 * which key: the stand-in counts requests but does not time them, and the per-key budget is about
 * requests per window across every replica.
 */
export async function startRequestLogProxy(target: string): Promise<{ url: string; log: LoggedRequest[]; close(): Promise<void> }> {
  const upstream = new URL(target);
  const log: LoggedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const key = req.headers["x-api-key"];
    log.push({
      at: Date.now(),
      key: typeof key === "string" ? createHash("sha256").update(key).digest("hex").slice(0, 16) : "none",
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0] ?? "/",
    });
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most requests of one key inside any window of `windowMs` (a sliding window over the log). */
export function maxRequestsInWindow(log: readonly LoggedRequest[], key: string, windowMs: number): number {
  const times = log.filter((r) => r.key === key).map((r) => r.at).sort((a, b) => a - b);
  let max = 0;
  let first = 0;
  for (let last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! >= windowMs) first += 1;
    max = Math.max(max, last - first + 1);
  }
  return max;
}

export function keyFingerprint(apiKey: string): string {
  return createHash("sha256").update(apiKey).digest("hex").slice(0, 16);
}
