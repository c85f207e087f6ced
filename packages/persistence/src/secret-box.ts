import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** Thrown for anything wrong with the configured keys or a stored ciphertext; never carries a secret. */
export class SecretKeyError extends Error {
  override readonly name = "SecretKeyError";
}

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

const FORMAT = "v1";

/** Accepts 32 bytes as base64 (std or url) or hex. */
export function parseSecretKey(value: string | undefined, label = "secretKey"): Buffer {
  if (value === undefined || value.trim() === "") {
    throw new SecretKeyError(`${label} is missing: configure a 32-byte key (base64 or hex) to encrypt the accounts' API keys, e.g. \`openssl rand -base64 32\``);
  }
  const text = value.trim();
  const bytes = /^[0-9a-f]{64}$/iu.test(text) ? Buffer.from(text, "hex") : /^[A-Za-z0-9+/_-]+={0,2}$/u.test(text) ? Buffer.from(text, "base64") : Buffer.alloc(0);
  if (bytes.length !== 32) {
    throw new SecretKeyError(`${label} must be 32 bytes, base64 or hex (got ${bytes.length === 0 ? "an unreadable value" : `${bytes.length} bytes`}): e.g. \`openssl rand -base64 32\``);
  }
  return bytes;
}

/** A key's id: a short fingerprint, stored with each ciphertext so rotation knows what to redo. */
function keyIdOf(bytes: Buffer): string {
  return createHash("sha256").update("jcs-secret-key-id").update(bytes).digest("base64url").slice(0, 12);
}

/**
 * AES-256-GCM for the API keys at rest: a random 96-bit IV per encryption, the auth tag, and the
 * key id travel with the ciphertext (`v1.<keyId>.<iv>.<tag>.<ciphertext>`, base64url). The AAD binds
 * a ciphertext to its account, so a ciphertext copied onto another account does not decrypt.
 */
export class SecretBox {
  readonly #current: Key;
  readonly #byId: ReadonlyMap<string, Key>;

  constructor(secretKey: string | undefined, previous: readonly string[] = []) {
    const current = parseSecretKey(secretKey);
    this.#current = { id: keyIdOf(current), bytes: current };
    const byId = new Map<string, Key>([[this.#current.id, this.#current]]);
    previous.forEach((value, i) => {
      const bytes = parseSecretKey(value, `previousSecretKeys[${i}]`);
      const id = keyIdOf(bytes);
      if (!byId.has(id)) byId.set(id, { id, bytes });
    });
    this.#byId = byId;
  }

  get currentKeyId(): string {
    return this.#current.id;
  }

  encrypt(plaintext: string, accountId: string): { ciphertext: string; keyId: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#current.bytes, iv);
    cipher.setAAD(Buffer.from(`account:${accountId}`));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    const parts = [FORMAT, this.#current.id, iv.toString("base64url"), tag.toString("base64url"), body.toString("base64url")];
    return { ciphertext: parts.join("."), keyId: this.#current.id };
  }

  decrypt(ciphertext: string, accountId: string): string {
    const [format, keyId, iv, tag, body] = ciphertext.split(".");
    if (format !== FORMAT || keyId === undefined || iv === undefined || tag === undefined || body === undefined) {
      throw new SecretKeyError(`the stored API key of account ${accountId} is not in a known format`);
    }
    const key = this.#byId.get(keyId);
    if (key === undefined) {
      throw new SecretKeyError(
        `the API key of account ${accountId} was encrypted with key ${keyId}, which is neither secretKey nor one of previousSecretKeys: configure the old key in previousSecretKeys`,
      );
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key.bytes, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`account:${accountId}`));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretKeyError(`the API key of account ${accountId} failed authentication with key ${keyId}: wrong key or tampered ciphertext`);
    }
  }
}
