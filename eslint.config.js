// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/**
 * The app's layers, bottom to top (DESIGN §1): a folder may import its own layer and the ones below, never
 * one above. Paths are resolved (the `.js` specifiers to their `.ts` sources), so a relative path cannot
 * dodge the rule.
 */
const layers = [
  { name: "config and shared types", paths: ["src/config.ts", "src/timerSchedule.ts", "src/shared"] },
  { name: "identity", paths: ["src/identity"] },
  { name: "resources and services", paths: ["src/resources", "src/services"] },
  { name: "probes", paths: ["src/probes"] },
  {
    name: "functions, CLI and dashboard",
    paths: ["src/functions", "src/cli", "src/dashboard", "src/http", "src/app.ts", "src/index.ts", "src/runtime.ts", "src/composition.ts"],
  },
];

const layerZones = layers.slice(0, -1).flatMap((layer, index) =>
  layer.paths.map((target) => ({
    target: `./${target}`,
    from: layers.slice(index + 1).flatMap((above) => above.paths.map((path) => `./${path}`)),
    message: `${layer.name} must not import from a layer above it (DESIGN §1: config → identity → resources/services → probes → functions/cli/dashboard).`,
  })),
);

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
    files: ["src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver({ project: "./tsconfig.json" })] },
    rules: {
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            ...layerZones,
            { target: "./src", from: "./local", message: "src/ must not import from local/: local/ is dev-time only and never deployed." },
          ],
        },
      ],
    },
  },
  {
    // Configuration is read once, in src/config.ts (STYLE.md): nothing else in the app reads the environment.
    files: ["src/**/*.ts"],
    // The CLI's entry point reads the environment once and hands a copy to loadConfig, like config.ts;
    // timerSchedule.ts decides the timer's registration without loading zod (cold start).
    ignores: ["src/config.ts", "src/timerSchedule.ts", "src/cli/main.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read settings through src/config.ts." }],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);
