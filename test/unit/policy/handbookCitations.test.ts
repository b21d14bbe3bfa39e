/**
 * The shipped policies enforce what the handbook says, and say where: every policy file quotes the
 * sentence(s) it enforces as `<page>.txt:<line> "<words>"`, and every such quote (in the policies
 * and in the docs) is checked against the copy of the handbook pages in docs/handbook/. A quote
 * that drifts from its page, or a policy file that quotes nothing, fails here.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkCitation, citationsIn, fragmentsOf } from "../../support/handbookCitations.js";
import { policyYamlFiles } from "../../support/policies.js";

const SHIPPED = path.resolve("policies");

async function markdownFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith(".md")).map((f) => path.join(dir, f));
}

describe("handbook citations", () => {
  it("every shipped policy file quotes the handbook sentence it enforces", async () => {
    const silent: string[] = [];
    for (const file of await policyYamlFiles(SHIPPED)) {
      if (citationsIn(await readFile(file, "utf8"), "yaml", file).length === 0) silent.push(path.relative(SHIPPED, file));
    }
    expect(silent, "policy files without a handbook citation").toEqual([]);
  });

  it("every quote in the policies and the docs is on the line it cites", async () => {
    const files = [...(await policyYamlFiles(SHIPPED)), ...(await policyYamlFiles(path.resolve("test/fixtures/policies-mops")))];
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      for (const c of citationsIn(await readFile(file, "utf8"), "yaml", path.relative(".", file))) {
        checked++;
        const problem = await checkCitation(c);
        if (problem) problems.push(problem);
      }
    }
    for (const file of [path.resolve("README.md"), ...(await markdownFiles(path.resolve("docs")))]) {
      for (const c of citationsIn(await readFile(file, "utf8"), "markdown", path.relative(".", file))) {
        checked++;
        const problem = await checkCitation(c);
        if (problem) problems.push(problem);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("the checker itself rejects a quote that is not on the cited line", async () => {
    const [good] = citationsIn('# 000_3a3b18768e4599ed.txt:136 "no action items for MktgOps"', "yaml", "x");
    const [wrongLine] = citationsIn('# 000_3a3b18768e4599ed.txt:135 "no action items for MktgOps"', "yaml", "x");
    const [wrongWords] = citationsIn('# 000_3a3b18768e4599ed.txt:136 "the bot sets a priority"', "yaml", "x");
    expect(await checkCitation(good!)).toBeUndefined();
    expect(await checkCitation(wrongLine!)).toMatch(/does not say/);
    expect(await checkCitation(wrongWords!)).toMatch(/does not say/);
    expect(fragmentsOf("completed ... although the issue may not")).toEqual(["completed", "although the issue may not"]);
  });

  it("a quote may wrap over comment lines and span a line range", () => {
    const text = ['# 000_3a3b18768e4599ed.txt:263-265 "New issues will be', '# prioritized within the bi-weekly meeting"'].join("\n");
    expect(citationsIn(text, "yaml", "x")).toEqual([{ file: "000_3a3b18768e4599ed.txt", from: 263, to: 265, quote: "New issues will be prioritized within the bi-weekly meeting", at: "x" }]);
  });
});
