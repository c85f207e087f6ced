// Loaded with `node --import` into the benchmark's sync processes: on exit, writes the process's
// peak resident set size (KiB, as process.resourceUsage() reports it) to JCS_BENCH_RSS_FILE, and
// its CPU time (user + system, ms) beside it (`<file>.cpu`), so the figures are the sync's own and
// not the stand-in's (which runs in the benchmark's process).
import { writeFileSync } from "node:fs";

const out = process.env.JCS_BENCH_RSS_FILE;
if (out !== undefined && out !== "") {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(out, String(usage.maxRSS));
    writeFileSync(`${out}.cpu`, String(Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)));
  });
}
