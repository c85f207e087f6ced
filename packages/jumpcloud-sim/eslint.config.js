import { config } from "@jumpcloud-sync/eslint-config";

export default [
  ...config({ tsconfigRootDir: import.meta.dirname }),
  {
    // Tests read raw JSON off the wire: its shape is what is under test (ajv checks it against
    // the spec), so typing every payload up front would only restate the assertions.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
];
