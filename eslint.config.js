// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".local/**", "coverage/**", "test-results/**", "local/dashboard/vendor/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Configuration is read once, in src/config.ts (STYLE.md): nothing else in the app reads the environment.
    files: ["src/**/*.ts"],
    // The CLI's entry point reads the environment once and hands a copy to loadConfig, like config.ts.
    ignores: ["src/config.ts", "src/cli/main.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings through src/config.ts." }],
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/local/**", "../local/*"], message: "src/ must not import from local/." }] }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
