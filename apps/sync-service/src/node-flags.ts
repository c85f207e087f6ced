/**
 * The Node flags the service's processes start with (`package.json` scripts, the `jumpcloud-sync`
 * bin's shebang; the benchmarks start their sync processes with them too, unless
 * JCS_BENCH_NODE_FLAGS says otherwise). Neither caps the heap: the heap may still grow to V8's
 * limit if the data needs it; they trade a little GC CPU for memory.
 *
 * - `--max-semi-space-size=4`: V8's young generation at most 2 × 4 MiB instead of growing to
 *   2 × 32 MiB (Node 24's default on a 64-bit machine). The syncs' live heap is small (≤ 75 MiB at
 *   20,000 devices and 50,000 users, ~63 MiB after a GC at 10,000 users) while they allocate fast
 *   (pages of 10,000 Directory Insights events, a request per device): with the default, the young
 *   generation and the old generation V8 grows behind it made most of the process's RSS (about
 *   2.5 × the live heap at 5,000 devices; a 233 MiB heap for 63 MiB live at 10,000 users).
 * - `--heap-growing-percent=20`: the old generation grows in 20 % steps, so it stays near its
 *   working set.
 *
 * Measured (root README, benchmark sections): directory full sync at 50,000 users 1,099 → 499 MiB
 * (SQLite) and 751 → 464 MiB (PostgreSQL) together with the chunked reconciliation, at ~8 % (SQLite)
 * to ~30 % (PostgreSQL) more CPU; the MDM figures were taken with `--max-semi-space-size=8` alone.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4", "--heap-growing-percent=20"];
