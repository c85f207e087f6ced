/**
 * The Node flags the service's processes start with (`package.json` scripts, the `jumpcloud-sync`
 * bin's shebang; the benchmarks start their sync processes with them too).
 *
 * `--max-semi-space-size=8`: V8's young generation at most 2 × 8 MiB instead of growing to
 * 2 × 32 MiB (Node 24's default on a 64-bit machine with a 4 GiB heap limit). The syncs' live heap
 * is small (≤ 75 MiB at 20,000 devices and 50,000 users) while they allocate fast (a page of
 * 10,000 Directory Insights events, a request per device): with the default, the young generation
 * and the old generation V8 grows behind it made most of the process's RSS (about 2.5 × the live
 * heap at 5,000 devices). Not a cap: the heap may still grow to V8's limit if the data needs it;
 * scavenges are just more frequent (no CPU time measurably added in `bench:mdm`).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=8"];
