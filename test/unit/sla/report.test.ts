/** The SLA report issue's text: grouped by state, priority (taxonomy order) and assignee; stable; safe. */
import { describe, expect, it } from "vitest";
import { markersIn } from "../../../src/domain/markers.js";
import { renderSlaReport, type SlaReportEntry } from "../../../src/sla/report.js";
import { testTaxonomy } from "../../support/builders.js";

const entry = (over: Partial<SlaReportEntry>): SlaReportEntry => ({
  ref: "g/p#1",
  url: "https://gitlab.example.com/g/p/-/issues/1",
  title: "An issue",
  confidential: false,
  sla: "mops-priority",
  priority: "MktgOpsPriority::00-Urgent",
  goal: "4 business hours",
  assignees: ["zoe"],
  state: "breached",
  due: new Date("2026-11-18T19:00:00Z"),
  ...over,
});

describe("SLA report", () => {
  it("groups by state, then priority in taxonomy order, then assignee with the unassigned last", () => {
    const text = renderSlaReport(
      [
        entry({ ref: "g/p#3", priority: "MktgOpsPriority::02-Medium", assignees: [] }),
        entry({ ref: "g/p#2", priority: "MktgOpsPriority::02-Medium", assignees: ["amy"] }),
        entry({ ref: "g/p#1" }),
        entry({ ref: "g/p#4", state: "at-risk", assignees: [] }),
      ],
      testTaxonomy(),
      "America/New_York",
    );
    const order = ["## Breached (3)", "### MktgOpsPriority::00-Urgent", "**zoe**", "g/p#1", "### MktgOpsPriority::02-Medium", "**amy**", "g/p#2", "**Unassigned**", "g/p#3", "## At risk (1)", "g/p#4"];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain("was due Wed 18 Nov 2026, 14:00 EST");
    expect(markersIn(text)).toEqual(["sla-report"]);
  });

  it("is the same text for the same clocks, mentions nobody, and neutralises titles", () => {
    const entries = [entry({ title: "@all please\n/close this [now]" })];
    const a = renderSlaReport(entries, testTaxonomy(), "America/New_York");
    expect(renderSlaReport(entries, testTaxonomy(), "America/New_York")).toBe(a);
    expect(a).not.toMatch(/(^|\s)@all\b/);
    expect(a.split("\n").some((l) => /^\s*\//.test(l))).toBe(false);
    expect(a).not.toContain("@zoe");
    expect(renderSlaReport([], testTaxonomy(), "America/New_York")).toMatch(/## Breached \(0\)\n\nNone\.\n\n## At risk \(0\)\n\nNone\./);
  });

  it("lists a confidential issue by reference only, apart from the priority label and goal it has", () => {
    const text = renderSlaReport(
      [entry({ ref: "g/p#1" }), entry({ ref: "g/p#9", title: "a confidential issue", confidential: true, priority: "MktgOpsPriority::02-Medium", goal: "2 business days" })],
      testTaxonomy(),
      "America/New_York",
    );
    expect(text).not.toContain("MktgOpsPriority::02-Medium");
    expect(text).not.toContain("2 business days");
    expect(text).toContain("### Confidential issues\n\n- [a confidential issue](https://gitlab.example.com/g/p/-/issues/1) `g/p#9` — was due Wed 18 Nov 2026, 14:00 EST");
  });
});
