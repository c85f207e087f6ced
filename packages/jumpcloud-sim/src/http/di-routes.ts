import { type Ctx, RawJsonRows, type Reply, type Route, route } from "./context.js";
import { matching, parseEventQuery, project } from "./di-query.js";

function events(ctx: Ctx): Reply {
  const now = ctx.world.now();
  const q = parseEventQuery(ctx.body, now);
  const rows: Record<string, unknown>[] = [];
  const raw: string[] = [];
  let skipped = 0;
  let last: [number, string] | null = null;
  if (q.limit > 0) {
    for (const view of matching(ctx.orgs, q, now, ctx.world.settings.retentionDays)) {
      if (skipped < q.skip) {
        skipped++;
        continue;
      }
      if (q.fields === null) raw.push(view.serialized());
      else rows.push(project(view.json(), q.fields));
      last = [view.r.ms, view.r.id];
      if (rows.length + raw.length >= q.limit) break;
    }
  }
  // "The header always returns X-Search_after values, even when no further pages of data exist."
  const searchAfter = last ?? q.searchAfter ?? [];
  return {
    status: 200,
    body: q.fields === null ? new RawJsonRows(raw) : rows,
    headers: {
      "X-Result-Count": String(rows.length + raw.length),
      "X-Limit": String(q.limit),
      "X-Sort": q.desc ? "DESC" : "ASC",
      "X-Search_after": JSON.stringify(searchAfter),
      "X-Request-Id": ctx.requestId,
    },
  };
}

function count(ctx: Ctx): Reply {
  const now = ctx.world.now();
  const q = parseEventQuery(ctx.body, now);
  let n = 0;
  for (const _ of matching(ctx.orgs, { ...q, searchAfter: null }, now, ctx.world.settings.retentionDays)) n++;
  return { status: 200, body: { count: n }, headers: { "X-Request-Id": ctx.requestId } };
}

export const diRoutes: Route[] = [
  route("POST", "/insights/directory/v1/events", "di", events),
  route("POST", "/insights/directory/v1/events/count", "di", count),
];
