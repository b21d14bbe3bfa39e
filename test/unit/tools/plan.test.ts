import { beforeAll, describe, expect, it } from "vitest";
import { createBusinessCalendar, type BusinessCalendar } from "../../../src/domain/calendar.js";
import { markersIn } from "../../../src/domain/markers.js";
import type { CompiledPolicy, ToolDef } from "../../../src/policy/model.js";
import { loadPolicies } from "../../../src/policy/load.js";
import { auditReminder, desiredAuditIssues, desiredRenewalIssues, ownersOf, readableDate } from "../../../src/tools/plan.js";
import { issue, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
let calendar: BusinessCalendar;
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  calendar = createBusinessCalendar(policy.calendar);
});

const audit = (today: string, tool: string) => desiredAuditIssues(policy, calendar, today).find((d) => d.tool.name === tool)!;

/** The shipped policy with renewal dates and contract values set on a few tools. */
function withRenewals(entries: Record<string, Partial<ToolDef>>): CompiledPolicy {
  const tools = policy.tools!;
  return { ...policy, tools: { ...tools, tools: tools.tools.map((t) => ({ ...t, ...(entries[t.name] ?? {}) })) } };
}

describe("audit issues from the registry", () => {
  it("gives every tool in the registry one audit issue for its current period", () => {
    const all = desiredAuditIssues(policy, calendar, "2026-11-18");
    expect(all).toHaveLength(policy.tools!.tools.length);
    expect(new Set(all.map((d) => d.marker)).size).toBe(all.length);
    expect(all.every((d) => d.labels[0] === "Mktg Tool Audit")).toBe(true);
  });

  it("ZoomInfo: monthly, 30 days, Slack, titled with the month, labelled with its tool label", () => {
    const z = audit("2026-11-18", "ZoomInfo");
    expect(z.title).toBe("Tool user audit: ZoomInfo — 2026-11");
    expect(z.labels).toEqual(["Mktg Tool Audit", "ZoomInfo"]);
    expect(z.description).toContain("**30 days**");
    expect(z.description).toContain("by **Slack**");
    expect(z.description).toContain("**5 business days**");
    expect(markersIn(z.description)).toEqual(["tool-audit:ZoomInfo:2026-11"]);
  });

  it("Marketo: quarterly, 45 days, email; a tier 3 tool is semi-annual; a tool with no label gets only the audit label", () => {
    const m = audit("2026-11-18", "Marketo");
    expect(m.title).toBe("Tool user audit: Marketo — 2026-Q4");
    expect(m.description).toContain("**45 days**");
    expect(m.description).toContain("by **email**");
    expect(audit("2026-11-18", "Litmus").title).toBe("Tool user audit: Litmus — 2026-H2");
    expect(audit("2026-11-18", "Cognism").labels).toEqual(["Mktg Tool Audit"]);
  });

  it("is due on the last day of the working window: 10 working days from the period's first working day", () => {
    // November 2026: the 1st is a Sunday, the 11th (Veterans Day) is a US public holiday.
    const z = audit("2026-11-02", "ZoomInfo");
    expect(z.dueDate).toBe("2026-11-16");
    expect(z.description).toContain(readableDate("2026-11-16"));
    expect(readableDate("2026-11-16")).toBe("2026-11-16 (Monday)");
  });

  it("opened late in its period, an audit still gets the whole working window from the day it is opened", () => {
    // From Wednesday 2026-11-18: Thanksgiving (26th) and the example company day (27th) are off.
    expect(audit("2026-11-18", "ZoomInfo").dueDate).toBe("2026-12-03");
    expect(audit("2026-11-18", "Marketo").dueDate).toBe("2026-12-03");
  });

  it("moves to the next period exactly at the boundary (fixed dates on both sides)", () => {
    expect(audit("2026-11-30", "ZoomInfo").period!.key).toBe("2026-11");
    expect(audit("2026-12-01", "ZoomInfo").period!.key).toBe("2026-12");
    expect(audit("2026-12-31", "Marketo").period!.key).toBe("2026-Q4");
    expect(audit("2027-01-01", "Marketo").period!.key).toBe("2027-Q1");
    expect(audit("2026-06-30", "Litmus").period!.key).toBe("2026-H1");
    expect(audit("2026-07-01", "Litmus").period!.key).toBe("2026-H2");
  });

  it("assigns tools without an owner to the default owner group in turn, and a named owner to itself", () => {
    const group = policy.people[policy.tools!.defaultOwnerGroup]!;
    const owners = policy.tools!.tools.map((t) => ownersOf(policy, t)[0]);
    expect(new Set(owners)).toEqual(new Set(group));
    const named = { ...policy.tools!.tools[0]!, owner: "jane.owner" };
    expect(ownersOf(policy, named)).toEqual(["jane.owner"]);
  });
});

describe("renewal issues", () => {
  it("open 120 days ahead for tiers 1-2 and 60 days ahead for tiers 3-4, and not after the renewal date", () => {
    const p = withRenewals({ ZoomInfo: { renewalDate: "2027-03-01", contractValueUsd: 80000 }, Litmus: { renewalDate: "2027-03-01", contractValueUsd: 12000 } });
    const names = (today: string) => desiredRenewalIssues(p, today).map((d) => d.tool.name);
    expect(names("2026-10-31")).toEqual([]);
    expect(names("2026-11-01")).toEqual(["ZoomInfo"]); // 2027-03-01 minus 120 days
    expect(names("2026-12-30")).toEqual(["ZoomInfo"]);
    expect(names("2026-12-31")).toEqual(["ZoomInfo", "Litmus"]); // minus 60 days
    expect(names("2027-03-01")).toEqual(["ZoomInfo", "Litmus"]);
    expect(names("2027-03-02")).toEqual([]);
  });

  it("carry the handbook's rules, and say when an RFP is required", () => {
    const p = withRenewals({ ZoomInfo: { renewalDate: "2027-03-01", contractValueUsd: 80000 }, Marketo: { renewalDate: "2027-03-01" }, Qualified: { renewalDate: "2027-03-01", contractValueUsd: 20000 } });
    const [zoom, marketo, qualified] = ["ZoomInfo", "Marketo", "Qualified"].map((n) => desiredRenewalIssues(p, "2027-01-15").find((d) => d.tool.name === n)!);
    expect(zoom!.title).toBe("Tool renewal: ZoomInfo — renews 2027-03-01");
    expect(zoom!.labels).toEqual(["Mktg Tool Renewal", "ZoomInfo"]);
    expect(zoom!.dueDate).toBe("2027-03-01");
    expect(zoom!.description).toContain("No auto-renewals");
    expect(zoom!.description).toContain("POC before new features");
    expect(zoom!.description).toContain("Procurement and Finance");
    expect(zoom!.description).toContain("**RFP required**: the contract ($80,000 a year) is over $50,000");
    expect(marketo!.description).toContain("the contract value is not recorded");
    expect(qualified!.description).toContain("still due every 2 years");
    expect(markersIn(zoom!.description)).toEqual(["tool-renewal:ZoomInfo:2027-03-01"]);
  });
});

describe("reminders on overdue audits", () => {
  const auditIssue = (over = {}) => issue({ title: "Tool user audit: ZoomInfo — 2026-11", dueDate: "2026-11-16", assignees: [user("mops.member2")], ...over });
  const remind = (today: string, over = {}) => auditReminder(policy, calendar, auditIssue(over), "tool-audit:ZoomInfo:2026-11", today);

  it("none on or before the due date, nor on a closed audit", () => {
    expect(remind("2026-11-16")).toBeNull();
    expect(remind("2026-11-20", { state: "closed" })).toBeNull();
  });

  it("one per week after the due date, addressed to the assignee", () => {
    const first = remind("2026-11-17")!;
    expect(first.week).toBe(1);
    expect(first.marker).toBe("tool-audit-reminder:ZoomInfo:2026-11:week-1");
    expect(first.body).toContain("@mops.member2");
    expect(first.body).toContain("2026-11-16 (Monday)");
    expect(remind("2026-11-23")!.marker).toBe(first.marker);
    expect(remind("2026-11-24")!.marker).toBe("tool-audit-reminder:ZoomInfo:2026-11:week-2");
  });

  it("falls back to the period's due date when the issue has none", () => {
    expect(remind("2026-11-16", { dueDate: null })).toBeNull();
    expect(remind("2026-11-17", { dueDate: null })!.dueDate).toBe("2026-11-16");
  });
});
