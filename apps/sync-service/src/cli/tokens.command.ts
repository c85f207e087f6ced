import type { Clock } from "@jumpcloud-sync/domain";
import { STORE, type SyncStore } from "../store/store.types.js";
import { CLOCK } from "../sync/clock.js";
import { parse, UsageError } from "./args.js";
import { table, toJson } from "./format.js";
import { withService } from "./service.js";

export const TOKENS_USAGE = `jumpcloud-sync tokens <command>
  create <name>             a named API token for the HTTP API; prints its secret once (stored hashed)
  revoke <name|id>          the token stops working at once
  list [--json]             names, ids, created and revoked dates (never secrets)`;

const ACTOR = "cli";

export async function tokensCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub ?? "") {
    case "create": {
      const name = onePositional(rest, "tokens create <name>");
      if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/u.test(name)) throw new UsageError("a token name is 1–100 letters, digits, '.', '_', '@' or '-' (it names the consumer in audit entries)");
      return withService({}, async ({ app }) => {
        const store = app.get<SyncStore>(STORE);
        const now = app.get<Clock>(CLOCK).now();
        // Names stay unique after a revocation: an audit entry's actor must name one token.
        const existing = (await store.tokens.listTokens()).find((t) => t.name === name);
        if (existing !== undefined) {
          throw new UsageError(`a token named ${name} exists${existing.revokedAt === null ? "" : " (revoked)"}; token names are never reused, pick another (e.g. ${name}-2)`);
        }
        const { token, secret } = await store.tokens.createToken(name, now);
        await store.audit.record({ at: now, actor: ACTOR, action: "token.create", target: `token:${token.id}`, outcome: "succeeded", details: { name } });
        process.stderr.write(`Created API token ${token.name} (${token.id}). Its secret is shown once, below; it is stored only as a hash.\n`);
        process.stdout.write(`${secret}\n`);
        return 0;
      });
    }
    case "revoke": {
      const idOrName = onePositional(rest, "tokens revoke <name|id>");
      return withService({}, async ({ app }) => {
        const store = app.get<SyncStore>(STORE);
        const now = app.get<Clock>(CLOCK).now();
        const revoked = await store.tokens.revokeToken(idOrName, now);
        await store.audit.record({ at: now, actor: ACTOR, action: "token.revoke", target: `token:${idOrName}`, outcome: revoked ? "succeeded" : "refused", details: {} });
        if (!revoked) {
          process.stderr.write(`jumpcloud-sync: no live token named or with id ${idOrName} (see \`jumpcloud-sync tokens list\`)\n`);
          return 1;
        }
        process.stdout.write(`Revoked ${idOrName}.\n`);
        return 0;
      });
    }
    case "list": {
      const args = parse(rest, { json: { type: "boolean" } });
      if (args.positionals.length > 0) throw new UsageError("usage: jumpcloud-sync tokens list [--json]");
      return withService({}, async ({ app }) => {
        const tokens = await app.get<SyncStore>(STORE).tokens.listTokens();
        if (args.bool("json")) {
          process.stdout.write(`${toJson(tokens)}\n`);
          return 0;
        }
        if (tokens.length === 0) {
          process.stdout.write("No API tokens. Create one with `jumpcloud-sync tokens create <name>`.\n");
          return 0;
        }
        const rows = tokens.map((t) => [t.name, t.id, t.createdAt.toISOString(), t.revokedAt === null ? "live" : `revoked ${t.revokedAt.toISOString()}`]);
        process.stdout.write(`${table([["NAME", "ID", "CREATED", "STATE"], ...rows])}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(TOKENS_USAGE);
  }
}

function onePositional(argv: string[], usage: string): string {
  const args = parse(argv, {});
  const [value, ...extra] = args.positionals;
  if (value === undefined || extra.length > 0) throw new UsageError(`usage: jumpcloud-sync ${usage}`);
  return value;
}
