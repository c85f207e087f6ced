import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Store } from "@jumpcloud-sync/persistence";
import type { SyncRun } from "@jumpcloud-sync/domain";

/** The built CLI the multi-process suites start (turbo builds before test). */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(name: string, args: string[], env: Record<string, string>): Replica {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  let buffer = "";
  child.stdout?.on("data", (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  child.stderr?.on("data", (d: Buffer) => lines.push({ msg: d.toString(), stderr: true }));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { name, child, lines, exit };
}

/** Runs of one scope × stream must not overlap: each starts after the previous one finished. */
export function overlaps(runs: readonly SyncRun[]): string[] {
  const byKey = new Map<string, SyncRun[]>();
  for (const run of runs) byKey.set(`${run.scopeId}|${run.stream}`, [...(byKey.get(`${run.scopeId}|${run.stream}`) ?? []), run]);
  const found: string[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    for (let i = 1; i < sorted.length; i += 1) {
      const previous = sorted[i - 1]!;
      const end = previous.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
      if (sorted[i]!.startedAt.getTime() < end) found.push(`${key}: run ${sorted[i]!.id} started before ${previous.id} finished`);
    }
  }
  return found;
}

export async function allRuns(store: Store): Promise<SyncRun[]> {
  const runs: SyncRun[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.runs.listRuns({ limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    runs.push(...page.items);
    if (page.nextCursor === null) return runs;
    cursor = page.nextCursor;
  }
}

