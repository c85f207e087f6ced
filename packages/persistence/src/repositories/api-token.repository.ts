import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { ApiToken, ApiTokenPort } from "@jumpcloud-sync/domain";
import { str, toDate, toDateOrNull, type Db } from "../db.js";

const PREFIX = "jcs_";

function hashOf(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export class ApiTokenRepository implements ApiTokenPort {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async createToken(name: string, at: Date): Promise<{ token: ApiToken; secret: string }> {
    if (name.trim() === "") throw new Error("a token needs a name");
    const secret = `${PREFIX}${randomBytes(32).toString("base64url")}`;
    const token: ApiToken = { id: randomUUID(), name, createdAt: at, revokedAt: null };
    await this.#db.session((s) =>
      s.run(`insert into api_token (id, name, secret_hash, created_at, revoked_at) values (?, ?, ?, ?, null)`, [token.id, name, hashOf(secret), at]),
    );
    return { token, secret };
  }

  async revokeToken(idOrName: string, at: Date): Promise<boolean> {
    const n = await this.#db.session((s) => s.run(`update api_token set revoked_at = ? where (id = ? or name = ?) and revoked_at is null`, [at, idOrName, idOrName]));
    return n > 0;
  }

  async listTokens(): Promise<ApiToken[]> {
    const rows = await this.#db.session((s) => s.all(`select id, name, created_at, revoked_at from api_token order by created_at, id`));
    return rows.map(tokenFromRow);
  }

  async verifyToken(secret: string): Promise<ApiToken | null> {
    if (!secret.startsWith(PREFIX)) return null;
    const hash = hashOf(secret);
    // The lookup is by hash (an index hit reveals nothing useful about the secret); the final
    // comparison is constant-time anyway.
    const row = await this.#db.session((s) => s.get(`select id, name, secret_hash, created_at, revoked_at from api_token where secret_hash = ?`, [hash]));
    if (row === undefined) return null;
    const stored = Buffer.from(str(row["secret_hash"]), "hex");
    const given = Buffer.from(hash, "hex");
    if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
    const token = tokenFromRow(row);
    return token.revokedAt === null ? token : null;
  }
}

function tokenFromRow(r: Record<string, unknown>): ApiToken {
  return { id: str(r["id"]), name: str(r["name"]), createdAt: toDate(r["created_at"]), revokedAt: toDateOrNull(r["revoked_at"]) };
}
