import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";

const BROKEN = path.resolve("test/fixtures/policies-broken");
const VALID = path.resolve("test/fixtures/policies-valid");

async function validate(dir: string): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(["node", "mops-bot", "policies", "validate", "--dir", dir], {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
  });
  return { code, out, err };
}

// Each case is a full small policies directory with one mistake; the output must name the exact
// place (file:line:col) and say what is expected.
const CASES: { name: string; at: string; says: string }[] = [
  { name: "bad-indentation", at: "labels.yml:11:1", says: "check the indentation" },
  { name: "wrong-type", at: "scope.yml:8:12", says: "expected a list, found the text 'sales-systems'" },
  { name: "unknown-key", at: "workflows/stage.yml:13:5", says: "unknown key 'requirs' — did you mean 'requires'?" },
  { name: "undefined-label-in-workflow", at: "workflows/stage.yml:9:18", says: "did you mean 'mops-bot::needs-attention'?" },
  { name: "duplicate-label", at: "labels.yml:34:15", says: "duplicate label 'MktgOps - List Import': already defined on line 30" },
  { name: "alias-to-undefined-label", at: "labels.yml:35:33", says: "did you mean 'MktgOps::00: Triage'?" },
  { name: "alias-equals-label", at: "labels.yml:36:3", says: "alias 'Marketo' is itself a defined label" },
  { name: "bad-colour", at: "labels.yml:28:12", says: "expected a colour written as # and six hex digits" },
  { name: "unknown-people-group", at: "workflows/stage.yml:16:14", says: "people group 'business-owners' is not defined in people.yml" },
  { name: "missing-template", at: "workflows/stage.yml:10:21", says: "expected the file templates/workflow-violations.md" },
  { name: "unknown-placeholder", at: "templates/workflow-violation.md:4:3", says: "unknown placeholder '{{requirement}}' — did you mean 'requirements'?" },
  { name: "quick-action-in-template", at: "templates/workflow-violation.md:7:1", says: "this line starts with '/close', which GitLab would run as a quick action" },
  { name: "placeholder-starts-quick-action", at: "templates/workflow-violation.md:3:1", says: "{{title}} starts the line, and its value may start with '/'" },
  { name: "bad-time-zone", at: "calendar.yml:2:12", says: "unknown time zone 'America/New_Yrok'" },
  { name: "bad-holiday-country", at: "calendar.yml:6:22", says: "unknown holiday country 'XX'" },
  { name: "bad-cron", at: "schedules.yml:4:11", says: "invalid cron expression '0 26 * * 1-5'" },
  { name: "empty-file", at: "hygiene.yml:1:1", says: "the file is empty" },
  { name: "custom-yaml-tag", at: "hygiene.yml:2:17", says: "YAML tags like '!!js/function' are not allowed" },
  { name: "duplicate-key", at: "scope.yml:4:1", says: "duplicate key 'group'" },
  { name: "step-not-in-set", at: "workflows/stage.yml:17:12", says: "step '04: Completed' is not a value of the MktgOps set" },
  { name: "copy-review-as-step", at: "workflows/stage.yml:19:12", says: "cannot be a step" },
  { name: "unknown-project-role", at: "workflows/stage.yml:6:26", says: "project role 'mktgops' is not given to any project in scope.yml" },
  { name: "bad-enum-value", at: "workflows/stage.yml:8:8", says: "expected one of 'any' or 'forward-one-step', found the text 'forward'" },
  { name: "bad-milestone-requirement", at: "workflows/stage.yml:15:28", says: "expected one of 'none', 'any', 'current', 'future', 'not-current' or { title:" },
  { name: "hygiene-undefined-label", at: "hygiene.yml:4:19", says: "did you mean 'MktgOps - List Import'?" },
  { name: "missing-file", at: "calendar.yml:1:1", says: "calendar.yml is missing" },
  { name: "unknown-file", at: "calender.yml:1:1", says: "did you mean 'calendar.yml'?" },
  { name: "missing-required-key", at: "schedules.yml:3:5", says: "missing required key 'description'" },
];

describe("mops-bot policies validate on broken policies", () => {
  it.each(CASES)("$name: exit 1 and names $at", async ({ name, at, says }) => {
    const { code, out, err } = await validate(path.join(BROKEN, name));
    expect(code).toBe(1);
    const line = out.split("\n").find((l) => l.startsWith(`${name}/${at}: `));
    expect(line, `expected a problem at ${name}/${at}, got:\n${out}`).toBeDefined();
    expect(line).toContain(says);
    expect(err).toMatch(/problem\(s\) in/);
  });

  it("lists every problem across files in one run", async () => {
    const { code, out } = await validate(path.join(BROKEN, "many-problems"));
    expect(code).toBe(1);
    const lines = out.trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^many-problems\/calendar\.yml:2:12: unknown time zone 'Europe\/Nowhere'/),
      expect.stringMatching(/^many-problems\/people\.yml:9:5: unknown key 'lead' — allowed keys here: 'description' or 'members'/),
      expect.stringMatching(/^many-problems\/schedules\.yml:4:11: invalid cron expression 'every night'/),
      expect.stringMatching(/^many-problems\/workflows\/stage\.yml:8:8: expected one of 'any' or 'forward-one-step'/),
    ]);
  });

  it("every broken fixture is covered by a case", async () => {
    const { readdir } = await import("node:fs/promises");
    const dirs = (await readdir(BROKEN)).filter((d) => d !== "many-problems").sort();
    expect(dirs).toEqual(CASES.map((c) => c.name).sort());
  });
});

describe("mops-bot policies validate on valid policies", () => {
  it("exits 0 with a one-line summary", async () => {
    const { code, out, err } = await validate(VALID);
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out.trim()).toBe(
      `${VALID}: policies OK — 3 rules, 8 files, 8 labels, 2 scoped sets, 1 alias, 1 workflow, 2 people groups, 1 schedule, 1 template`,
    );
  });

  it("uses MOPS_POLICIES_DIR when --dir is not given", async () => {
    const before = process.env.MOPS_POLICIES_DIR;
    process.env.MOPS_POLICIES_DIR = VALID;
    try {
      let out = "";
      const code = await main(["node", "mops-bot", "policies", "validate"], { out: (t) => (out += t), err: () => undefined });
      expect(code).toBe(0);
      expect(out).toContain("policies OK");
    } finally {
      if (before === undefined) delete process.env.MOPS_POLICIES_DIR;
      else process.env.MOPS_POLICIES_DIR = before;
    }
  });
});
