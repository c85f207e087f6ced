// The benchmarks' sync processes: the real CLI in a child process, preloaded to report its own
// peak RSS and CPU time (the stand-in runs in the benchmark's process, so its memory is not counted).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SERVICE_NODE_FLAGS } from "../node-flags.js";

export const CLI = fileURLToPath(new URL("../cli.js", import.meta.url));
const PRELOAD = pathToFileURL(fileURLToPath(new URL("./max-rss.preload.js", import.meta.url))).href;

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Node flags the benchmark's sync processes start with: the service's own (as `pnpm cli` and the
 * bin start it), or JCS_BENCH_NODE_FLAGS (space-separated; empty for none) to measure others.
 */
export function benchNodeFlags(): string[] {
  const raw = process.env.JCS_BENCH_NODE_FLAGS;
  return raw === undefined ? [...SERVICE_NODE_FLAGS] : raw.split(/\s+/u).filter((f) => f !== "");
}

export function runCli(args: string[], env: Record<string, string>, rssFile?: string): Promise<Exit> {
  const child = spawn(process.execPath, [...benchNodeFlags(), "--import", PRELOAD, CLI, ...args], {
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
