/**
 * The repository stands alone: a plain clone runs its tests with nothing beside it, and a team
 * editing policies/ (scope, people, rules) never breaks the suite. These checks read the sources
 * as text, so a new test that reaches outside the clone, or loads the team's policies instead of
 * test/fixtures/policies-mops, fails here with the file named.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOTS = ["src", "test", "bench", ".ci", "scripts"];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && entry.name !== "fixtures") out.push(...sourceFiles(full));
    } else if (/\.(ts|js|mjs|cjs|sh)$/.test(entry.name) || entry.name === "run") out.push(full);
  }
  return out;
}

// Ways of naming the development machines' folder beside the clone, or their absolute checkout
// path. Built from parts so this file does not name them itself.
const BESIDE = ["sha", "red"].join("");
const OUTSIDE = [new RegExp(`\\.\\./${BESIDE}\\b`), new RegExp(`["']\\.\\.["'],\\s*["']${BESIDE}["']`), new RegExp(`["']/${["wo", "rk"].join("")}/`)];
// Calls that read a policies directory, given the shipped one by name.
const SHIPPED_POLICIES = [
  /(loadPolicies|validatePolicies)\(\s*["'](\.\/)?policies["']/,
  /(policiesDir|MOPS_POLICIES_DIR):\s*["'](\.\/)?policies["']/,
  /\bcp(Sync)?\(\s*["'](\.\/)?policies["']/,
  /resolve\(\s*["'](\.\/)?policies["']\s*\)/,
];
// The tests whose job is to judge the shipped policies themselves.
const JUDGES_SHIPPED = new Set(["test/unit/policy/shipped.test.ts", "test/unit/policy/jsonSchema.test.ts", "test/unit/ci/dockerfile.test.ts", "test/unit/ci/standalone.test.ts"]);

describe("the repository stands alone", () => {
  const files = ROOTS.flatMap((root) => sourceFiles(root)).filter((f) => f !== "test/unit/ci/standalone.test.ts");

  it("reads nothing outside the clone", () => {
    const offenders = files.filter((f) => OUTSIDE.some((re) => re.test(readFileSync(f, "utf8"))));
    expect(offenders).toEqual([]);
  });

  it("tests read the tests' own policy set, not the team's policies/", () => {
    const offenders = files
      // bench/support/ too: the end-to-end tests start their boards and replicas with it.
      .filter((f) => (f.startsWith("test/") || f.startsWith("bench/support/")) && !JUDGES_SHIPPED.has(f))
      .filter((f) => SHIPPED_POLICIES.some((re) => re.test(readFileSync(f, "utf8"))));
    expect(offenders).toEqual([]);
  });

  it("the checks above can fail", () => {
    expect(OUTSIDE.some((re) => re.test(`join(here, "..", "${BESIDE}", "gitlab")`))).toBe(true);
    expect(OUTSIDE.some((re) => re.test(`readFileSync("../${BESIDE}/gitlab/ci.schema.json")`))).toBe(true);
    expect(SHIPPED_POLICIES.some((re) => re.test('await loadPolicies("policies")'))).toBe(true);
  });
});
