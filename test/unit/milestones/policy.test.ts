/** milestones.yml and notifications.yml: mistakes a MOps editor makes, each reported at its line with what to fix. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validatePolicies } from "../../../src/policy/load.js";
import { formatProblem } from "../../../src/policy/problems.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "mops-ms-policy-")), "policies");
  cpSync(TEST_POLICIES_DIR, dir, { recursive: true });
});
afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

function edit(file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  expect(text, `${file} contains ${from}`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

async function problems(): Promise<string[]> {
  return (await validatePolicies(dir)).problems.map(formatProblem);
}

describe("milestones and notifications policies", () => {
  it("the shipped files compile", async () => {
    const result = await validatePolicies(TEST_POLICIES_DIR);
    expect(result.problems).toEqual([]);
    expect(result.policy?.milestones).toMatchObject({ lengthDays: 14, startWeekday: 1, dueOffsetDays: 11, ahead: 1, tempPattern: "^Temp" });
    expect(result.policy?.notifications?.handbookUpdates.map((r) => `${r.label}/${r.when}`)).toContain("FMM-HB Update/merged");
  });

  it("reports an anchor that is not a start weekday, an undefined label, an unknown channel and a missing template", async () => {
    edit("milestones.yml", 'anchor: "2026-01-12"', 'anchor: "2026-01-13"');
    edit("milestones.yml", 'labels: ["MktgOps - HB Update"]', 'labels: ["MktgOps-HB Update"]');
    edit("milestones.yml", "slack_channel: mktgops", "slack_channel: mktg-ops");
    edit("milestones.yml", "note_template: milestone-rollover", "note_template: milestone-roll");
    edit("notifications.yml", "channels: [hbupdate-sdr]", "channels: [hbupdate-srd]");
    const found = await problems();
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/milestones\.yml:\d+:\d+: 2026-01-13 is a tuesday, but milestones start on monday/),
        expect.stringMatching(/milestones\.yml:\d+:\d+: label 'MktgOps-HB Update' is not defined in labels\.yml/),
        expect.stringMatching(/milestones\.yml:\d+:\d+: channel 'mktg-ops' is not defined in notifications\.yml — did you mean 'mktgops'/),
        expect.stringMatching(/milestones\.yml:\d+:\d+: template 'milestone-roll' not found/),
        expect.stringMatching(/notifications\.yml:\d+:\d+: channel 'hbupdate-srd' is not defined under channels: — did you mean 'hbupdate-sdr'/),
      ]),
    );
  });

  it("refuses a webhook URL written into the policy instead of an environment variable name", async () => {
    edit("notifications.yml", "webhook_env: SLACK_WEBHOOK_MKTGOPS", "webhook_env: https://hooks.slack.com/services/T0/B0/XYZ");
    const found = (await problems()).filter((p) => !p.includes("digest.yml"));
    expect(found).toEqual([expect.stringMatching(/notifications\.yml:\d+:\d+: .*expected an environment variable name in capitals/)]);
  });

  it("both files are optional: without them the features are off", async () => {
    rmSync(join(dir, "milestones.yml"));
    rmSync(join(dir, "notifications.yml"));
    rmSync(join(dir, "digest.yml"), { force: true });
    const result = await validatePolicies(dir);
    expect(result.problems.filter((p) => /milestones|notifications/.test(p.file))).toEqual([]);
  });
});
