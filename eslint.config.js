// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * Type-aware rules first of all: the bot is made of async handlers, and a
 * promise nobody awaits is an error nobody sees.
 */
export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["eslint.config.js", "src/cli/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
