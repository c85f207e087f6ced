// Directory Insights software inventory events (API-NOTES §9, service `software`): the types that
// say something about installations. `software_update` is not one of them (it does not exist).
import type { EventQuery, SearchAfter } from "./spec-patches.js";

export const SOFTWARE_EVENT_TYPES = ["software_add", "software_change", "software_remove"] as const;
export type SoftwareEventType = (typeof SOFTWARE_EVENT_TYPES)[number];

/**
 * The `events()` query for software events in a window: service `software`, the three event
 * types through `search_term` (`{and: [{event_type: [...]}]}`, the documented form), oldest first.
 * The spec types `search_term` as an empty object (a gap), hence the one cast here.
 */
export function softwareEventQuery(window: { start_time: string; end_time?: string; search_after?: SearchAfter; limit?: number }): EventQuery {
  return {
    service: ["software"],
    start_time: window.start_time,
    ...(window.end_time === undefined ? {} : { end_time: window.end_time }),
    ...(window.search_after === undefined ? {} : { search_after: window.search_after }),
    ...(window.limit === undefined ? {} : { limit: window.limit }),
    sort: "ASC",
    search_term: { and: [{ event_type: [...SOFTWARE_EVENT_TYPES] }] } as unknown as NonNullable<EventQuery["search_term"]>,
  };
}
