import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built CLI (dist/cli.js): turbo builds it before the tests run. */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** Whether dist/cli.js exists (the e2e suites that spawn it assert this first). */
export function cliIsBuilt(): boolean {
  return existsSync(CLI);
}

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliChild {
  child: ChildProcess;
  /** Resolves when the process exits, with everything it printed. */
  exit: Promise<CliExit>;
}

/**
 * The real CLI in its own process (Node 24 = this process's node), with only PATH and the given
 * environment — so a test can SIGKILL or SIGTERM it mid-run and start it again.
 */
export function spawnCli(args: string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<CliExit>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit };
}
