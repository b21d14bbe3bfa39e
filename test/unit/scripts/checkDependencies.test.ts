/**
 * scripts/check-dependencies.ts (part of `npm run lint`): the repository passes, and a package
 * nothing uses, or an import package.json does not list, is reported with what to do.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkDependencies, packageOf } from "../../../scripts/check-dependencies.js";
import { tempDir } from "../../integration/webhook/helpers.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir("deps");
});
afterEach(() => tmp.remove());

/** A project in the temporary folder: package.json and files by relative path. */
function project(manifest: object, files: Record<string, string>): string {
  writeFileSync(path.join(tmp.dir, "package.json"), JSON.stringify(manifest));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp.dir, file)), { recursive: true });
    writeFileSync(path.join(tmp.dir, file), text);
  }
  return tmp.dir;
}

describe("check-dependencies", () => {
  it("passes on this repository", () => {
    expect(checkDependencies(repoRoot)).toEqual([]);
  });

  it("reports a dependency nothing imports, an import package.json lacks, and @types of an unused package", () => {
    const root = project(
      { dependencies: { commander: "^14", "left-pad": "^1" }, devDependencies: { "@types/left-pad": "^1", vitest: "^4" } },
      {
        "src/cli.ts": 'import { Command } from "commander";\nimport chalk from "chalk";\n// import pad from "left-pad";\nconst s = "import x from \\"left-pad\\"";\n',
        "test/cli.test.ts": 'import { it } from "vitest";\nimport { readFileSync } from "node:fs";\nimport path from "path";\n',
      },
    );
    expect(checkDependencies(root)).toEqual([
      "left-pad is in package.json but nothing imports it or runs its commands: remove it (npm uninstall left-pad).",
      "@types/left-pad is in package.json but nothing imports it or runs its commands: remove it (npm uninstall @types/left-pad).",
      "src/cli.ts imports chalk, which package.json does not list: add it (npm install chalk, or --save-dev for tests and tools).",
    ]);
  });

  it("reports shipped code that imports a devDependency (the image has none), but not the demo or tests", () => {
    const root = project(
      { dependencies: { commander: "^14" }, devDependencies: { nock: "^14", vitest: "^4" } },
      {
        "src/cli.ts": 'import { Command } from "commander";\nimport nock from "nock";\n',
        "src/demo/main.ts": 'import nock from "nock";\n',
        "test/cli.test.ts": 'import { it } from "vitest";\nimport nock from "nock";\n',
      },
    );
    expect(checkDependencies(root)).toEqual([
      "src/cli.ts imports nock, which is only a devDependency, so the Docker image (production dependencies only) would fail to load it: move it to dependencies (npm install nock).",
    ]);
  });

  it("counts dynamic imports, subpaths, createRequire and commands that scripts run", () => {
    const root = project(
      { scripts: { build: "tsc -p ." }, dependencies: { "@scope/lib": "1", tsx: "4", autocannon: "8" }, devDependencies: { typescript: "5" } },
      {
        "node_modules/typescript/package.json": JSON.stringify({ name: "typescript", bin: { tsc: "./bin/tsc" } }),
        "bin/run.js": 'const { register } = await import("tsx/esm/api");\n',
        "src/a.ts": 'export { x } from "@scope/lib/sub";\n',
        "bench/b.ts": 'import { createRequire } from "node:module";\nconst ac = createRequire(import.meta.url)("autocannon");\n',
      },
    );
    expect(checkDependencies(root)).toEqual([]);
  });

  it("reads package names from specifiers", () => {
    expect(packageOf("@gitbeaker/rest")).toBe("@gitbeaker/rest");
    expect(packageOf("tsx/esm/api")).toBe("tsx");
    expect(packageOf("node:fs")).toBeUndefined();
    expect(packageOf("fs/promises")).toBeUndefined();
    expect(packageOf("./cli.js")).toBeUndefined();
  });
});
