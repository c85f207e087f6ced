import type { SyncCounters } from "@jumpcloud-sync/domain";
import type { SyncEvent, SyncEvents } from "../sync/sync-events.js";

export interface ProgressOptions {
  readonly out: NodeJS.WriteStream;
  /** A live display on a terminal; plain lines otherwise (logs, CI, pipes). */
  readonly tty: boolean;
  /** Short labels for scope ids. */
  readonly label?: (scopeId: string) => string;
}

/** Renders sync progress: a redrawn block on a TTY, one line per stage change otherwise. */
export function attachProgress(events: SyncEvents, options: ProgressOptions): () => void {
  const label = options.label ?? ((id: string) => id);
  const active = new Map<string, string>();
  const lastStage = new Map<string, string>();
  let drawn = 0;
  let timer: NodeJS.Timeout | null = null;
  const out = options.out;

  const clear = (): void => {
    if (!options.tty || drawn === 0) return;
    out.write(`\x1b[${drawn}A`);
    for (let i = 0; i < drawn; i += 1) out.write("\x1b[2K\n");
    out.write(`\x1b[${drawn}A`);
    drawn = 0;
  };
  const draw = (): void => {
    timer = null;
    if (!options.tty) return;
    clear();
    const width = out.columns > 20 ? out.columns - 1 : 120;
    for (const line of active.values()) out.write(`${line.slice(0, width)}\n`);
    drawn = active.size;
  };
  const schedule = (): void => {
    if (timer === null) timer = setTimeout(draw, 80);
  };
  const permanent = (line: string): void => {
    if (options.tty) {
      clear();
      out.write(`${line}\n`);
      schedule();
    } else out.write(`${line}\n`);
  };

  const unsubscribe = events.subscribe((event: SyncEvent) => {
    const key = `${event.scopeId}/${event.stream}`;
    const who = `${label(event.scopeId)} ${event.stream}`;
    switch (event.kind) {
      case "run-started":
        permanent(`▶ ${who}: started`);
        active.set(key, `  ${who}: starting…`);
        schedule();
        break;
      case "progress": {
        const amount = event.done === undefined ? "" : event.total === undefined ? ` ${event.done}` : ` ${event.done}/${event.total}${bar(event.done, event.total)}`;
        active.set(key, `  ${spinner()} ${who}: ${event.stage}${amount} · ${requests(event.counters)}`);
        if (!options.tty && lastStage.get(key) !== event.stage) {
          lastStage.set(key, event.stage);
          out.write(`  ${who}: ${event.stage}\n`);
        }
        schedule();
        break;
      }
      case "run-finished":
        active.delete(key);
        lastStage.delete(key);
        permanent(`${event.state === "succeeded" ? "✔" : "✖"} ${who}: ${event.outcome === "unavailable" ? event.message : event.state} in ${(event.durationMs / 1000).toFixed(1)} s · ${requests(event.counters)} · ${rows(event.counters)}${event.error === null ? "" : `\n    ${event.error}`}`);
        break;
      case "run-skipped":
        permanent(`• ${who}: skipped (${event.reason})`);
        break;
    }
  });
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    active.clear();
    clear();
  };
}

let spin = 0;
function spinner(): string {
  spin = (spin + 1) % 4;
  return ["⠋", "⠙", "⠸", "⠴"][spin] ?? "·";
}

function bar(done: number, total: number): string {
  if (total <= 0) return "";
  const width = 20;
  const filled = Math.round((Math.min(done, total) / total) * width);
  return ` [${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

function requests(c: Readonly<SyncCounters>): string {
  return `${c.requests} requests${c.retries > 0 ? `, ${c.retries} retries` : ""}${c.rateLimited > 0 ? `, ${c.rateLimited}×429` : ""}`;
}

function rows(c: Readonly<SyncCounters>): string {
  const parts = [`+${c.created} ~${c.updated} -${c.removed} rows`];
  if (c.events > 0) parts.push(`${c.events} events → ${c.usageChanged} last-use updates`);
  return parts.join(", ");
}
