/**
 * Companion labels end to end against the fake GitLab: with a companions.yml (as shipped) beside
 * the test policies, a sweep gives an issue marked ready for copy review the `MktgOps-Support`
 * label, without a note, and the next sweep changes nothing; without the file the issue is left
 * alone.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

const TITLE = "Copy review: EMEA roadshow landing page";
const COPY_REVIEW = "MktgOps::Events/FM Copy Review";

let sb: Sandbox | undefined;
let root: string | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

/** The test policies, with companions.yml (the shipped entry) added when `companions` is true. */
async function board(companions: boolean) {
  let policiesDir = TEST_POLICIES_DIR;
  if (companions) {
    root = await mkdtemp(path.join(tmpdir(), "mops-companions-"));
    policiesDir = path.join(root, "policies");
    await cp(TEST_POLICIES_DIR, policiesDir, { recursive: true });
    await writeFile(path.join(policiesDir, "companions.yml"), `companions:\n  - when_present: "${COPY_REVIEW}"\n    add: ["MktgOps-Support"]\n    reason: copy review is for support issues.\n`);
  }
  sb = await startSandbox({ policiesDir });
  const created = sb.fake.addIssue(sb.projects.mops, {
    title: TITLE,
    author: "dan.fieldmktg",
    labels: [COPY_REVIEW, "MktgOpsPriority:: 02-Medium"],
    createdAt: new Date(SANDBOX_NOW.getTime() - 2 * 86_400_000),
  });
  const sandbox = sb;
  return {
    sweep: async () => runSweep({ ...(await sandbox.runtime()), dryRun: false }),
    issue: () => sandbox.fake.issue(sandbox.projects.mops, created.iid),
    botNotes: () => sandbox.fake.issue(sandbox.projects.mops, created.iid).notes.filter((n) => n.author === sandbox.policy.scope.botUsername),
  };
}

describe("companion labels (companions.yml)", () => {
  it("adds MktgOps-Support to a copy-review issue without a note, and the next sweep changes nothing", async () => {
    const b = await board(true);
    const report = await b.sweep();
    expect(report.errors).toEqual([]);
    expect(b.issue().labels).toEqual(expect.arrayContaining([COPY_REVIEW, "MktgOps-Support"]));
    expect(b.botNotes()).toEqual([]);
    expect((await b.sweep()).resources.filter((r) => r.title === TITLE)).toEqual([]);
  });

  it("leaves the issue's labels alone when the file is absent", async () => {
    const b = await board(false);
    await b.sweep();
    expect(b.issue().labels).not.toContain("MktgOps-Support");
  });
});
