/** The SLA report issue's text: grouped by state, priority (taxonomy order) and assignee; stable; safe. */
import { describe, expect, it } from "vitest";
import { markersIn } from "../../../src/domain/markers.js";
import { computeClock } from "../../../src/rules/sla/clock.js";
import { pauseOf, renderSlaReport, type SlaReportEntry } from "../../../src/rules/sla/report.js";
import { testTaxonomy } from "../../support/builders.js";
import { added, BLOCKED, calendar, HIGH, history, removed, slaDef, spelling, URGENT } from "./support.js";

const entry = (over: Partial<SlaReportEntry>): SlaReportEntry => ({
  ref: "g/p#1",
  url: "https://gitlab.example.com/g/p/-/issues/1",
  title: "An issue",
  confidential: false,
  sla: "mops-priority",
  priority: "MktgOpsPriority:: 00-Urgent",
  goal: "4 business hours",
  assignees: ["zoe"],
  state: "breached",
  due: new Date("2026-11-18T19:00:00Z"),
  pause: null,
  ...over,
});

describe("SLA report", () => {
  it("groups by state, then priority in taxonomy order, then assignee with the unassigned last", () => {
    const text = renderSlaReport(
      [
        entry({ ref: "g/p#3", priority: "MktgOpsPriority:: 02-Medium", assignees: [] }),
        entry({ ref: "g/p#2", priority: "MktgOpsPriority:: 02-Medium", assignees: ["amy"] }),
        entry({ ref: "g/p#1" }),
        entry({ ref: "g/p#4", state: "at-risk", assignees: [] }),
      ],
      testTaxonomy(),
      "America/New_York",
    );
    const order = ["## Breached (3)", "### MktgOpsPriority:: 00-Urgent", "**zoe**", "g/p#1", "### MktgOpsPriority:: 02-Medium", "**amy**", "g/p#2", "**Unassigned**", "g/p#3", "## At risk (1)", "g/p#4"];
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

  it("a paused clock is written with when it paused and what is left, not with a due moment that moves on", () => {
    const paused = entry({ ref: "g/p#10", state: "at-risk", due: new Date("2026-11-18T21:00:00Z"), pause: { since: new Date("2026-11-18T18:30:00Z"), label: "MktgOps::07: Blocked", left: "30 min" } });
    const running = entry({ ref: "g/p#9", state: "at-risk", due: new Date("2026-11-19T15:00:00Z") });
    const text = renderSlaReport([paused, running], testTaxonomy(), "America/New_York");
    expect(text).toContain('`g/p#10` — SLA `mops-priority`, 4 business hours, paused since Wed 18 Nov 2026, 13:30 EST (~"MktgOps::07: Blocked"), 30 min of the goal left');
    expect(text).not.toContain("16:00 EST");
    // The moving due moment neither shows nor orders: the running clock comes first.
    expect(text.indexOf("g/p#9")).toBeLessThan(text.indexOf("g/p#10"));
    expect(renderSlaReport([{ ...paused, due: new Date("2026-11-19T14:00:00Z") }, running], testTaxonomy(), "America/New_York")).toBe(text);
  });

  it("pauseOf: a paused clock's start, label and what is left; nothing for a running clock or a milestone goal", () => {
    // Urgent from Wed 10:00 EST, blocked at 13:30: 30 min of the 4 business hours left.
    const blocked = history("2026-11-18T15:00:00Z", [added(URGENT, "2026-11-18T15:00:00Z"), added(BLOCKED, "2026-11-18T18:30:00Z")]);
    for (const now of ["2026-11-18T19:00:00Z", "2026-11-19T16:00:00Z"]) {
      expect(pauseOf(computeClock(slaDef(), blocked, calendar, new Date(now), spelling), calendar)).toEqual({ since: new Date("2026-11-18T18:30:00Z"), label: BLOCKED, left: "30 min" });
    }
    const resumed = history("2026-11-18T15:00:00Z", [...blocked.labelEvents, removed(BLOCKED, "2026-11-18T19:30:00Z")]);
    expect(pauseOf(computeClock(slaDef(), resumed, calendar, new Date("2026-11-18T19:40:00Z"), spelling), calendar)).toBeNull();
    const milestone = history("2026-11-18T15:00:00Z", [added(HIGH, "2026-11-18T15:00:00Z"), added(BLOCKED, "2026-11-18T18:30:00Z")], { milestoneDue: "2026-11-27" });
    expect(pauseOf(computeClock(slaDef(), milestone, calendar, new Date("2026-11-18T19:00:00Z"), spelling), calendar)).toBeNull();
  });

  it("lists a confidential issue by reference only, apart from the priority label and goal it has", () => {
    const text = renderSlaReport(
      [entry({ ref: "g/p#1" }), entry({ ref: "g/p#9", title: "a confidential issue", confidential: true, priority: "MktgOpsPriority:: 02-Medium", goal: "2 business days" })],
      testTaxonomy(),
      "America/New_York",
    );
    expect(text).not.toContain("MktgOpsPriority:: 02-Medium");
    expect(text).not.toContain("2 business days");
    expect(text).toContain("### Confidential issues\n\n- [a confidential issue](https://gitlab.example.com/g/p/-/issues/1) `g/p#9` — was due Wed 18 Nov 2026, 14:00 EST");
  });

  it("writes a paused confidential clock by what is left, not by a due moment that moves on, and without its label", () => {
    const pause = { since: new Date("2026-11-18T18:30:00Z"), label: "MktgOps::07: Blocked", left: "30 min" };
    const hidden = entry({ ref: "g/p#9", state: "at-risk", title: "a confidential issue", confidential: true, due: new Date("2026-11-18T21:00:00Z"), pause });
    const text = renderSlaReport([hidden], testTaxonomy(), "America/New_York");
    expect(text).toContain("`g/p#9` — paused since Wed 18 Nov 2026, 13:30 EST, 30 min of the goal left");
    expect(text).not.toContain("MktgOps::07: Blocked");
    expect(renderSlaReport([{ ...hidden, due: new Date("2026-11-19T14:00:00Z") }], testTaxonomy(), "America/New_York")).toBe(text);
  });
});
