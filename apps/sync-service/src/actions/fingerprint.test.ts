import { describe, expect, it } from "vitest";
import { fingerprintOf } from "./actions.service.js";

describe("fingerprintOf (the Idempotency-Key's request fingerprint)", () => {
  const body = { scopeId: "acc:-", action: "suspend", dryRun: false, users: [{ userId: "a" }, { userId: "b" }] };
  it("does not depend on key order or on undefined fields", () => {
    const reordered = { users: [{ userId: "a" }, { userId: "b" }], dryRun: false, action: "suspend", scopeId: "acc:-", extra: undefined };
    expect(fingerprintOf("POST", "/v1/actions", reordered)).toBe(fingerprintOf("post", "/v1/actions", body));
  });
  it("changes with the body, the item order, the method and the path", () => {
    const base = fingerprintOf("POST", "/v1/actions", body);
    expect(fingerprintOf("POST", "/v1/actions", { ...body, dryRun: true })).not.toBe(base);
    expect(fingerprintOf("POST", "/v1/actions", { ...body, users: [{ userId: "b" }, { userId: "a" }] })).not.toBe(base);
    expect(fingerprintOf("PUT", "/v1/actions", body)).not.toBe(base);
    expect(fingerprintOf("POST", "/v1/other", body)).not.toBe(base);
  });
});
