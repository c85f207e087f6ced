// Loaded with `node --import` into the benchmark's sync processes: on exit, writes the process's
// peak resident set size (KiB, as process.resourceUsage() reports it) and its CPU time (user and
// system, µs) to JCS_BENCH_RSS_FILE, so the figures are the sync's own and not the stand-in's
// (which runs in the benchmark's process).
import { writeFileSync } from "node:fs";

const out = process.env.JCS_BENCH_RSS_FILE;
if (out !== undefined && out !== "") {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(out, `${usage.maxRSS} ${usage.userCPUTime} ${usage.systemCPUTime}`);
  });
}
