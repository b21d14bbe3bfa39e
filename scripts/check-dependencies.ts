/**
 * Every package in package.json is used, and every package the code imports is in package.json.
 * Part of `npm run lint` (so of `npm test` and CI).
 *
 * A package counts as used when a source file imports or resolves it (src/, test/, bench/,
 * scripts/, bin/ and the tool configs), when a script, CI job or the Dockerfile runs one of its
 * commands (`tsc` is typescript's), when it is `@types/x` for a used `x` (or `@types/node`, which
 * tsconfig.json names), or when a tool loads it as a plugin (LOADED_BY below).
 *
 * Run: npx tsx scripts/check-dependencies.ts
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** Folders and files whose imports count; fixtures hold GitLab's JSON, not code. */
const SOURCE_DIRS = ["src", "test", "bench", "scripts", "bin"];
const SKIP_DIRS = new Set(["node_modules", "fixtures", "dist"]);
const ROOT_FILES = ["eslint.config.js", "vitest.config.ts"];
const SOURCE_FILE = /\.(ts|js|mjs|cjs)$/;
/** Where commands are run from, besides package.json's scripts. */
const COMMAND_FILES = [".gitlab-ci.yml", ".ci/run", "Dockerfile"];

/**
 * What ships in the Docker image, whose install leaves out devDependencies: dist/ is built from
 * src/ without src/demo (tsconfig.build.json), and sqliteThreadEntry.mjs is the development entry
 * that runs the store thread's TypeScript through tsx. Packages this code imports must be
 * dependencies, not devDependencies.
 */
const SHIPPED_DIR = "src";
const NOT_SHIPPED = [/^src\/demo\//, /^src\/queue\/sqliteThreadEntry\.mjs$/];

/** Packages that no file imports because another tool loads them when asked to. */
const LOADED_BY: Record<string, { tool: string; pattern: RegExp }> = {
  "@vitest/coverage-v8": { tool: "vitest --coverage", pattern: /\bvitest\b[^\n"]*--coverage\b/ },
};

/** A package loaded or resolved through a require made by createRequire (the scanner below does not report those). */
const CREATED_REQUIRE = /createRequire\([^)]*\)(?:\.resolve)?\(\s*["']([^"']+)["']/g;

/** The module specifiers of one file: imports, exports, `import()` and `require()` (TypeScript's scanner skips comments and strings), and CREATED_REQUIRE. */
function specifiersIn(text: string): string[] {
  const scanned = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  return [...scanned, ...[...text.matchAll(CREATED_REQUIRE)].map((m) => m[1]!)];
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for relative paths, URLs and built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || /^[a-z]+:/.test(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : sourceFiles(full);
    return SOURCE_FILE.test(e.name) ? [full] : [];
  });
}

/** Every package imported anywhere in the project, with one file that imports it. */
function importedPackages(root: string): Map<string, string> {
  const files = [...SOURCE_DIRS.flatMap((d) => sourceFiles(path.join(root, d))), ...ROOT_FILES.map((f) => path.join(root, f)).filter((f) => existsSync(f))];
  return packagesIn(root, files);
}

/** Every package the shipped code imports, with one file that imports it. */
function shippedPackages(root: string): Map<string, string> {
  const files = sourceFiles(path.join(root, SHIPPED_DIR)).filter((f) => !NOT_SHIPPED.some((re) => re.test(path.relative(root, f).split(path.sep).join("/"))));
  return packagesIn(root, files);
}

function packagesIn(root: string, files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    for (const specifier of specifiersIn(readFileSync(file, "utf8"))) {
      const name = packageOf(specifier);
      if (name !== undefined && !found.has(name)) found.set(name, path.relative(root, file));
    }
  }
  return found;
}

/** The command names an installed package provides (its package.json `bin`). */
function commandsOf(root: string, name: string): string[] {
  const manifest = path.join(root, "node_modules", name, "package.json");
  if (!existsSync(manifest)) return [];
  const bin = (JSON.parse(readFileSync(manifest, "utf8")) as { bin?: string | Record<string, string> }).bin;
  if (bin === undefined) return [];
  return typeof bin === "string" ? [name.split("/").pop()!] : Object.keys(bin);
}

interface Manifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** What is wrong, one sentence each saying what to do; empty when every dependency is used and declared. */
export function checkDependencies(root: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as Manifest;
  const declared = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  const imported = importedPackages(root);
  const commands = [Object.values(manifest.scripts ?? {}).join("\n"), ...COMMAND_FILES.map((f) => path.join(root, f)).filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8"))].join("\n");
  const runsCommand = (name: string) => commandsOf(root, name).some((c) => new RegExp(`(^|[\\s"'&|;(])(npx\\s+)?${c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\s|$)`, "m").test(commands));

  const used = (name: string): boolean => {
    if (imported.has(name) || runsCommand(name)) return true;
    const loader = LOADED_BY[name];
    if (loader !== undefined && loader.pattern.test(commands)) return true;
    if (name.startsWith("@types/")) {
      const typed = name.slice("@types/".length).replace(/^(.+)__(.+)$/, "@$1/$2");
      return typed === "node" || (declared.includes(typed) && used(typed));
    }
    return false;
  };

  const problems: string[] = [];
  for (const name of declared) {
    if (!used(name)) {
      const loader = LOADED_BY[name];
      problems.push(
        loader
          ? `${name} is in package.json for \`${loader.tool}\`, which no script runs: add the script or remove the package (npm uninstall ${name}).`
          : `${name} is in package.json but nothing imports it or runs its commands: remove it (npm uninstall ${name}).`,
      );
    }
  }
  for (const [name, file] of imported) {
    if (!declared.includes(name)) problems.push(`${file} imports ${name}, which package.json does not list: add it (npm install ${name}, or --save-dev for tests and tools).`);
  }
  const production = Object.keys(manifest.dependencies ?? {});
  for (const [name, file] of shippedPackages(root)) {
    if (declared.includes(name) && !production.includes(name)) {
      problems.push(`${file} imports ${name}, which is only a devDependency, so the Docker image (production dependencies only) would fail to load it: move it to dependencies (npm install ${name}).`);
    }
  }
  return problems;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = checkDependencies(path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."));
  for (const p of problems) console.error(`check-dependencies: ${p}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
