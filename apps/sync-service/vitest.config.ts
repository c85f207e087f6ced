import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

// NestJS dependency injection needs decorator metadata; swc emits it explicitly.
export default defineConfig({
  plugins: [
    swc.vite({
      module: { type: "es6" },
      jsc: { target: "es2022", parser: { syntax: "typescript", decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
    }),
  ],
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    passWithNoTests: true,
  },
});
