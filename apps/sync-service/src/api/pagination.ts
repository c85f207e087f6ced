import { ApiProblem } from "./problem.js";

/**
 * Keyset paging over a small list held in memory (accounts, scopes): sorted by id, the cursor is
 * the last id seen, so a page never repeats or skips an item when others are added or removed.
 * The big lists (users, applications, runs) page in the database.
 */
export function pageById<T extends { readonly id: string }>(items: readonly T[], cursor: string | undefined, limit: number): { items: T[]; nextCursor: string | null } {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const after = cursor === undefined ? null : decodeIdCursor(cursor);
  const rest = after === null ? sorted : sorted.filter((i) => i.id > after);
  const pageItems = rest.slice(0, limit);
  const last = pageItems.at(-1);
  return { items: pageItems, nextCursor: rest.length > limit && last !== undefined ? encodeIdCursor(last.id) : null };
}

function encodeIdCursor(id: string): string {
  return Buffer.from(JSON.stringify(["id", id]), "utf8").toString("base64url");
}

function decodeIdCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === "id" && typeof parsed[1] === "string") return parsed[1];
  } catch {
    // reported below
  }
  throw new ApiProblem(400, "invalid-cursor", "Invalid cursor", "The cursor is not one this API issued; pass `nextCursor` from the previous page unchanged, or omit it for the first page.", [
    { location: "query", path: "cursor", message: "not a cursor issued by this API" },
  ]);
}
