/**
 * C13: the digest listed List Import issues "without priority" although the missing-priority rule
 * leaves them out. `policies validate` now compares the digest's `priority_not_needed` with the
 * exemptions of the rule that lists issues waiting for a priority.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validatePolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "digest-priority-"));
  await cp(path.resolve(TEST_POLICIES_DIR), dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function editFile(rel: string, edit: (text: string) => string): Promise<void> {
  const file = path.join(dir, rel);
  const before = await readFile(file, "utf8");
  const after = edit(before);
  expect(after, `${rel} was edited`).not.toBe(before);
  await writeFile(file, after);
}

async function digestProblems(): Promise<string[]> {
  const result = await validatePolicies(dir);
  return result.problems.map((p) => `${path.basename(p.file)}:${p.line}:${p.col} ${p.message}`);
}

describe("the digest's priority_not_needed and the missing-priority rule agree", () => {
  it("in the test policies (the shipped ones: shipped.test.ts validates them, this check included)", async () => {
    const result = await validatePolicies(path.resolve(TEST_POLICIES_DIR));
    expect(result.problems.filter((p) => p.file.endsWith("digest.yml"))).toEqual([]);
  });

  it("C13: a label the rule exempts but the digest does not is named, with what to do", async () => {
    await editFile("digest.yml", (t) => t.replace(/^priority_not_needed: .*$/m, 'priority_not_needed: ["MktgOps - FYI"]'));
    const problems = await digestProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^digest\.yml:\d+:\d+ priority_not_needed must leave out the same issues as triage rule 'missing-priority' \(.*triage\/missing-priority\.yml\)/);
    expect(problems[0]).toContain("add 'MktgOps - List Import' (the rule never asks those issues for a priority)");
  });

  it("a label only the digest exempts is named too; the bot's own summary label is not asked for", async () => {
    await editFile("digest.yml", (t) => t.replace(/^priority_not_needed: .*$/m, 'priority_not_needed: ["MktgOps - FYI", "MktgOps - List Import", "MktgOps - bug"]'));
    const problems = await digestProblems();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("remove 'MktgOps - bug' or add it to the rule's labels: none");
    expect(problems[0]).not.toContain("mops-bot summary");
  });

  it("changing both files together is accepted", async () => {
    await editFile("digest.yml", (t) => t.replace(/^priority_not_needed: .*$/m, 'priority_not_needed: ["MktgOps - FYI", "MktgOps - List Import", "MktgOps - bug"]'));
    await editFile("triage/missing-priority.yml", (t) => t.replace('"MktgOps - FYI"] }', '"MktgOps - FYI", "MktgOps - bug"] }'));
    expect(await digestProblems()).toEqual([]);
  });
});
