// Loaded with `node --import` into the benchmark's sync processes: on exit, writes the process's
// peak resident set size (KiB, as process.resourceUsage() reports it) to JCS_BENCH_RSS_FILE, and
// its CPU time (user + system, ms) beside it (`<file>.cpu`), so the figures are the sync's own and
// not the stand-in's (which runs in the benchmark's process). With JCS_BENCH_MEM_TRACE (a file),
// it also samples process.memoryUsage() every 250 ms (ms since start, rss, heap used, external,
// array buffers, MiB), to see where a peak comes from.
import { appendFileSync, writeFileSync } from "node:fs";
import { writeHeapSnapshot } from "node:v8";

const out = process.env.JCS_BENCH_RSS_FILE;
if (out !== undefined && out !== "") {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(out, String(usage.maxRSS));
    writeFileSync(`${out}.cpu`, String(Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)));
  });
}

const trace = process.env.JCS_BENCH_MEM_TRACE;
if (trace !== undefined && trace !== "") {
  const started = Date.now();
  let taken = false;
  const mib = (n: number): number => Math.round(n / 1_048_576);
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const at = Number(process.env.JCS_BENCH_HEAP_SNAPSHOT_MIB ?? "0");
    if (at > 0 && m.heapUsed / 1_048_576 > at && !taken) {
      taken = true;
      writeHeapSnapshot(`${trace}.heapsnapshot`);
    }
    appendFileSync(trace, `${Date.now() - started} ${mib(m.rss)} ${mib(m.heapUsed)} ${mib(m.external)} ${mib(m.arrayBuffers)} ${mib(m.heapTotal)}\n`);
  }, 250);
  timer.unref();
}
