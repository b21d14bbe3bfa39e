import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli.js";
import { validatePolicies } from "../../../src/policy/load.js";
import { formatProblem } from "../../../src/policy/problems.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The shipped policies with tools.yml edited by `edit`; returns the problems as printed. */
async function problemsWith(edit: (text: string) => string): Promise<string[]> {
  dir = await mkdtemp(path.join(tmpdir(), "mops-tools-"));
  const policies = path.join(dir, "policies");
  await cp(TEST_POLICIES_DIR, policies, { recursive: true });
  const file = path.join(policies, "tools.yml");
  await writeFile(file, edit(await readFile(file, "utf8")));
  return (await validatePolicies(policies)).problems.map(formatProblem).filter((p) => p.includes("tools.yml"));
}

describe("tools.yml validation", () => {
  it("the shipped registry has every handbook tool, each with a tier and a cadence", async () => {
    const result = await validatePolicies(TEST_POLICIES_DIR);
    const tools = result.policy!.tools!.tools;
    expect(tools).toHaveLength(40);
    expect(tools.filter((t) => t.tier === 1)).toHaveLength(13);
    expect(tools.filter((t) => t.tier === 2)).toHaveLength(8);
    expect(tools.filter((t) => t.tier === 3)).toHaveLength(4);
    expect(tools.filter((t) => t.tier === 4)).toHaveLength(15);
    const zoom = tools.find((t) => t.name === "ZoomInfo")!;
    expect(zoom).toMatchObject({ audit: "monthly", inactivityDays: 30, noticeBusinessDays: 5, notifyBy: "slack", label: "ZoomInfo" });
    expect(tools.find((t) => t.name === "Marketo")).toMatchObject({ audit: "quarterly", inactivityDays: 45, notifyBy: "email" });
  });

  it("an unknown tool label is an error, with the nearest defined label suggested", async () => {
    const problems = await problemsWith((t) => t.replace("label: ZoomInfo,", "label: Zoominfo,"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/tools\.yml:\d+:\d+: label 'Zoominfo' is not defined in labels\.yml/);
  });

  it("a tool without a tier or without a cadence is an error", async () => {
    const noTier = await problemsWith((t) => t.replace("{ name: Cognism, tier: 1, audit: quarterly }", "{ name: Cognism, audit: quarterly }"));
    expect(noTier.join("\n")).toMatch(/tier/);
    const noCadence = await problemsWith((t) => t.replace("{ name: Cognism, tier: 1, audit: quarterly }", "{ name: Cognism, tier: 1 }"));
    expect(noCadence.join("\n")).toMatch(/expected one of 'monthly', 'quarterly' or 'semi-annual', found nothing/);
  });

  it("a tier outside 1-4, an unknown cadence and a bad renewal date are errors, all reported at once", async () => {
    const problems = await problemsWith((t) => t.replace("{ name: Cognism, tier: 1, audit: quarterly }", "{ name: Cognism, tier: 5, audit: weekly, renewal_date: 2027/03/01 }"));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/tier from 1 to 4 .*found the number 5/);
    expect(problems[1]).toMatch(/found the text 'weekly'/);
    expect(problems[2]).toMatch(/YYYY-MM-DD/);
  });

  it("a tool listed twice is an error", async () => {
    const problems = await problemsWith((t) => t.replace("{ name: Iterable, tier: 1, audit: quarterly }", "{ name: marketo, tier: 1, audit: quarterly }"));
    // Case does not make two tools different; the later entry is the one reported.
    expect(problems).toEqual([expect.stringMatching(/tools\.yml:\d+:\d+: the tool 'Marketo' is already listed \(tools\[3\]\): list each tool once/)]);
  });

  it("an unknown owner group or template is an error", async () => {
    const problems = await problemsWith((t) => t.replace("tools_dri_group: tools-dri", "tools_dri_group: tool-dri").replace("template: tool-audit ", "template: tool-audits "));
    expect(problems.join("\n")).toMatch(/people group 'tool-dri' is not defined/);
    expect(problems.join("\n")).toMatch(/template 'tool-audits' not found/);
  });
});

describe("tools.yml without renewal dates", () => {
  /** `mops-bot policies validate --dir <dir>`: exit code and what it printed on stderr. */
  async function validate(policiesDir: string): Promise<{ code: number; err: string }> {
    let err = "";
    const code = await main(["node", "mops-bot", "policies", "validate", "--dir", policiesDir], { out: () => undefined, err: (t) => (err += `${t}\n`) });
    return { code, err };
  }

  it("`policies validate` warns that no renewal issue will ever open, with an example line, and still passes", async () => {
    const { code, err } = await validate(TEST_POLICIES_DIR);
    expect(code).toBe(0);
    const warnings = err.split("\n").filter((l) => l.includes("renewal_date"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: policies-mops\/tools\.yml:\d+:1: no tool has a renewal_date, so no renewal issue is ever opened/);
    expect(warnings[0]).toContain("e.g. - { name: 6sense, tier: 1, label: 6sensee, audit: quarterly, renewal_date: 2027-03-01, contract_value: 60000 }");
    expect((await validatePolicies(TEST_POLICIES_DIR)).problems).toEqual([]);
  });

  it("no warning once one tool has a renewal date", async () => {
    await problemsWith((t) => t.replace("{ name: Cognism, tier: 1, audit: quarterly }", "{ name: Cognism, tier: 1, audit: quarterly, renewal_date: 2027-03-01 }"));
    const result = await validatePolicies(path.join(dir!, "policies"));
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
  });
});

