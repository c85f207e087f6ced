import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * better-sqlite3 (under Kysely's SQLite driver) prepares a statement per query and frees its native
 * side (the compiled program, up to megabytes for a 5,000-row VALUES list) in an N-API finalizer,
 * which Node runs only on a turn of the event loop. A unit of work that chains thousands of
 * statements through promises alone never gives it one, so their native memory piled up until the
 * end (measured: +130 MiB per 170,000 rows written in 850-row statements, +530 MiB in 1-row ones;
 * with a turn after each statement it stays flat). Each SQLite statement is followed by one.
 */
export async function releaseStatements(): Promise<void> {
  await nextTurn();
}
