import { z } from "zod";
import { PageQuery } from "../api/api.schemas.js";

// The app catalog's HTTP shapes (issue 12): the zod schemas validate requests and document the
// responses, like src/api/api.schemas.ts.

const id = (what: string) => z.string().min(1).max(200).describe(what);
const isoDate = z.iso.datetime({ offset: true });

function page<T extends z.ZodType>(item: T, name: string) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page.") }).meta({ id: name });
}

export const AppLastUsedDto = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("date"), at: isoDate, source: z.enum(["sso", "user_portal", "desktop"]).describe("`sso`: an SSO login; `user_portal`: a portal login; `desktop`: System Insights last opened.") }),
    z.object({ kind: z.literal("not-seen-since"), since: isoDate }).describe("Looked from `since` and found no use."),
    z.object({ kind: z.literal("unknown"), reason: z.string() }).describe("No source says (e.g. never opened, Directory Insights not enabled)."),
  ])
  .meta({ id: "AppLastUsed", description: "Tri-state last use of an app with where it came from." });

export const CanonicalAppDto = z
  .object({
    appId: z.string().describe("Canonical id: the catalog's (`slack`), `unlisted:<slug>`, or an override's `custom:<slug>`."),
    displayName: z.string(),
    listed: z.boolean().describe("In the shipped catalog (or named by an override)."),
    aliases: z.array(z.string()).describe("Every raw name seen (per OS, managed, SSO)."),
    sources: z.array(z.enum(["inventory", "events", "managed", "sso"])),
    versions: z.array(z.string()),
    deviceCount: z.number().int(),
    userCount: z.number().int(),
    deviceIds: z.array(z.string()),
    ssoApplicationIds: z.array(z.string()),
    managedAppIds: z.array(z.string()),
    firstSeenAt: isoDate.nullable(),
    lastSeenAt: isoDate.nullable(),
    lastOpened: z.string().nullable().describe("Latest desktop last opened (ISO 8601), `never`, or null when no device reports it."),
  })
  .meta({ id: "CanonicalApp", description: "One product under all its names, across inventory, software events, managed apps and SSO." });
export const CanonicalAppPage = page(CanonicalAppDto, "CanonicalAppPage");

export const UserAppDto = z
  .object({
    userId: z.string(),
    appId: z.string(),
    displayName: z.string(),
    via: z.array(z.enum(["sso-assignment", "sso-usage", "installed", "managed"])),
    deviceIds: z.array(z.string()),
    ssoApplicationIds: z.array(z.string()),
    lastUsed: AppLastUsedDto,
  })
  .meta({ id: "UserApp", description: "A canonical app of a user, from every source, with its last use." });
export const UserAppPage = page(UserAppDto, "UserAppPage");

export const ReclaimDto = UserAppDto.extend({ idleSince: isoDate.nullable().describe("The last use, when one is known; null when never seen or never opened.") }).meta({ id: "ReclaimCandidate", description: "A user who has the app (assigned or installed) and did not use it for the asked number of days." });
export const ReclaimPage = page(ReclaimDto, "ReclaimPage");

export const ScopeParams = z.object({ scopeId: id("Scope id.") });
export const AppParams = z.object({ scopeId: id("Scope id."), appId: id("Canonical app id.") });
export const ScopeUserParams = z.object({ scopeId: id("Scope id."), userId: id("JumpCloud user id.") });
export const AppPageQuery = PageQuery.strict();
export const ReclaimQuery = PageQuery.extend({ days: z.coerce.number().int().min(1).max(3650).describe("Idle for at least this many days (1–3650).") }).strict();

const appId = z.string().min(1).max(200);
export const AppOverrideDto = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("merge"), from: appId.describe("App whose observations move."), into: appId, displayName: z.string().min(1).max(200).optional() }).strict(),
    z.object({ kind: z.literal("split"), key: z.string().min(1).max(500).describe("A stable alias key, e.g. `name:teams machine-wide installer`, `bundle:com.acme.tool`."), into: appId, displayName: z.string().min(1).max(200) }).strict(),
    z.object({ kind: z.literal("rename"), appId, displayName: z.string().min(1).max(200) }).strict(),
  ])
  .meta({ id: "AppOverride", description: "An operator's correction to the app identity: merge two apps, split an alias off, rename an app. Defined on canonical ids and stable keys, so it applies again on every sync." });
export const AppOverridesDto = z.object({ overrides: z.array(AppOverrideDto).max(1000) }).strict().meta({ id: "AppOverrides", description: "The scope's overrides, in order (a later one on the same key wins)." });
export const StoredAppOverridesDto = z
  .object({
    overrides: z.array(z.unknown()).describe("The stored overrides, in order, as stored (an invalid one included, so it can be fixed)."),
    skipped: z
      .array(z.object({ index: z.number().int().describe("Position in `overrides`."), message: z.string() }))
      .describe("Stored overrides that reads skip: validated when written, they no longer compile (e.g. an id the catalog dropped). Empty when every override applies."),
  })
  .meta({ id: "StoredAppOverrides", description: "The scope's stored overrides and the ones reads skip." });
