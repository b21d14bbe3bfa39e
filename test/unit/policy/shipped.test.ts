/**
 * The team's own policies/ as merged: they load and validate. Nothing else here pins their
 * content, so editing scope.yml, people.yml or any rule (as the README tells a team to) never
 * turns the suite red; what the rules do is tested on test/fixtures/policies-mops.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPolicies, validatePolicies } from "../../../src/policy/load.js";
import { policyYamlFiles } from "../../support/policies.js";
import { templatesOf, templateTextProblems } from "../../support/templateTexts.js";

const SHIPPED = path.resolve("policies");

describe("the shipped policies", () => {
  it("load and validate with zero problems", async () => {
    const result = await validatePolicies(SHIPPED);
    expect(result.problems).toEqual([]);
    const policy = await loadPolicies(SHIPPED);
    expect(policy.scope.projects.length).toBeGreaterThan(0);
  });

  it("every policy YAML file (shipped and test fixtures) starts with a $schema comment that points to an existing schema file", async () => {
    for (const file of [...(await policyYamlFiles(SHIPPED)), ...(await policyYamlFiles(path.resolve("test/fixtures")))]) {
      const first = (await readFile(file, "utf8")).split("\n")[0]!;
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      if (file.includes("policies-broken") && !m) continue; // broken cases may break the first line on purpose
      expect(m, `${file} first line`).not.toBeNull();
      expect(existsSync(path.resolve(path.dirname(file), m![1]!)), `${file} -> ${m![1]}`).toBe(true);
    }
  });

  it("note templates never greet or mention the bot, name a person once, never offer 00-Urgent (test/support/templateTexts.ts)", async () => {
    const bot = (await loadPolicies(SHIPPED)).scope.botUsername;
    const found = (await templatesOf(SHIPPED)).flatMap(({ file, text }) => templateTextProblems(text, bot).map((p) => `${path.relative(SHIPPED, file)}: ${p}`));
    expect(found).toEqual([]);
  });
});
