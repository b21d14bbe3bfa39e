import { describe, expect, it } from "vitest";
import { descriptionMarkersIn, markersIn } from "../../../src/domain/markers.js";
import { listRules, renderRuleList } from "../../../src/triage/list.js";
import { explainRule } from "../../../src/triage/explain.js";
import { renderSlackSummary, renderSummary, slackSummaryMessage, summaryMarker } from "../../../src/triage/summaries.js";
import { issue, labelEvent, user } from "../../support/builders.js";
import { policyWith, rule, tctx } from "./helpers.js";

const summarizing = (groupBy: string, destination = "issue: { project_role: mops }") =>
  rule("state: opened", `summarize: { title: "Stale issues", group_by: ${groupBy}, ${destination} }`);

describe("triage summaries", () => {
  const items = [
    issue({ iid: 12, title: "Second [draft] @all", assignees: [user("bob")], labels: ["MktgOps::03: Assigned"] }),
    issue({ iid: 3, title: "First", assignees: [user("alice")], labels: ["MktgOps::00: Triage"] }),
    issue({ iid: 7, title: "Nobody's", assignees: [] }),
  ];

  it("a title carrying a marker does not give the summary issue that marker", () => {
    const r = summarizing("assignee");
    const forged = issue({ iid: 21, title: `Budget <!-- mops-bot:sla-report -->` });
    const content = renderSummary(r.def, r.summary!, [r.finding(forged, tctx())!], policyWith());
    expect(descriptionMarkersIn(content.body)).toEqual([summaryMarker("test-rule")]);
  });

  it("lists every selected resource, linked, grouped by a field, in a stable order with the marker", () => {
    const r = summarizing("assignee");
    const findings = items.map((s) => r.finding(s, tctx())!);
    const content = renderSummary(r.def, r.summary!, findings, policyWith());
    expect(content.count).toBe(3);
    expect(markersIn(content.body)).toEqual([summaryMarker("test-rule")]);
    const body = content.body;
    expect(body.indexOf("### alice")).toBeLessThan(body.indexOf("### bob"));
    expect(body.indexOf("### bob")).toBeLessThan(body.indexOf("### Unassigned"));
    expect(body).toContain(`- [First](${items[1]!.webUrl}) mktg/marketing-operations#3`);
    expect(body).toContain("\\[draft\\]");
    expect(body).not.toMatch(/@all\b/);
    // Same findings in another order: the same text, so the summary issue is not edited again.
    expect(renderSummary(r.def, r.summary!, [...findings].reverse(), policyWith()).body).toBe(body);
  });

  it("groups by a scoped label and says when nothing matches", () => {
    const r = summarizing("{ label: MktgOps }");
    const content = renderSummary(r.def, r.summary!, items.map((s) => r.finding(s, tctx())!), policyWith());
    expect(content.body.indexOf("### MktgOps::00: Triage")).toBeLessThan(content.body.indexOf("### No MktgOps label"));
    expect(renderSummary(r.def, r.summary!, [], policyWith()).body).toContain("Nothing matches this rule now.");
  });

  it("the Slack form is plain Slack text, keyed by its content", () => {
    const r = summarizing("project", "issue: { project_role: mops }, slack: { channel: mktgops }");
    const findings = items.map((s) => r.finding(s, tctx())!);
    const slack = renderSlackSummary(r.def, r.summary!, findings, policyWith());
    expect(slack.text.startsWith("*Stale issues* (3)")).toBe(true);
    expect(slack.text).toContain(`• <${items[1]!.webUrl}|First> mktg/marketing-operations#3`);
    expect(slack.marker).toMatch(/^triage-summary-slack:test-rule:[0-9a-f]{12}$/);
    expect(renderSlackSummary(r.def, r.summary!, [...findings].reverse(), policyWith()).marker).toBe(slack.marker);
    expect(renderSlackSummary(r.def, r.summary!, findings.slice(1), policyWith()).marker).not.toBe(slack.marker);
    const message = slackSummaryMessage(slack, { url: "https://gitlab.example/mktg/mops/-/issues/9", ref: "mktg/mops#9" });
    expect(message.text).toBe(`${slack.text}\n\nSummary issue: <https://gitlab.example/mktg/mops/-/issues/9|mktg/mops#9>`);
  });

  it("name a confidential issue only by reference, in the issue and on Slack, and not by its labels", () => {
    const secret = issue({ iid: 40, title: "Reorg: let Dana go", confidential: true, assignees: [user("alice")], labels: ["MktgOps::03: Assigned"] });
    const byLabel = summarizing("{ label: MktgOps }", "issue: { project_role: mops }, slack: { channel: mktgops }");
    const findings = [...items, secret].map((s) => byLabel.finding(s, tctx())!);
    const body = renderSummary(byLabel.def, byLabel.summary!, findings, policyWith()).body;
    const slack = renderSlackSummary(byLabel.def, byLabel.summary!, findings, policyWith()).text;
    for (const text of [body, slack]) expect(text).not.toContain("Reorg");
    expect(body).toContain(`- [a confidential issue](${secret.webUrl}) mktg/marketing-operations#40`);
    expect(slack).toContain(`• <${secret.webUrl}|a confidential issue> mktg/marketing-operations#40`);
    // Listed under its own heading, not under the MktgOps::03 label it carries.
    const assigned = body.slice(body.indexOf("### MktgOps::03: Assigned"), body.indexOf("### ", body.indexOf("### MktgOps::03: Assigned") + 4));
    expect(assigned).not.toContain("#40");
    expect(body.indexOf("### Confidential issues")).toBeGreaterThan(body.indexOf("### MktgOps::03: Assigned"));
  });

  it("a summarizing rule proposes no action on the resource itself", () => {
    expect(summarizing("assignee").evaluate(items[0]!, tctx())).toEqual([]);
  });
});

describe("rules explain and rules list", () => {
  it("prints each condition with its value and result, then what the rule would do", () => {
    const r = rule('state: opened\nlabel_age: { label: "MktgOps::00: Triage", older_than: { business_days: 5 } }\nassignee: none', "note: { template: ping, to: { group: triage-dri } }");
    const s = issue({ iid: 42, labels: ["MktgOps::00: Triage"], labelEvents: [labelEvent("MktgOps::00: Triage", "2026-11-03T15:00:00Z")] });
    const text = explainRule(r, s, tctx());
    expect(text).toContain("✓ state is opened — opened");
    expect(text).toContain('✓ ~"MktgOps::00: Triage" has been on it for more than 5 business days — on for 11 business days (since 2026-11-03)');
    expect(text).toContain("✓ nobody is assigned — nobody assigned");
    expect(text).toContain("Result: the rule selects it.");
    expect(text).toContain("note to the people on it (marker triage:test-rule)");
    const no = explainRule(r, { ...s, assignees: [user("alice")] }, tctx());
    expect(no).toContain("✗ nobody is assigned — alice");
    expect(no).toContain("Result: the rule does not select it.");
  });

  it("lists every rule of every kind with what triggers it", () => {
    const policy = policyWith({ schedules: [{ job: "sweep", cron: "0 2 * * 1-5", timeZone: "America/New_York", description: "nightly" }] });
    const r = rule("state: opened");
    const listings = listRules({ ...policy, triage: [r.def] });
    const text = renderRuleList(listings);
    expect(listings.map((l) => l.id)).toEqual(expect.arrayContaining(["scoped-exclusivity", "label-hygiene", "workflow:mktgops-stage", "triage:test-rule"]));
    expect(text).toContain("triage:test-rule  [triage, policies/triage/test.yml]");
    expect(text).toContain('runs on sweep: "0 2 * * 1-5" (America/New_York)');
    expect(text).toContain("runs on webhook: issue and merge request events and comments on them");
  });
});
