import { describe, expect, it } from "vitest";
import { decideSlaReport } from "../../../src/jobs/sla.js";
import type { SlaReportEntry } from "../../../src/rules/sla/report.js";

const project = { path: "mktg/marketing-operations", roles: ["mops"] };

describe("decideSlaReport", () => {
  it("ensures the one report issue, saying how many SLAs are breached and at risk", () => {
    const entry = (state: SlaReportEntry["state"]) => ({ state }) as SlaReportEntry;
    const plan = decideSlaReport([entry("breached"), entry("at-risk"), entry("at-risk")], project, "SLA report", "List");
    expect(plan.actions).toEqual([
      {
        type: "ensure_issue",
        issue: { project, marker: "sla-report", title: "SLA report", body: "List" },
        lookup: { search: "mops-bot:sla-report" },
        rule: "sla",
        reason: "1 breached and 2 at-risk SLA(s) right now.",
      },
    ]);
  });
});
