// Shared flat-config preset: type-aware and async-safe (see CONTRIBUTING.md).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * @param {{ tsconfigRootDir: string, forbidImports?: string[] }} options
 * `forbidImports` lists packages this package must never depend on (layer boundaries).
 */
export function config({ tsconfigRootDir, forbidImports = [] }) {
  return tseslint.config(
    { ignores: ["dist/**", "coverage/**", "**/*.gen.ts", "*.config.*", "eslint.config.js"] },
    { linterOptions: { reportUnusedDisableDirectives: "error" } },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir } },
      rules: {
        "@typescript-eslint/no-floating-promises": "error",
        "@typescript-eslint/no-misused-promises": "error",
        "@typescript-eslint/await-thenable": "error",
        "@typescript-eslint/require-await": "off",
        "@typescript-eslint/switch-exhaustiveness-check": "error",
        "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              { group: ["@jumpcloud-sync/*/src/*", "../../packages/*", "../../apps/*"], message: "Import a package by its public entry, never its src/." },
              ...forbidImports.map((name) => ({ group: [name, `${name}/*`], message: `This package must not depend on ${name} (layer boundary).` })),
            ],
          },
        ],
      },
    },
    {
      files: ["**/*.test.ts", "test/**/*.ts", "bench/**/*.ts"],
      rules: {
        "@typescript-eslint/no-unsafe-assignment": "off",
        "@typescript-eslint/no-unsafe-member-access": "off",
        "@typescript-eslint/no-non-null-assertion": "off",
      },
    },
  );
}
