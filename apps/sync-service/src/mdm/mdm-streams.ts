import type { MdmStreamName } from "@jumpcloud-sync/domain";

// The MDM module's stream names (the domain's MDM_STREAMS), as the store, the registry and the API spell them.
export const DEVICES_STREAM = "devices" satisfies MdmStreamName;
export const MANAGED_APPS_STREAM = "managed-apps" satisfies MdmStreamName;
export const SOFTWARE_EVENTS_STREAM = "software-events" satisfies MdmStreamName;
