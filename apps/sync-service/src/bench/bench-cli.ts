// The benchmarks' sync processes: the real CLI in a child process, preloaded to report its own
// peak RSS and CPU time (the stand-in runs in the benchmark's process, so its memory is not counted).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const CLI = fileURLToPath(new URL("../cli.js", import.meta.url));
const PRELOAD = pathToFileURL(fileURLToPath(new URL("./max-rss.preload.js", import.meta.url))).href;

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The V8 options the service runs with (`cli.ts`'s shebang and the `start` script carry the same):
 * a 4 MiB young generation and a 20 % heap growing step, so the heap stays near its working set
 * (measured at 10,000 users: the live heap after a GC is ~63 MiB while the default sizing let the
 * heap reach 233 MiB). Neither caps the heap: a larger working set only costs more GC time.
 */
export const SYNC_NODE_FLAGS = ["--max-semi-space-size=4", "--heap-growing-percent=20"];

export function runCli(args: string[], env: Record<string, string>, rssFile?: string): Promise<Exit> {
  const child = spawn(process.execPath, [...SYNC_NODE_FLAGS, "--import", PRELOAD, CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env, ...(rssFile === undefined ? {} : { JCS_BENCH_RSS_FILE: rssFile }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** What the preload wrote for a process: peak RSS (KiB) and CPU time (user + system, ms). */
export function processFigures(rssFile: string): { peakRssKiB: number; cpuMs: number | null } {
  const cpuFile = `${rssFile}.cpu`;
  return { peakRssKiB: Number(readFileSync(rssFile, "utf8")), cpuMs: existsSync(cpuFile) ? Number(readFileSync(cpuFile, "utf8")) : null };
}
