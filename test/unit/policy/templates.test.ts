/** Template checks: a line GitLab would run as a quick action is a problem; lines it would not run are not. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ProblemSink } from "../../../src/policy/source.js";
import { loadTemplates } from "../../../src/policy/templates.js";

async function problemsOf(text: string): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "mops-templates-"));
  mkdirSync(path.join(dir, "templates"));
  writeFileSync(path.join(dir, "templates", "note.md"), text);
  const sink = new ProblemSink();
  await loadTemplates(dir, "policies", sink);
  return sink.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
}

describe("quick-action lines in templates", () => {
  it("flags a line that starts with a command, as GitLab's extractor reads it", async () => {
    expect(await problemsOf("Hello\n/close\n")).toEqual([expect.stringMatching(/^2:1 this line starts with '\/close', which GitLab would run as a quick action/)]);
  });

  it("leaves a handbook path at a line start and an indented slash alone: GitLab runs neither", async () => {
    expect(await problemsOf("See\n/handbook/marketing/marketing-operations/\n   /close is what a person types\n")).toEqual([]);
  });
});
