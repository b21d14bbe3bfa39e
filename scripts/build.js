#!/usr/bin/env node
// `npm run build` (and `prepare`, so `npm install` and `npm ci` build too): compile src/ to dist/
// with tsconfig.build.json. dist/ is emptied first so a deleted source leaves no module behind.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let tsc;
try {
  tsc = createRequire(path.join(root, "package.json")).resolve("typescript/bin/tsc");
} catch {
  // `npm ci --omit=dev` runs prepare too, without TypeScript: say what to do instead.
  console.error(
    "mops-bot: building dist/ needs TypeScript, a dev dependency. Install with dev dependencies (npm ci), " +
      "then `npm prune --omit=dev` for a production-only node_modules (as the Dockerfile does).",
  );
  process.exit(1);
}
rmSync(path.join(root, "dist"), { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
process.exit(result.status ?? 1);
