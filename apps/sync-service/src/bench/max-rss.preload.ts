// Loaded with `node --import` into the benchmark's sync processes: on exit, writes the process's
// peak resident set size (KiB, as process.resourceUsage() reports it) to JCS_BENCH_RSS_FILE, so the
// figure is the sync's own and not the stand-in's (which runs in the benchmark's process).
import { writeFileSync } from "node:fs";

const out = process.env.JCS_BENCH_RSS_FILE;
if (out !== undefined && out !== "") {
  process.on("exit", () => {
    writeFileSync(out, String(process.resourceUsage().maxRSS));
  });
}
