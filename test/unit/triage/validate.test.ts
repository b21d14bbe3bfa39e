import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { validatePolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "triage-policies-"));
  await cp(path.resolve(TEST_POLICIES_DIR), dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemsFor(yamlText: string): Promise<string[]> {
  await writeFile(path.join(dir, "triage", "team.yml"), yamlText);
  const result = await validatePolicies(dir);
  return result.problems.filter((p) => p.file.endsWith("triage/team.yml")).map((p) => `${p.line}:${p.col} ${p.message}`);
}

const rule = (body: string) => `rules:\n  - id: team-rule\n    description: A rule.\n    applies_to: [issues]\n${body}`;

describe("policies validate on triage rules", () => {
  it("the shipped triage rules are valid", async () => {
    const result = await validatePolicies(path.resolve(TEST_POLICIES_DIR));
    expect(result.problems).toEqual([]);
    expect(result.policy?.triage?.map((r) => r.id).sort()).toEqual(["milestone-mr-expired", "missing-priority", "triage-dri-ping", "unlabelled-triage", "unmapped-old-stage", "untouched-30-days"]);
  });

  it("an unknown condition name, with the nearest valid one", async () => {
    const problems = await problemsFor(rule("    when:\n      lables: { all: [Marketo] }\n    then:\n      close: true\n"));
    expect(problems).toEqual(["6:7 unknown key 'lables' — did you mean 'labels'?"]);
  });

  it("an unknown condition inside an any: block", async () => {
    const problems = await problemsFor(rule("    when:\n      any:\n        - stat: opened\n    then:\n      close: true\n"));
    expect(problems[0]).toMatch(/^7:11 unknown key 'stat' — did you mean 'state'\?/);
  });

  it("an unknown action name, with the nearest valid one", async () => {
    const problems = await problemsFor(rule("    when:\n      state: opened\n    then:\n      add_label: [Marketo]\n"));
    expect(problems).toEqual(["8:7 unknown key 'add_label' — did you mean 'add_labels'?"]);
  });

  it("label names outside the taxonomy, in conditions and actions", async () => {
    const problems = await problemsFor(rule('    when:\n      labels: { none: ["MktgOpsPriorty::*"] }\n    then:\n      add_labels: ["MktgOpsPriority:: 02-Meduim"]\n'));
    expect(problems).toEqual([
      "6:24 'MktgOpsPriorty::*' names no scoped set: 'MktgOpsPriorty' is not a set in labels.yml — did you mean 'MktgOpsPriority'?",
      "8:20 label 'MktgOpsPriority:: 02-Meduim' is not defined in labels.yml — did you mean 'MktgOpsPriority:: 02-Medium'?",
    ]);
  });

  it("a summarize with no destination", async () => {
    const problems = await problemsFor(rule("    when:\n      state: opened\n    then:\n      summarize: { title: Stale }\n"));
    expect(problems).toEqual(["8:18 summarize needs issue: { project_role: ... } (the summary issue), and optionally slack: { channel: ... } to post the list there too"]);
  });

  it("a Slack-only summarize is refused: the summary issue records what was posted", async () => {
    const problems = await problemsFor(rule("    when:\n      state: opened\n    then:\n      summarize: { title: Stale, slack: { channel: mktgops } }\n"));
    expect(problems).toEqual([
      "8:41 a Slack summary also needs issue: { project_role: ... }: the summary issue records what was posted, so the same list is never posted twice",
    ]);
  });

  it("a summarize with an issue and a Slack channel is valid", async () => {
    const problems = await problemsFor(rule("    when:\n      state: opened\n    then:\n      summarize: { title: Stale, issue: { project_role: mops }, slack: { channel: mktgops } }\n"));
    expect(problems).toEqual([]);
    const result = await validatePolicies(dir);
    const summary = result.policy?.triage?.find((r) => r.id === "team-rule")?.then.find((a) => a.kind === "summarize");
    expect(summary).toMatchObject({ summary: { issue: { projectRole: "mops", labels: [] }, slack: { channel: "mktgops" } } });
  });

  it("a Slack summary to a channel notifications.yml does not define", async () => {
    const problems = await problemsFor(rule("    when:\n      state: opened\n    then:\n      summarize: { title: Stale, issue: { project_role: mops }, slack: { channel: mktgopz } }\n"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^8:\d+ (channel 'mktgopz' is not defined in notifications.yml|the summary posts to Slack channel 'mktgopz', but there is no notifications.yml)/);
  });

  it("conflicting actions in one rule", async () => {
    const problems = await problemsFor(
      rule('    when:\n      state: opened\n    then:\n      add_labels: ["MktgOpsPriority:: 02-Medium", "MktgOpsPriority:: 01-High"]\n      remove_labels: ["MktgOpsPriority::*"]\n      close: true\n      reopen: true\n'),
    );
    expect(problems).toEqual([
      "8:20 the rule both adds and removes 'MktgOpsPriority:: 02-Medium': keep one of the two",
      "8:51 the rule both adds and removes 'MktgOpsPriority:: 01-High': keep one of the two",
      "8:51 'MktgOpsPriority:: 01-High' and 'MktgOpsPriority:: 02-Medium' are values of the same scoped set MktgOpsPriority: a resource keeps only one, so add one of them",
      "11:15 the rule both closes and reopens: keep one of the two",
    ]);
  });

  it("unknown people groups, templates, project roles, bad patterns and positions", async () => {
    const problems = await problemsFor(
      rule(
        '    where: { project_roles: [mopps] }\n    when:\n      assignee: { group: mops-teem }\n      title: { matches: "/[unclosed/" }\n      position: { scope: MktgOps, before: "04: In Progres" }\n    then:\n      note: { template: triage-ping }\n',
      ),
    );
    expect(problems.join("\n")).toContain("project role 'mopps' is not given to any project in scope.yml — did you mean 'mops'?");
    expect(problems.join("\n")).toContain("people group 'mops-teem' is not defined in people.yml — did you mean 'mops-team'?");
    expect(problems.join("\n")).toContain("invalid regular expression /[unclosed/");
    expect(problems.join("\n")).toContain("'04: In Progres' is not a value of the MktgOps set in labels.yml — did you mean '04: In Progress'?");
    expect(problems.join("\n")).toContain("template 'triage-ping' not found: expected the file templates/triage-ping.md");
  });

  it("patterns that need backtracking (lookaround, backreferences) say what to write instead", async () => {
    const problems = await problemsFor(rule('    when:\n      title: { matches: "/^(?=Temp)/" }\n      description: { matches: "/(a)\\\\1/" }\n    then:\n      close: true\n'));
    expect(problems).toEqual([
      expect.stringMatching(/^6:25 invalid regular expression \/\^\(\?=Temp\)\/: .*lookahead, lookbehind and backreferences are not supported .* write \^Temp instead/),
      expect.stringMatching(/^7:31 invalid regular expression \/\(a\)\\1\/: invalid escape sequence/),
    ]);
  });

  it("a rule id defined twice, and merge-request-only conditions on issues", async () => {
    const problems = await problemsFor(
      "rules:\n  - id: missing-priority\n    description: Again.\n    applies_to: [issues]\n    when: { draft: true }\n    then: { close: true }\n",
    );
    expect(problems[0]).toMatch(/^2:9 triage rule 'missing-priority' is already defined in .*triage\/missing-priority\.yml: give each rule its own id$/);
    expect(problems.some((p) => p.includes("draft is a merge request condition"))).toBe(true);
  });
});
