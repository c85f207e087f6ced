import { describe, expect, it } from "vitest";
import { jobOwner, jobPriority } from "./pg-boss.coordinator.js";

describe("pg-boss job priority and owner", () => {
  it("puts every first sync before any refresh, then shorter freshness targets first", () => {
    const firstSnapshot = jobPriority(true, 60);
    const usageRefresh = jobPriority(false, 5);
    const snapshotRefresh = jobPriority(false, 60);
    expect(firstSnapshot).toBeGreaterThan(usageRefresh);
    expect(usageRefresh).toBeGreaterThan(snapshotRefresh);
    expect(jobPriority(true, 5)).toBeGreaterThan(firstSnapshot);
    expect(jobPriority(false, 1)).toBe(100);
    expect(jobPriority(false, 6 * 60)).toBe(2);
  });

  it("names the job attempt in the lease owner", () => {
    expect(jobOwner({ id: "4f1c", retryCount: 2 })).toBe("job:4f1c:2");
  });
});
