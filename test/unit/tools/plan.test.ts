import { beforeAll, describe, expect, it } from "vitest";
import { markersIn } from "../../../src/domain/markers.js";
import type { CompiledPolicy, ToolDef } from "../../../src/policy/model.js";
import { loadPolicies } from "../../../src/policy/load.js";
import { auditIssuesToCreate, auditReminder, desiredAuditIssues, desiredRenewalIssues, ownersOf, readableDate } from "../../../src/rules/tools/plan.js";
import { issue, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
});

const audit = (today: string, tool: string) => desiredAuditIssues(policy, today).find((d) => d.tool.name === tool)!;

/** The shipped policy with renewal dates and contract values set on a few tools. */
function withRenewals(entries: Record<string, Partial<ToolDef>>): CompiledPolicy {
  const tools = policy.tools!;
  return { ...policy, tools: { ...tools, tools: tools.tools.map((t) => ({ ...t, ...(entries[t.name] ?? {}) })) } };
}

describe("audit issues from the registry", () => {
  it("gives every tool in the registry one audit issue for its current period", () => {
    const all = desiredAuditIssues(policy, "2026-11-18");
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

  it("is due on the last day of its period, also when opened late in it: the handbook gives no other deadline", () => {
    expect(audit("2026-11-02", "ZoomInfo").dueDate).toBe("2026-11-30");
    expect(audit("2026-11-18", "ZoomInfo").dueDate).toBe("2026-11-30");
    expect(audit("2026-11-18", "Marketo").dueDate).toBe("2026-12-31");
    expect(audit("2026-11-18", "Litmus").dueDate).toBe("2026-12-31");
    expect(audit("2027-01-04", "Litmus").dueDate).toBe("2027-06-30");
    const z = audit("2026-11-02", "ZoomInfo");
    expect(z.description).toContain(readableDate("2026-11-30"));
    expect(readableDate("2026-11-30")).toBe("2026-11-30 (Monday)");
  });

  it("moves to the next period exactly at the boundary (fixed dates on both sides)", () => {
    expect(audit("2026-11-30", "ZoomInfo").period!.key).toBe("2026-11");
    expect(audit("2026-12-01", "ZoomInfo").period!.key).toBe("2026-12");
    expect(audit("2026-12-31", "Marketo").period!.key).toBe("2026-Q4");
    expect(audit("2027-01-01", "Marketo").period!.key).toBe("2027-Q1");
    expect(audit("2026-06-30", "Litmus").period!.key).toBe("2026-H1");
    expect(audit("2026-07-01", "Litmus").period!.key).toBe("2026-H2");
  });

  it("gives a tool's issues to the owner tools.yml names, else to the tools DRI: never to someone picked in turn", () => {
    const dri = policy.people[policy.tools!.toolsDriGroup]!;
    expect(dri).toEqual(["mops.member2"]);
    expect(policy.tools!.tools.every((t) => JSON.stringify(ownersOf(policy, t)) === JSON.stringify(dri))).toBe(true);
    const named = { ...policy.tools!.tools[0]!, owner: "jane.owner" };
    expect(ownersOf(policy, named)).toEqual(["jane.owner"]);
    // A DRI is one person: a group of two still gives one assignee, the first.
    const two = { ...policy, people: { ...policy.people, [policy.tools!.toolsDriGroup]: ["mops.member2", "mops.member3"] } };
    expect(ownersOf(two, policy.tools!.tools[1]!)).toEqual(["mops.member2"]);
  });
});

describe("who gets the audit issues", () => {
  // A tier 4 tool of the Brand department and a tier 1 tool with their owners named in tools.yml.
  const owned = () => withRenewals({ Canva: { owner: "brand.designer" }, ZoomInfo: { owner: "mops.member3" } });
  const none = () => false;

  it("a tool with an owner in tools.yml gets its own audit issue, assigned to that owner (tier 4 too)", () => {
    const planned = auditIssuesToCreate(owned(), "2026-11-18", none);
    const canva = planned.find((p) => p.title === "Tool user audit: Canva — 2026-H2")!;
    expect(canva.assignees).toEqual(["brand.designer"]);
    expect(canva.description).toContain("Owner: @brand.designer");
    expect(planned.find((p) => p.title === "Tool user audit: ZoomInfo — 2026-11")!.assignees).toEqual(["mops.member3"]);
  });

  it("the tools without an owner are one issue for the tools DRI, listing each with its period, not an issue per tool", () => {
    const planned = auditIssuesToCreate(owned(), "2026-11-18", none);
    expect(planned).toHaveLength(3);
    const list = planned.find((p) => p.kind === "unowned-audits")!;
    expect(list.title).toBe("Tool user audits without a technical owner — 2026-Q4, 2026-H2");
    expect(list.assignees).toEqual(["mops.member2"]);
    expect(list.labels).toEqual(["Mktg Tool Audit"]);
    expect(list.dueDate).toBe("2026-12-31"); // with its last audit: the quarter's and the half-year's
    const unowned = policy.tools!.tools.filter((t) => t.name !== "Canva" && t.name !== "ZoomInfo");
    expect(list.markers).toHaveLength(unowned.length);
    expect(markersIn(list.description)).toEqual(list.markers);
    expect(list.markers).toContain("tool-audit:Marketo:2026-Q4");
    expect(list.markers).toContain("tool-audit:Figma:2026-H2");
    for (const t of unowned) expect(list.description).toContain(`**${t.name}**`);
    // Tier 4 tools say whose department they belong to; nobody is mentioned (the DRI is assigned).
    expect(list.description).toContain("- [ ] **Figma** — tier 4, 2026-H2 (semi-annual; 45 days inactive, 5 business days of notice by email). UX.");
    expect(list.description).not.toMatch(/@/);
    // Not even when a note in tools.yml names someone.
    const noted = withRenewals({ Figma: { notes: "UX, ask @jane.ux" } });
    const listed = auditIssuesToCreate(noted, "2026-11-18", none)[0]!;
    expect(listed.description).toContain("ask @\u200Bjane.ux");
  });

  it("an audit already listed (or given its own issue) is not planned again, also after its tool gets an owner", () => {
    const first = auditIssuesToCreate(policy, "2026-11-18", none);
    expect(first).toHaveLength(1);
    const made = new Set(first.flatMap((p) => p.markers));
    expect(made.size).toBe(policy.tools!.tools.length);
    expect(auditIssuesToCreate(policy, "2026-11-25", (m) => made.has(m))).toEqual([]);
    expect(auditIssuesToCreate(owned(), "2026-11-25", (m) => made.has(m))).toEqual([]);
    // December: only the monthly audit is new, in a list of one.
    const december = auditIssuesToCreate(policy, "2026-12-01", (m) => made.has(m));
    expect(december.map((p) => [p.title, p.markers])).toEqual([["Tool user audits without a technical owner — 2026-12", ["tool-audit:ZoomInfo:2026-12"]]]);
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
    expect(zoom!.description).toContain("**RFP required**: the contract ($80,000 a year) is $50,000 or more");
    expect(marketo!.description).toContain("the contract value is not recorded");
    expect(qualified!.description).toContain("still due every 2 years");
    expect(markersIn(zoom!.description)).toEqual(["tool-renewal:ZoomInfo:2027-03-01"]);
  });

  it("a contract of exactly $50K needs an RFP: the handbook says \"over $50K+\"", () => {
    const p = withRenewals({ Marketo: { renewalDate: "2027-03-01", contractValueUsd: 50000 } });
    const marketo = desiredRenewalIssues(p, "2027-01-15").find((d) => d.tool.name === "Marketo")!;
    expect(marketo.description).toContain("**RFP required**: the contract ($50,000 a year) is $50,000 or more");
  });
});

describe("reminders on overdue audits", () => {
  const auditIssue = (over = {}) => issue({ title: "Tool user audit: ZoomInfo — 2026-11", dueDate: "2026-11-16", assignees: [user("mops.member2")], ...over });
  const withReminders = (): CompiledPolicy => ({ ...policy, tools: { ...policy.tools!, audits: { ...policy.tools!.audits, reminderTemplate: "tool-audit-reminder" } } });
  const remind = (today: string, over = {}, p = withReminders()) => auditReminder(p, auditIssue(over), "tool-audit:ZoomInfo:2026-11", today);

  it("none with the shipped tools.yml, however long an audit stays open: the handbook asks for no reminder", () => {
    expect(policy.tools!.audits.reminderTemplate).toBeNull();
    for (const today of ["2026-11-17", "2026-11-24", "2027-02-01"]) expect(remind(today, {}, policy)).toBeNull();
  });

  it("with a reminder template: none on or before the due date, nor on a closed audit", () => {
    expect(remind("2026-11-16")).toBeNull();
    expect(remind("2026-11-20", { state: "closed" })).toBeNull();
  });

  it("with a reminder template: one reminder after the due date, addressed to the assignee, the same one every week after", () => {
    const first = remind("2026-11-17")!;
    expect(first.marker).toBe("tool-audit-reminder");
    expect(first.body).toContain("@mops.member2");
    expect(first.body).toContain("2026-11-16 (Monday)");
    expect(remind("2026-11-24")!.marker).toBe(first.marker);
    expect(remind("2027-01-12")!.marker).toBe(first.marker);
  });

  it("falls back to the period's due date, its last day, when the issue has none", () => {
    expect(remind("2026-11-30", { dueDate: null })).toBeNull();
    expect(remind("2026-12-01", { dueDate: null })!.dueDate).toBe("2026-11-30");
  });
});
