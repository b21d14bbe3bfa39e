/**
 * The compiled CLI, laid out as the Docker image has it (bin/, dist/, node_modules, no src/):
 * tsconfig.build.json compiles, the commands run from dist/ (the inbox's store thread included,
 * which must not need tsx there), and bin/mops-bot.js falls back to the TypeScript sources, with
 * a note, when they are newer than dist/ or dist/ is missing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, symlinkSync, utimesSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openInbox } from "../../../src/queue/openInbox.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";
import { silentLogger, tempDir } from "../webhook/helpers.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");

let tmp: ReturnType<typeof tempDir>;
/** bin/, dist/ and a node_modules link: what the image runs. */
let app: string;

function cli(root: string, ...args: string[]): { out: string; err: string; code: number | null } {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "mops-bot.js"), ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, LOG_LEVEL: "silent" } });
  return { out: r.stdout, err: r.stderr, code: r.status };
}

/** A copy of bin/ and package.json with node_modules linked, and (when `build`) dist/ compiled from src/. */
function layout(name: string, build: boolean): string {
  const root = path.join(tmp.dir, name);
  mkdirSync(root);
  cpSync(path.join(repoRoot, "bin"), path.join(root, "bin"), { recursive: true });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"), "dir");
  cpSync(path.join(repoRoot, "package.json"), path.join(root, "package.json"));
  if (build) execFileSync(process.execPath, [tsc, "-p", path.join(repoRoot, "tsconfig.build.json"), "--outDir", path.join(root, "dist")], { stdio: "pipe" });
  return root;
}

beforeAll(() => {
  tmp = tempDir("compiled");
  app = layout("app", true);
}, 180_000);
afterAll(() => tmp?.remove());

describe("the compiled CLI", () => {
  it("prints its help from dist/ with no note on stderr", () => {
    const r = cli(app, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("serve");
    expect(r.out).toContain("policies");
    expect(r.err).toBe("");
  });

  it("validates the policies", () => {
    const r = cli(app, "policies", "validate", "--dir", TEST_POLICIES_DIR);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("policies OK");
  });

  it("starts the inbox's store thread without tsx", async () => {
    const data = path.join(tmp.dir, "data");
    const inbox = openInbox({ dataDir: data, logger: silentLogger() });
    await inbox.close();
    const r = cli(app, "inbox", "list", "--data-dir", data);
    expect(r.err).toBe("");
    expect(r.out).toContain("The inbox is empty");
    expect(r.code).toBe(0);
  });
});

describe("bin/mops-bot.js in a checkout", () => {
  /** src/ copied, then dist/ (copies get the current time, so dist/ is the newer unless a source is touched later). */
  function checkout(name: string, withDist: boolean): string {
    const root = layout(name, false);
    cpSync(path.join(repoRoot, "src"), path.join(root, "src"), { recursive: true });
    if (withDist) cpSync(path.join(app, "dist"), path.join(root, "dist"), { recursive: true });
    return root;
  }

  it("runs dist/ without a note when it is newer than every source", () => {
    const r = cli(checkout("fresh", true), "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("serve");
    expect(r.err).toBe("");
  });

  it("runs the TypeScript sources, with a note, when a source is newer than dist/", () => {
    const root = checkout("stale", true);
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, "src", "policy", "cli.ts"), later, later);
    const r = cli(root, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("serve");
    expect(r.err).toMatch(/^mops-bot: src\/ is newer than dist\/, so the TypeScript sources run through tsx .*`npm run build` refreshes dist\/\.\n$/);
  });

  it("runs the sources, with a note, when dist/ is missing", () => {
    const r = cli(checkout("unbuilt", false), "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("serve");
    expect(r.err).toMatch(/^mops-bot: dist\/ is missing, so the TypeScript sources run through tsx/);
  });
});
