/**
 * The report's figures from snapshots, with the shipped policies and a fixed clock: stages and ages
 * from label events, stuck issues, Sales Systems steps with misspelled labels, SLA standings and
 * the weekly trend replayed from history, the milestone burn-up and rollovers, tool audits, and the
 * page's HTML (escaped text, every number a link).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type BusinessCalendar, createBusinessCalendar } from "../../../src/domain/calendar.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { loadPolicies } from "../../../src/policy/load.js";
import { carriedSince, median } from "../../../src/report/age.js";
import { renderReportHtml } from "../../../src/report/html.js";
import { buildReportModel, DEFAULT_SETTINGS } from "../../../src/report/model.js";
import type { ReportInput } from "../../../src/report/types.js";
import { CURRENT, issue, labelEvent, NOW, SALES_PROJECT, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const GL = "https://gitlab.example.com";
let policy: CompiledPolicy;
let calendar: BusinessCalendar;

beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  calendar = createBusinessCalendar(policy.calendar);
});

/** An issue whose labels were applied at the given moments, in that order. */
function labelled(labels: [string, string][], over: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
  const events = labels.map(([l, at]) => labelEvent(l, at));
  const present = new Set<string>();
  for (const e of events) present.add(e.label);
  return issue({ labels: [...present], labelEvents: events, ...over });
}

function input(over: Partial<ReportInput>): ReportInput {
  return { now: NOW, gitlabUrl: GL, open: [], closedInWindow: [], milestone: null, audits: [], renewals: [], historyNotRead: [], ...over };
}

const model = (over: Partial<ReportInput>) => buildReportModel(policy, calendar, input(over), DEFAULT_SETTINGS);

describe("label ages", () => {
  const is = (l: string) => l.startsWith("MktgOps::00") || l === "MktgOps::0 - To Be Triaged";

  it("a relabel (alias removed, canonical added at the same moment) does not restart the stretch", () => {
    const events = [
      labelEvent("MktgOps::0 - To Be Triaged", "2026-11-02T14:00:00Z"),
      labelEvent("MktgOps::0 - To Be Triaged", "2026-11-17T14:00:00Z", "remove"),
      labelEvent("MktgOps::00: Triage", "2026-11-17T14:00:00.400Z"),
    ];
    expect(carriedSince(events, is, new Date("2026-11-01T00:00:00Z"))).toEqual(new Date("2026-11-02T14:00:00Z"));
  });

  it("removed and added again later: the stretch starts again", () => {
    const events = [labelEvent("MktgOps::00: Triage", "2026-11-02T14:00:00Z"), labelEvent("MktgOps::00: Triage", "2026-11-05T14:00:00Z", "remove"), labelEvent("MktgOps::00: Triage", "2026-11-10T14:00:00Z")];
    expect(carriedSince(events, is, new Date("2026-11-01T00:00:00Z"))).toEqual(new Date("2026-11-10T14:00:00Z"));
  });

  it("without history, or with the label older than the history: the creation time", () => {
    const created = new Date("2026-10-01T00:00:00Z");
    expect(carriedSince(undefined, is, created)).toBe(created);
    expect(carriedSince([], is, created)).toBe(created);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("stage board", () => {
  it("counts issues per stage and assignee, ages them from label events and lists the stuck ones", () => {
    const fresh = labelled([["MktgOps::04: In Progress", "2026-11-16T14:00:00Z"]], { iid: 1, assignees: [user("amy")] });
    const blocked = labelled([["MktgOps::07: Blocked", "2026-10-01T14:00:00Z"]], { iid: 2, assignees: [user("bob")] });
    // Two stages at once (before the bot repairs it): the one applied last counts.
    const clash = labelled([["MktgOps::03: Assigned", "2026-11-02T14:00:00Z"], ["MktgOps::04: In Progress", "2026-11-10T14:00:00Z"]], { iid: 3 });
    const relabelled = issue({
      iid: 4,
      labels: ["MktgOps::00: Triage"],
      labelEvents: [labelEvent("MktgOps::0 - To Be Triaged", "2026-11-02T14:00:00Z"), labelEvent("MktgOps::0 - To Be Triaged", "2026-11-17T14:00:00Z", "remove"), labelEvent("MktgOps::00: Triage", "2026-11-17T14:00:00Z")],
    });
    const noStage = issue({ iid: 5, labels: ["Marketo"] });
    const elsewhere = labelled([["MktgOps::04: In Progress", "2026-11-16T14:00:00Z"]], { iid: 6, projectPath: SALES_PROJECT });
    const board = model({ open: [fresh, blocked, clash, relabelled, noStage, elsewhere] }).board!;

    const stage = (v: string) => board.stages.find((s) => s.value === v)!;
    expect(board.total.value).toBe(4);
    expect(stage("04: In Progress").count.value).toBe(2);
    expect(stage("03: Assigned").count.value).toBe(0);
    expect(stage("07: Blocked").count.value).toBe(1);
    expect(stage("00: Triage").count.value).toBe(1);
    expect(board.stages.map((s) => s.value)).toEqual(["00: Triage", "01: Needs More Information", "02: Ready for Assignment", "03: Assigned", "04: In Progress", "05: Business Owner Review", "06: Ready to Deploy", "07: Blocked", "08: Completed"]);
    expect(board.assignees).toEqual(["amy", "bob", ""]);
    expect(stage("04: In Progress").byAssignee.get("amy")!.value).toBe(1);
    expect(stage("04: In Progress").byAssignee.get("")!.value).toBe(1);
    expect(stage("04: In Progress").byAssignee.get("")!.href).toContain("assignee_id=None");
    // Mon 16 09:00 to Wed 18 10:00 New York time: 2 business days; Tue 10 to Wed 18: 5 (Veterans Day is a holiday).
    expect(stage("04: In Progress").oldestDays).toBe(5);
    expect(stage("04: In Progress").medianDays).toBe(3.5);
    expect(board.stuck.map((s) => [s.ref.split("#")[1], s.label])).toEqual([
      ["2", "MktgOps::07: Blocked"],
      ["4", "MktgOps::00: Triage"],
    ]);
    expect(board.stuck[0]!.days).toBeGreaterThan(30);
    expect(stage("07: Blocked").stuck).toBe(1);
    expect(stage("04: In Progress").stuck).toBe(0);
    expect(stage("04: In Progress").count.href).toBe(`${GL}/gitlab-com/marketing/marketing-operations/-/issues?state=opened&label_name%5B%5D=MktgOps%3A%3A04%3A%20In%20Progress`);
  });
});

describe("Sales Systems steps", () => {
  it("counts requests per step, misspelled labels under their step, and ages them", () => {
    const sales = { projectPath: SALES_PROJECT, projectRoles: ["sales-systems"] };
    const misspelled = labelled([["entapps-customer::MOPS", "2026-11-02T14:00:00Z"], ["MtkgOpsPrio::04: Actioned", "2026-11-04T14:00:00Z"]], { iid: 1, ...sales });
    const queued = labelled([["entapps-customer::MOPS", "2026-11-02T14:00:00Z"], ["MktgOpsPrio::02: In Queue - Mops", "2026-11-16T14:00:00Z"]], { iid: 2, ...sales });
    const notMops = labelled([["MktgOpsPrio::02: In Queue - Mops", "2026-11-16T14:00:00Z"]], { iid: 3, ...sales });
    const steps = model({ open: [misspelled, queued, notMops] }).steps!;
    const step = (v: string) => steps.steps.find((s) => s.value === v)!;
    expect(steps.total.value).toBe(2);
    expect(step("04: Actioned").count.value).toBe(1);
    expect(step("04: Actioned").oldest?.ref).toBe(`${SALES_PROJECT}#1`);
    expect(step("04: Actioned").oldestDays).toBe(9); // Wed 4 to Wed 18 November, less Veterans Day
    expect(step("02: In Queue - Mops").count.value).toBe(1);
    expect(step("00: Requested").count.value).toBe(0);
    expect(step("00: Requested").medianDays).toBeNull();
    expect(step("04: Actioned").count.href).toContain("label_name%5B%5D=entapps-customer%3A%3AMOPS&label_name%5B%5D=MktgOpsPrio%3A%3A04%3A%20Actioned");
  });
});

describe("SLAs", () => {
  /** A moment `days` business days before NOW, by the team's calendar. */
  function businessDaysAgo(days: number): string {
    for (let back = 1; back < 60; back++) {
      const at = new Date(NOW.getTime() - back * 86_400_000);
      if (calendar.businessDaysBetween(at, NOW) >= days) return at.toISOString();
    }
    throw new Error("not found");
  }

  it("running, at risk and breached per priority, and the breached list", () => {
    const urgent = labelled([["MktgOpsPriority:: 00-Urgent", "2026-11-02T14:00:00Z"]], { iid: 1, createdAt: new Date("2026-11-02T14:00:00Z") });
    const mediumAt = businessDaysAgo(12);
    const medium = labelled([["MktgOpsPriority:: 02-Medium", mediumAt]], { iid: 2, createdAt: new Date(mediumAt) });
    const low = labelled([["MktgOpsPriority:: 03-Low", "2026-11-16T14:00:00Z"]], { iid: 3, createdAt: new Date("2026-11-16T14:00:00Z") });
    const sla = model({ open: [urgent, medium, low] }).sla;
    const row = (p: string) => sla.rows.find((r) => r.priority === p)!;
    expect([row("MktgOpsPriority:: 00-Urgent").breached.value, row("MktgOpsPriority:: 00-Urgent").running.value]).toEqual([1, 0]);
    expect([row("MktgOpsPriority:: 02-Medium").atRisk.value, row("MktgOpsPriority:: 02-Medium").running.value]).toEqual([1, 0]);
    expect(row("MktgOpsPriority:: 03-Low").running.value).toBe(1);
    expect(sla.breached.map((b) => b.ref)).toEqual([urgent.ref.path + "#1"]);
    expect(row("MktgOpsPriority:: 00-Urgent").breached.href).toContain("label_name%5B%5D=MktgOpsPriority%3A%3A%2000-Urgent&label_name%5B%5D=mops-bot-sla%3A%3Abreached");
    expect(row("MktgOpsPriority:: 03-Low").running.href).toContain("not%5Blabel_name%5D%5B%5D=mops-bot-sla%3A%3Aat-risk&not%5Blabel_name%5D%5B%5D=mops-bot-sla%3A%3Abreached");
  });

  it("the trend replays each clock at the end of the last 8 weeks, closed issues included until they closed", () => {
    const open = labelled([["MktgOpsPriority:: 00-Urgent", "2026-11-02T14:00:00Z"]], { iid: 1, createdAt: new Date("2026-11-02T14:00:00Z") });
    const closed = labelled([["MktgOpsPriority:: 00-Urgent", "2026-10-19T14:00:00Z"]], {
      iid: 2,
      state: "closed",
      createdAt: new Date("2026-10-19T14:00:00Z"),
      closedAt: new Date("2026-11-06T15:00:00Z"),
    });
    const trend = model({ open: [open], closedInWindow: [closed] }).sla.trend;
    expect(trend.map((w) => w.date)).toEqual(["2026-09-30", "2026-10-07", "2026-10-14", "2026-10-21", "2026-10-28", "2026-11-04", "2026-11-11", "2026-11-18"]);
    expect(trend.map((w) => w.breached.length)).toEqual([0, 0, 0, 1, 1, 2, 1, 1]);
    expect(trend[5]!.breached.map((i) => i.ref.split("#")[1]).sort()).toEqual(["1", "2"]);
  });

  it("an issue without label history has no clock (counted nowhere rather than guessed)", () => {
    const sla = model({ open: [issue({ labels: ["MktgOpsPriority:: 00-Urgent"] })] }).sla;
    expect(sla.rows.reduce((n, r) => n + r.running.value + r.atRisk.value + r.breached.value, 0)).toBe(0);
  });
});

describe("current milestone", () => {
  it("committed, completed (closed or in a completed step), the burn-up by day and rollovers", () => {
    const inMilestone = { milestone: CURRENT };
    const working = labelled([["MktgOps::04: In Progress", "2026-11-10T14:00:00Z"]], { iid: 1, createdAt: new Date("2026-11-10T14:00:00Z"), ...inMilestone });
    const done = labelled([["MktgOps::04: In Progress", "2026-11-10T14:00:00Z"], ["MktgOps::08: Completed", "2026-11-17T15:00:00Z"]], { iid: 2, createdAt: new Date("2026-11-10T14:00:00Z"), ...inMilestone });
    const added = labelled([["MktgOps::00: Triage", "2026-11-17T18:00:00Z"]], { iid: 3, createdAt: new Date("2026-11-17T18:00:00Z"), ...inMilestone });
    const other = labelled([["MktgOps::04: In Progress", "2026-11-10T14:00:00Z"]], { iid: 4 });
    const closed = issue({ iid: 5, state: "closed", createdAt: new Date("2026-11-05T14:00:00Z"), closedAt: new Date("2026-11-16T20:00:00Z"), ...inMilestone });
    const m = model({
      open: [working, done, added, other],
      milestone: { current: CURRENT, closed: [closed], rolledOver: new Map([[`${working.projectPath}#1`, ["MktgOps 2026-11-02"]]]) },
    }).milestone!;
    expect([m.committed.value, m.completed, m.closed.value, m.completedOpen.value, m.open.value]).toEqual([4, 2, 1, 1, 2]);
    expect(m.burnUp).toEqual([
      { date: "2026-11-16", scope: 3, completed: 1 },
      { date: "2026-11-17", scope: 4, completed: 2 },
      { date: "2026-11-18", scope: 4, completed: 2 },
    ]);
    expect(m.rolledOver.map((r) => [r.ref.split("#")[1], r.from])).toEqual([["1", ["MktgOps 2026-11-02"]]]);
    expect(m.committed.href).toBe(`${GL}/groups/gitlab-com/marketing/-/issues?state=all&milestone_title=MktgOps%202026-11-16`);
  });
});

describe("tools and the page", () => {
  it("overdue audits first, renewals by date with their issue", () => {
    const audit = (tool: string, dueDate: string) => ({ issue: issue({ title: `Tool user audit: ${tool}` }), tool, period: "2026-Q4", dueDate });
    const t = model({
      audits: [audit("Marketo", "2026-12-01"), audit("ZoomInfo", "2026-11-10")],
      renewals: [{ tool: "Marketo", tier: 1, renewalDate: "2027-01-31", issue: null }],
    }).tools;
    expect(t.audits.map((a) => [a.tool, a.overdue])).toEqual([
      ["ZoomInfo", true],
      ["Marketo", false],
    ]);
    expect(t.openAudits.value).toBe(2);
    expect(t.renewals).toEqual([{ tool: "Marketo", tier: 1, renewalDate: "2027-01-31", daysLeft: 74, issue: null }]);
  });

  it("escapes what people wrote and links every number", () => {
    const evil = labelled([["MktgOps::07: Blocked", "2026-10-01T14:00:00Z"]], { iid: 9, title: `<script>alert("x")</script> & /close`, assignees: [user("<b>eve</b>")] });
    const html = renderReportHtml(model({ open: [evil] }));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; /close");
    expect(html).toContain("&lt;b&gt;eve&lt;/b&gt;");
    const counts = [...html.matchAll(/<a class="count" data-count="[^"]*" data-value="\d+" href="([^"]*)">/g)];
    expect(counts.length).toBeGreaterThan(40);
    for (const [, href] of counts) expect(href).toMatch(/^(https:\/\/gitlab\.example\.com\/|#)/);
    const secret = labelled([["MktgOps::07: Blocked", "2026-10-01T14:00:00Z"]], { iid: 10, title: "Layoffs: revoke tool seats", confidential: true });
    const published = renderReportHtml(model({ open: [secret] }));
    expect(published).not.toContain("Layoffs");
    expect(published).toContain("a confidential issue</a>");
    // Its row in the stuck list does not say which stage label it carries either.
    const stuckRow = published.split("\n").find((l) => l.includes("a confidential issue</a>"))!;
    expect(stuckRow).not.toContain("Blocked");
    expect(stuckRow).toContain("in its stage");
    // No current milestone: no burn-up, the section says so.
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain("No current milestone");
  });
});
