// Lint runs as part of `npm test`: recommended rules plus the type-aware checks that catch
// forgotten promises, which matter in a bot whose writes are all asynchronous.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "coverage/", "policies/schema/", "bin/", "demo-out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain JavaScript run by Node before anything is compiled (scripts/build.js for `prepare`).
    files: ["**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  {
    // Rules are pure: no I/O, no wall clock, no GitLab. This keeps them testable and lets the
    // sweep and the webhook path share them.
    files: ["src/rules/**/*.ts", "src/domain/**/*.ts"],
    rules: {
      // Nor do they reach up to what assembles them (test/unit/architecture/imports.test.ts checks every layer).
      "no-restricted-imports": ["error", { patterns: ["**/gitlab/**", "**/webhook/**", "**/queue/**", "**/jobs/**", "**/server/**", "**/runtime.js", "**/cli.js", "node:fs", "node:http", "node:https", "fs", "http"] }],
      "no-restricted-syntax": ["error", { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "Rules and domain code take the time from the context's clock, never the wall clock." },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "Rules and domain code take the time from the context's clock, never the wall clock." }],
    },
  },
  {
    files: ["src/gitlab/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["**/rules/**", "**/jobs/**", "**/server/**", "**/runtime.js", "**/cli.js"] }] },
  },
  {
    // The engine sits below the jobs, the server and the command line that run it.
    files: ["src/engine/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["**/jobs/**", "**/server/**", "**/runtime.js", "**/cli.js"] }] },
  },
);
