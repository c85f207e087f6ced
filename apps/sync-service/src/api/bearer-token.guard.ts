import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import { STORE, type SyncStore } from "../store/store.types.js";
import type { HttpRequest } from "./http.types.js";
import { ApiProblem } from "./problem.js";

export const BEARER_SCHEME = "token";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="jumpcloud-sync"' };

/**
 * Named bearer tokens (`jumpcloud-sync tokens create <name>`): the secret is verified against its
 * hash in the store on every request, so a revoked token stops working at once, in every replica.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(@Inject(STORE) private readonly store: SyncStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const header = req.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || value.trim() === "") {
      throw new ApiProblem(401, "unauthenticated", "Unauthorized", "This route needs an API token: send `Authorization: Bearer <secret>` (create one with `jumpcloud-sync tokens create <name>`).", undefined, CHALLENGE);
    }
    const match = /^Bearer\s+(\S+)\s*$/iu.exec(value);
    if (match?.[1] === undefined) {
      throw new ApiProblem(401, "unauthenticated", "Unauthorized", "The Authorization header must be `Bearer <secret>`.", undefined, CHALLENGE);
    }
    const token = await this.store.tokens.verifyToken(match[1]);
    if (token === null) {
      throw new ApiProblem(401, "invalid-token", "Unauthorized", "The API token is unknown or revoked.", undefined, { "WWW-Authenticate": 'Bearer realm="jumpcloud-sync", error="invalid_token"' });
    }
    req.apiToken = token;
    return true;
  }
}

/** The calling token's name: the "who" of audit entries. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const token = context.switchToHttp().getRequest<HttpRequest>().apiToken;
  if (token === undefined) throw new Error("Actor used on a route without BearerTokenGuard");
  return `token:${token.name}`;
});
