/**
 * The opt-in examples in docs/examples/ stay valid: copied into a policy set as their headers say,
 * the set still validates with zero problems.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validatePolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("docs/examples", () => {
  it("validate when turned on as their headers say", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mops-examples-"));
    await cp(path.resolve(TEST_POLICIES_DIR), dir, { recursive: true });
    const examples = path.resolve("docs/examples");
    for (const file of ["triage/triage-dri-ping.yml", "triage/untouched-summary.yml", "digest.yml", "templates/triage-dri-ping.md", "templates/digest.md"]) {
      await cp(path.join(examples, file), path.join(dir, file));
    }
    // The digest needs its schedule (the header says so); the test set may have one already.
    const schedules = path.join(dir, "schedules.yml");
    const text = await readFile(schedules, "utf8");
    if (!/job: digest/.test(text)) await writeFile(schedules, `${text}\n  - job: digest\n    cron: "0 8 * * 1"\n    description: Monday mornings, the weekly digest issue and one Slack message to #mktgops.\n`);
    const result = await validatePolicies(dir);
    expect(result.problems).toEqual([]);
  });
});
