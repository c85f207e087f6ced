import { describe, expect, it } from "vitest";
import { resolveEndpoints, scopeIdOf } from "./account.js";
import { assignmentKey } from "./directory.js";
import { usageKey } from "./usage.js";

describe("model helpers", () => {
  it("resolves a region's hosts, custom endpoints win and lose their trailing slash", () => {
    expect(resolveEndpoints("eu").consoleBaseUrl).toBe("https://console.eu.jumpcloud.com");
    expect(resolveEndpoints(null).insightsBaseUrl).toBe("https://api.jumpcloud.com/insights/directory/v1");
    expect(resolveEndpoints("us", { consoleBaseUrl: "http://127.0.0.1:4010//" })).toEqual({
      consoleBaseUrl: "http://127.0.0.1:4010",
      insightsBaseUrl: "https://api.jumpcloud.com/insights/directory/v1",
    });
  });
  it("derives stable keys", () => {
    expect(scopeIdOf("acc1", "org1")).toBe("acc1:org1");
    expect(scopeIdOf("acc1", null)).toBe("acc1:-");
    expect(assignmentKey({ applicationId: "a1", userId: "u1" })).toBe("a1/u1");
    expect(usageKey({ userId: "u1", applicationId: null })).not.toBe(usageKey({ userId: "u1", applicationId: "a1" }));
  });
});
