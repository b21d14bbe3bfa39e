import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadPolicies, validatePolicies } from "../../../src/policy/load.js";
import { PolicyError, formatProblem } from "../../../src/policy/problems.js";

const VALID = path.resolve("test/fixtures/policies-valid");
const made: string[] = [];

/** A copy of the valid fixture named `policies`, with some files replaced. */
async function policiesWith(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "mops-policy-"));
  made.push(root);
  const dir = path.join(root, "policies");
  await cp(VALID, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function problemsOf(files: Record<string, string>, options = {}): Promise<string[]> {
  const result = await validatePolicies(await policiesWith(files), options);
  return result.problems.map(formatProblem);
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const STAGE = (steps: string, extra = ""): string => `workflow: stage
description: Stages.
scope: MktgOps
applies_to: [issues]
order: any
violation_template: workflow-violation
${extra}steps:
${steps}`;

describe("loadPolicies", () => {
  it("returns the compiled policy for a valid directory", async () => {
    const policy = await loadPolicies(VALID);
    expect(policy.dir).toBe(VALID);
    expect(policy.people["mops-team"]).toEqual(["amy.owner", "christine.owner"]);
    expect(policy.workflows[0]!.steps.map((s) => s.value)).toEqual(["00: Triage", "01: Needs More Information", "02: Assigned", "03: Completed"]);
    expect(policy.workflows[0]!.steps[2]).toMatchObject({ onlyBy: "business-process-owners", requires: { assignee: { kind: "group", group: "mops-team" } } });
  });

  it("throws a PolicyError carrying every problem of every file", async () => {
    const error = await loadPolicies(path.resolve("test/fixtures/policies-broken/many-problems")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    const problems = (error as PolicyError).problems;
    expect(problems.map((p) => p.file)).toEqual([
      "many-problems/calendar.yml",
      "many-problems/people.yml",
      "many-problems/schedules.yml",
      "many-problems/workflows/stage.yml",
    ]);
    expect((error as PolicyError).message).toContain("4 problem(s)");
  });

  it("names files relative to the policies directory's parent", async () => {
    const problems = await problemsOf({ "schedules.yml": "schedules:\n  - job: sweep\n    cron: nope\n    description: x\n" });
    expect(problems).toEqual([expect.stringMatching(/^policies\/schedules\.yml:3:11: invalid cron expression 'nope'/)]);
  });
});

describe("YAML handling", () => {
  it("accepts anchors and aliases", async () => {
    const people = `groups:
  mops-team:
    description: The team.
    members: &team [amy.owner, christine.owner]
  business-process-owners:
    description: Approvers.
    members: *team
`;
    const result = await validatePolicies(await policiesWith({ "people.yml": people }));
    expect(result.problems).toEqual([]);
    expect(result.policy!.people["business-process-owners"]).toEqual(["amy.owner", "christine.owner"]);
  });

  it("refuses any custom tag, not only !!js ones", async () => {
    const problems = await problemsOf({ "hygiene.yml": "repair_aliases: !bool true\n" });
    expect(problems).toEqual(["policies/hygiene.yml:1:17: YAML tags like '!bool' are not allowed in policies: write the plain value without the tag"]);
  });

  it("refuses an alias bomb with the file and line of its first alias", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const name of ["b", "c", "d", "e", "f"]) levels.push(`${name}: &${name} [${Array(9).fill(`*${levels.length === 0 ? "a" : levels[levels.length - 1]![0]}`).join(", ")}]`);
    const problems = await problemsOf({ "hygiene.yml": `repair_aliases: true
${levels.join("\n")}\n` });
    expect(problems).toEqual(["policies/hygiene.yml:3:8: the aliases (*name) in this file expand to more than 1000 values: write the values out, or use fewer aliases of aliases"]);
  });

  it("refuses a policy file or template over 1 MiB without parsing it", async () => {
    const huge = `repair_aliases: true\n${"# padding padding padding padding padding padding padding\n".repeat(40_000)}`;
    const problems = await problemsOf({ "hygiene.yml": huge, "templates/workflow-violation.md": `Hi\n${"x".repeat(1_200_000)}\n` });
    expect(problems).toEqual(expect.arrayContaining([
      "policies/hygiene.yml:1:1: the file is 2.2 MiB; policy files and templates may be at most 1 MiB: split it or remove what does not belong in a policy",
      "policies/templates/workflow-violation.md:1:1: the file is 1.1 MiB; policy files and templates may be at most 1 MiB: split it or remove what does not belong in a policy",
    ]));
  });

  it("treats a file with only comments as empty", async () => {
    expect(await problemsOf({ "hygiene.yml": "# nothing yet\n" })).toEqual([expect.stringMatching(/^policies\/hygiene\.yml:1:1: the file is empty/)]);
  });
});

describe("schema problems", () => {
  it("follows the matching branch of a union to the exact key", async () => {
    const problems = await problemsOf({
      "workflows/stage.yml": STAGE(`  - value: "02: Assigned"\n    requires: { assignee: { grup: mops-team } }\n`),
    });
    expect(problems).toContain("policies/workflows/stage.yml:9:29: unknown key 'grup' — did you mean 'group'?");
  });

  it("an assignee requirement names either the group to assign from or the group not to", async () => {
    const problems = await problemsOf({
      "workflows/stage.yml": STAGE(`  - value: "02: Assigned"\n    requires: { assignee: { group: mops-team, not_group: mops-team } }\n`),
    });
    expect(problems).toEqual([expect.stringMatching(/^policies\/workflows\/stage\.yml:9:\d+: give either group or not_group, not both$/)]);
  });

  it("lists the allowed keys when no key is close", async () => {
    const problems = await problemsOf({ "hygiene.yml": "repair_aliases: true\nflavour: vanilla\n" });
    expect(problems).toEqual(["policies/hygiene.yml:2:1: unknown key 'flavour' — allowed keys here: 'repair_aliases', 'explain_repairs' or 'conflicts'"]);
  });

  it("reports a missing required key at the mapping that lacks it", async () => {
    expect(await problemsOf({ "hygiene.yml": "conflicts: []\n" })).toEqual([
      "policies/hygiene.yml:1:1: missing required key 'repair_aliases' (expected true or false)",
    ]);
  });

  it("reports a bad people group name at the key", async () => {
    const problems = await problemsOf({ "people.yml": "groups:\n  MOps Team:\n    description: x\n    members: [a]\n" });
    expect(problems[0]).toMatch(/^policies\/people\.yml:2:3: the name 'MOps Team' is not allowed here: expected a lowercase name/);
  });
});

describe("semantic and cross-file problems", () => {
  it("checks working hours, holiday states and company dates", async () => {
    const calendar = `time_zone: UTC
working_days: [mon, mon]
working_hours: { start: "17:00", end: "09:00" }
holidays:
  region: { country: US, state: ZZ }
  dates:
    - { date: "2026-02-30", name: Nope }
`;
    expect(await problemsOf({ "calendar.yml": calendar })).toEqual([
      "policies/calendar.yml:2:21: 'mon' is listed twice",
      "policies/calendar.yml:3:39: working hours end (09:00) must be later than their start (17:00)",
      expect.stringMatching(/^policies\/calendar\.yml:5:33: unknown state 'ZZ' for US/),
      "policies/calendar.yml:7:15: '2026-02-30' is not a calendar date",
    ]);
  });

  it("checks the labels rollout.yml gives the adoption report, like a summary issue's", async () => {
    const rollout = 'adopted_on: "2026-12-04"\nreport:\n  labels: ["Marketo", "Markteo"]\n';
    expect(await problemsOf({ "rollout.yml": rollout })).toEqual([
      "policies/rollout.yml:3:23: label 'Markteo' is not defined in labels.yml — did you mean 'Marketo'?",
    ]);
  });

  it("reports unknown jobs only when the known jobs are given", async () => {
    const schedules = "schedules:\n  - job: swep\n    cron: '0 2 * * *'\n    description: x\n";
    expect(await problemsOf({ "schedules.yml": schedules })).toEqual([]);
    expect(await problemsOf({ "schedules.yml": schedules }, { knownJobs: ["sweep", "sla"] })).toEqual([
      "policies/schedules.yml:2:10: unknown job 'swep' — did you mean 'sweep'?",
    ]);
  });

  it("defaults a schedule's zone to the calendar's", async () => {
    const policy = await loadPolicies(VALID);
    expect(policy.schedules[0]!.timeZone).toBe("America/New_York");
  });

  it("rejects a workflow scope that is not a set, and an invalid milestone pattern", async () => {
    expect(await problemsOf({ "workflows/stage.yml": STAGE("  []\n").replace("scope: MktgOps", "scope: MktgOp") })).toEqual([
      "policies/workflows/stage.yml:3:8: scope 'MktgOp' is not a scoped set in labels.yml — did you mean 'MktgOps'?",
    ]);
    expect(await problemsOf({ "workflows/stage.yml": STAGE(`  - value: "02: Assigned"\n    requires: { milestone: { title: "/^Temp(/" } }\n`) })).toEqual([
      "policies/workflows/stage.yml:9:37: invalid regular expression /^Temp(/: missing closing ): `^Temp(`",
    ]);
  });

  it("compiles a milestone title to an anchored pattern unless written as /regex/", async () => {
    const dir = await policiesWith({
      "workflows/stage.yml": STAGE(`  - value: "02: Assigned"\n    requires: { milestone: { title: "/^Temp/i" } }\n  - value: "03: Completed"\n    requires: { milestone: { title: "FY27 Q1.2" } }\n`),
    });
    const wf = (await loadPolicies(dir)).workflows[0]!;
    expect(wf.steps[2]!.requires.milestone).toEqual({ kind: "title", pattern: "^Temp", flags: "i" });
    expect(wf.steps[3]!.requires.milestone).toEqual({ kind: "title", pattern: "^FY27 Q1\\.2$", flags: "" });
  });

  it("points an alias at its canonical label when it names another alias", async () => {
    const labels = (await import("node:fs/promises")).readFile(path.join(VALID, "labels.yml"), "utf8");
    const text = `${await labels}  "MktgOps::Triage": "MktgOps::0 - To Be Triaged"\n`;
    expect(await problemsOf({ "labels.yml": text })).toEqual([
      "policies/labels.yml:36:22: alias 'MktgOps::Triage' points to 'MktgOps::0 - To Be Triaged', which is not a label defined in this file — it is an alias itself; point to 'MktgOps::00: Triage'",
    ]);
  });

  it("suggests the canonical spelling when a workflow uses an alias", async () => {
    const problems = await problemsOf({
      "workflows/stage.yml": STAGE("  []\n", 'where: { labels: ["MktgOps::0 - To Be Triaged"] }\n'),
    });
    expect(problems).toEqual([
      "policies/workflows/stage.yml:7:19: label 'MktgOps::0 - To Be Triaged' is not defined in labels.yml — use the canonical spelling 'MktgOps::00: Triage'",
    ]);
  });

  it("rejects two workflows with the same id", async () => {
    const dir = await policiesWith({});
    await cp(path.join(dir, "workflows/stage.yml"), path.join(dir, "workflows/stage-copy.yml"));
    const result = await validatePolicies(dir);
    expect(result.problems.map(formatProblem)).toEqual([
      "policies/workflows/stage.yml:2:11: workflow 'stage' is already defined in policies/workflows/stage-copy.yml: give each workflow its own id",
    ]);
  });
});
