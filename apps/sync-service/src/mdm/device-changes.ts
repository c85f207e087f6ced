import type { EventQuery } from "@jumpcloud-sync/jumpcloud-client";

/**
 * Directory Insights events that change which users are bound to which devices (API-NOTES §9):
 * `association_change` (a device bound to or unbound from a user or user group, a user added to
 * or removed from a user group), the device lifecycle, and user or group deletions.
 */
export const DEVICE_CHANGE_EVENT_TYPES = ["association_change", "system_create", "system_update", "system_delete", "user_delete", "group_delete"] as const;

/** The documented `{and: [{event_type: [...]}]}` form (the generated type is a spec gap, hence the cast). */
export const DEVICE_CHANGE_SEARCH_TERM = { and: [{ event_type: [...DEVICE_CHANGE_EVENT_TYPES] }] } as unknown as NonNullable<EventQuery["search_term"]>;

interface GraphNode {
  readonly type?: unknown;
  readonly object_id?: unknown;
  readonly id?: unknown;
}

/** The parts of a directory event this reads (structural: DI events carry much more). */
export interface DeviceChangeEvent {
  readonly event_type?: unknown;
  readonly resource?: GraphNode | null;
  readonly association?: { readonly connection?: { readonly from?: GraphNode | null; readonly to?: GraphNode | null } | null } | null;
}

/** What a run must traverse again: devices (from the device side), users (from the user side), or everything. */
export interface DeviceChanges {
  readonly deviceIds: ReadonlySet<string>;
  readonly userIds: ReadonlySet<string>;
  /** A change whose reach cannot be told from the event (a user group deleted): traverse everything. */
  readonly full: string | null;
}

function nodeId(node: GraphNode | null | undefined): string | null {
  if (node === null || node === undefined) return null;
  const id = typeof node.object_id === "string" && node.object_id !== "" ? node.object_id : typeof node.id === "string" && node.id !== "" ? node.id : null;
  return id;
}

/**
 * Reads which bindings may have changed. A device touched by an event is re-traversed from the
 * device side (its whole user list); a user whose group membership changed, or who was deleted, is
 * re-traversed from the user side (that user's whole device list) — together they cover binding
 * through user groups without keeping the group graph.
 */
export function deviceChangesOf(events: Iterable<DeviceChangeEvent>): DeviceChanges {
  const deviceIds = new Set<string>();
  const userIds = new Set<string>();
  let full: string | null = null;
  for (const e of events) {
    const type = e.event_type;
    if (type === "system_create" || type === "system_update" || type === "system_delete") {
      const id = nodeId(e.resource);
      if (id !== null) deviceIds.add(id);
    } else if (type === "user_delete") {
      const id = nodeId(e.resource);
      if (id !== null) userIds.add(id);
    } else if (type === "group_delete") {
      // A user group's deletion unbinds its members from every device it was bound to; the event
      // does not say which devices those were.
      if (e.resource?.type === "user_group" || e.resource?.type === undefined) full ??= "a user group was deleted";
    } else if (type === "association_change") {
      const from = e.association?.connection?.from;
      const to = e.association?.connection?.to;
      const ends = [from, to];
      const systems = ends.filter((n) => n?.type === "system").map(nodeId);
      for (const id of systems) if (id !== null) deviceIds.add(id);
      if (systems.length === 0 && e.resource?.type === "system") {
        const id = nodeId(e.resource);
        if (id !== null) deviceIds.add(id);
      }
      // Group membership: the user gains or loses every device the group is bound to.
      const types = ends.map((n) => n?.type);
      if (types.includes("user_group") && types.includes("user")) {
        const user = ends.find((n) => n?.type === "user");
        const id = nodeId(user);
        if (id !== null) userIds.add(id);
      }
    }
  }
  return { deviceIds, userIds, full };
}
