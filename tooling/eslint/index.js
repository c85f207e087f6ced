// Shared flat-config preset: type-aware and async-safe (see CONTRIBUTING.md).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * @param {{ tsconfigRootDir: string, forbidImports?: string[] }} options
 * `forbidImports` lists packages this package must never depend on (layer boundaries).
 */
/** Imports no package may use: another package's src/, or a path out of the package. */
const PUBLIC_ENTRY_ONLY = { group: ["@jumpcloud-sync/*/src/*", "../../packages/*", "../../apps/*"], message: "Import a package by its public entry, never its src/." };

/**
 * A boundary inside a package: the files matched by `files` (minus `ignores`) must not import any
 * of `forbid`. Later boundaries replace earlier ones for the files they match (flat config
 * replaces a rule's options), so each lists everything its files may not import.
 * @param {{ files: string[], ignores?: string[], forbid: { name: string, message: string }[] }} options
 */
export function boundary({ files, ignores = [], forbid }) {
  return {
    files,
    ignores,
    rules: {
      "no-restricted-imports": ["error", { patterns: [PUBLIC_ENTRY_ONLY, ...forbid.map(({ name, message }) => ({ group: [name, `${name}/*`], message }))] }],
    },
  };
}

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
              PUBLIC_ENTRY_ONLY,
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
