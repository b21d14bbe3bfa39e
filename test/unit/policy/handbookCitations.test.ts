/**
 * Handbook quotes: a policy says which handbook sentence it enforces as `<page>.txt:<line> "<words>"`.
 * `policies validate` warns when such a quote is not on the line it cites, or when a policy file
 * quotes nothing, as soon as the pages are beside the policies (docs/handbook/). The docs' own
 * quotes (the table in docs/policy-files.md) are checked here against the same pages.
 */
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { quoteFragments, quoteProblem, quotesIn, readHandbookPages } from "../../../src/policy/handbookQuotes.js";
import { validatePolicies } from "../../../src/policy/load.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const PAGES = path.resolve("docs/handbook");

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("handbook quotes", () => {
  it("every quote in the README and the docs is on the line it cites", async () => {
    const pages = await readHandbookPages(PAGES);
    const docs = (await readdir("docs")).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
    const problems: string[] = [];
    let checked = 0;
    for (const file of ["README.md", ...docs]) {
      for (const q of quotesIn(await readFile(file, "utf8"), "markdown")) {
        checked++;
        const problem = quoteProblem(q, pages);
        if (problem) problems.push(`${file}:${q.line}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it("a quote is checked against the cited lines, with elisions, line ranges and markdown set aside", async () => {
    const pages = await readHandbookPages(PAGES);
    const [good] = quotesIn('# 000_3a3b18768e4599ed.txt:136 "no action items for MktgOps"', "yaml");
    const [wrongLine] = quotesIn('# 000_3a3b18768e4599ed.txt:135 "no action items for MktgOps"', "yaml");
    const [wrongWords] = quotesIn('# 000_3a3b18768e4599ed.txt:136 "the bot sets a priority"', "yaml");
    const [elided] = quotesIn('# 000_3a3b18768e4599ed.txt:137 "Used for list imports ... (do not also use To Be Triaged scoped label)"', "yaml");
    const [unknownPage] = quotesIn('# 999_3a3b18768e4599ed.txt:1 "x"', "yaml");
    expect(quoteProblem(good!, pages)).toBeUndefined();
    expect(quoteProblem(elided!, pages)).toBeUndefined();
    expect(quoteProblem(wrongLine!, pages)).toMatch(/is not on 000_3a3b18768e4599ed.txt:135, which says/);
    expect(quoteProblem(wrongWords!, pages)).toMatch(/"the bot sets a priority" is not on/);
    expect(quoteProblem(unknownPage!, pages)).toMatch(/not one of the handbook pages/);
    expect(quoteFragments("completed ... although the issue may not")).toEqual(["completed", "although the issue may not"]);
  });

  it("a quote may wrap over comment lines and span a line range; its line is where it starts", () => {
    const text = ["rules: []", '# 000_3a3b18768e4599ed.txt:263-265 "New issues will be', '# prioritized within the bi-weekly meeting"'].join("\n");
    expect(quotesIn(text, "yaml")).toEqual([{ page: "000_3a3b18768e4599ed.txt", from: 263, to: 265, quote: "New issues will be prioritized within the bi-weekly meeting", line: 2 }]);
  });

  it("policies validate warns about a drifted quote and a file that quotes nothing, only when the pages are beside the policies", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "mops-quotes-"));
    const policies = path.join(dir, "policies");
    await cp(path.resolve(TEST_POLICIES_DIR), policies, { recursive: true });
    const hygiene = path.join(policies, "hygiene.yml");
    await writeFile(hygiene, `# 000_3a3b18768e4599ed.txt:136 "the bot closes FYI issues"\n${await readFile(hygiene, "utf8")}`);
    const without = await validatePolicies(policies);
    expect(without.warnings.filter((w) => /handbook/.test(w.message))).toEqual([]);

    await cp(PAGES, path.join(dir, "docs", "handbook"), { recursive: true });
    const withPages = await validatePolicies(policies);
    expect(withPages.problems).toEqual([]);
    const drifted = withPages.warnings.find((w) => w.file === "policies/hygiene.yml" && /is not on/.test(w.message));
    expect(drifted).toMatchObject({ line: 1, message: expect.stringContaining('"the bot closes FYI issues" is not on 000_3a3b18768e4599ed.txt:136') });
    const silent = withPages.warnings.filter((w) => /quotes no handbook sentence/.test(w.message)).map((w) => w.file);
    expect(silent.length).toBeGreaterThan(0);
    expect(silent).not.toContain("policies/hygiene.yml");
  });
});
