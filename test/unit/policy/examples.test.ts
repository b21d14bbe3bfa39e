/**
 * The opt-in examples in docs/examples/ stay valid: copied into the shipped policy set as their
 * headers say, the set still validates with zero problems. (The shipped set itself does not
 * contain them: no handbook sentence asks for them.)
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadPolicies, validatePolicies } from "../../../src/policy/load.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("docs/examples", () => {
  it("are not part of the shipped policies", async () => {
    const result = await validatePolicies(path.resolve("policies"));
    expect(result.problems).toEqual([]);
    const policy = await loadPolicies(path.resolve("policies"));
    const ids = (policy.triage ?? []).map((r) => r.id);
    expect(ids).not.toContain("triage-dri-ping");
    expect(ids).not.toContain("untouched-30-days");
    expect(policy.digest).toBeUndefined();
  });

  it("validate when turned on as their headers say", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mops-examples-"));
    await cp(path.resolve("policies"), dir, { recursive: true });
    const examples = path.resolve("docs/examples");
    for (const file of ["triage/triage-dri-ping.yml", "triage/untouched-summary.yml", "digest.yml", "templates/triage-dri-ping.md", "templates/digest.md"]) {
      await cp(path.join(examples, file), path.join(dir, file));
    }
    const schedules = path.join(dir, "schedules.yml");
    await writeFile(schedules, `${await readFile(schedules, "utf8")}\n  - job: digest\n    cron: "0 8 * * 1"\n    description: Monday mornings, the weekly digest issue and one Slack message to #mktgops.\n`);
    const result = await validatePolicies(dir);
    expect(result.problems).toEqual([]);
  });
});
