import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

describe("createLogger", () => {
  it("redacts secrets wherever they appear", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: "info", destination: sink });
    logger.info(
      {
        apiKey: "k-top",
        headers: { "x-api-key": "k-header", authorization: "Bearer t-auth" },
        account: { config: { secret: "s-deep", apiKey: "k-deep" } },
        password: "p-top",
        keep: "visible",
      },
      "hello",
    );
    const out = lines.join("");
    for (const secret of ["k-top", "k-header", "t-auth", "s-deep", "k-deep", "p-top"]) expect(out).not.toContain(secret);
    expect(out).toContain("visible");
    expect(out).toContain("[redacted]");
  });
});
