#!/usr/bin/env node
// Runs the compiled CLI (dist/cli.js, built by `npm install`/`npm ci` through `prepare`, or by
// `npm run build`), which starts in a fraction of the time compiling TypeScript on every run takes.
//
// In a checkout where src/ is newer than dist/ (a source edited without rebuilding), the sources
// run through tsx instead, with a one-line note on stderr: running yesterday's build of code the
// developer just changed is the more surprising of the two, and a stale build is never silent.
// The Docker image has no src/, so it always runs dist/.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "cli.js");
const sources = join(root, "src");

/** The newest modification time of the TypeScript the build compiles (src/ without the demo, as tsconfig.build.json). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== join(sources, "demo")) newest = Math.max(newest, newestSource(full));
    } else if (entry.name.endsWith(".ts") || entry.name.endsWith(".mjs")) {
      newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** Why dist/ cannot be trusted here, or undefined when it can. */
function staleReason() {
  if (!existsSync(compiled)) return existsSync(sources) ? "dist/ is missing" : undefined;
  if (!existsSync(sources)) return undefined;
  return newestSource(sources) > statSync(compiled).mtimeMs ? "src/ is newer than dist/" : undefined;
}

let entry = compiled;
const reason = staleReason();
if (reason !== undefined) {
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    // No tsx (a production-only install): the build, if any, is all there is.
  }
  if (register) {
    process.stderr.write(`mops-bot: ${reason}, so the TypeScript sources run through tsx (slower start); \`npm run build\` refreshes dist/.\n`);
    register();
    entry = join(sources, "cli.ts");
  } else if (existsSync(compiled)) {
    process.stderr.write(`mops-bot: ${reason} and tsx is not installed, so dist/ runs as built; \`npm run build\` refreshes it.\n`);
  } else {
    process.stderr.write("mops-bot: dist/ is missing and tsx is not installed: run `npm run build` (it needs the dev dependencies).\n");
    process.exit(1);
  }
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv);
