/**
 * The sweep end to end: the shipped policies, the GitLab adapter over HTTP, and the fake GitLab
 * seeded with the demo board and its planted problems.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ISSUES } from "../../src/demo/board.js";
import type { Platform } from "../../src/engine/platform.js";
import { GitLabApiError } from "../../src/gitlab/index.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { renderReportText } from "../../src/engine/report.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(async () => {
  await sb.close();
});

async function sweep(dryRun = false, wrap?: (p: Platform) => Platform) {
  const runtime = await sb.runtime({ dryRun });
  const platform = wrap ? wrap(runtime.platform) : runtime.platform;
  return runSweep({ ...runtime, platform, dryRun });
}

const byTitle = (title: string) => {
  const d = DEMO_ISSUES.findIndex((x) => x.title === title);
  if (d < 0) throw new Error(`no demo issue "${title}"`);
  const project = sb.projects[DEMO_ISSUES[d]!.project];
  const found = sb.fake.issues(project).find((i) => i.title === title);
  if (!found) throw new Error(`issue "${title}" not seeded`);
  return sb.fake.issue(project, found.iid);
};
const botNotes = (title: string) => byTitle(title).notes.filter((n) => n.author === sb.policy.scope.botUsername);

describe("mops-bot sweep against the fake GitLab", () => {
  it("a dry run reads and reports but writes nothing", async () => {
    const report = await sweep(true);
    expect(report.dryRun).toBe(true);
    expect(report.resources.length).toBeGreaterThan(10);
    expect(sb.fake.writes()).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it("on a GitLab without resource_state_events, runs every other rule and reports which rules could not decide, once per cause", async () => {
    const full = await sweep(true);
    sb.fake.resetCounters();
    sb.fake.absentRoutes.add("/projects/:id/issues/:iid/resource_state_events");
    const report = await sweep(true);

    expect(report.errors).toEqual([]);
    expect(report.undecided.length).toBeGreaterThan(0);
    for (const u of report.undecided) {
      expect(u.history).toBe("stateEvents");
      expect(u.reason).toContain("GET /projects/:id/issues/:iid/resource_state_events");
      expect(u.reason).toContain("does not offer resource_state_events (GitLab 13.2 or newer has it)");
      expect(u.reason).not.toContain("scope.yml");
    }
    const undecidedRules = new Set(report.undecided.flatMap((u) => u.rules));
    // Every action of a rule that needs no close/reopen history is still planned, resource by resource.
    const keep = (r: (typeof full.resources)[number]) => ({ ref: r.ref, actions: r.actions.filter((a) => !undecidedRules.has(a.rule)).map((a) => `${a.rule}:${a.type}`) });
    const nonEmpty = (x: { actions: string[] }) => x.actions.length > 0;
    expect(report.resources.map(keep).filter(nonEmpty)).toEqual(full.resources.map(keep).filter(nonEmpty));
    expect(report.resources.length).toBeGreaterThan(10);

    const text = renderReportText(report);
    expect(text).toMatch(/\d+ resource\(s\) checked in part/);
    expect(text.match(/close\/reopen history, \d+ resource\(s\)/g)?.length).toBe(new Set(report.undecided.map((u) => `${u.reason}|${u.rules.join()}`)).size);
    expect(text).not.toContain("failed and were skipped");
  });

  it("repairs every planted problem, leaves healthy issues alone, and a second sweep writes nothing", async () => {
    const first = await sweep();
    expect(first.errors).toEqual([]);
    const plantedTitles = DEMO_ISSUES.filter((d) => d.planted).map((d) => d.title).sort();
    const boardTitles = new Set(DEMO_ISSUES.map((d) => d.title));
    expect(first.resources.filter((r) => r.actions.length > 0 && boardTitles.has(r.title)).map((r) => r.title).sort()).toEqual(plantedTitles);

    // Label hygiene
    expect(byTitle("Import booth scans from the AWS Summit").labels).toEqual(["MktgOps - List Import"]);
    expect(byTitle("Webcast follow-up cadence").labels.filter((l) => l.startsWith("MktgOps::"))).toEqual(["MktgOps::00: Triage"]);
    expect(byTitle("Security: rotate the Marketo API user").labels).toContain("MktgOpsPriority:: 00-Urgent");
    expect(byTitle("Security: rotate the Marketo API user").labels).not.toContain("MktgOpsPriority::00-Urgent");
    expect(byTitle("SFDC: campaign influence model update").labels).toContain("MktgOpsPrio::04: Actioned");
    expect(byTitle("SFDC: FLS for the new ABM fields").labels).toContain("MktgOpsPrio::01: In Approved");
    // Exclusivity: 04 was applied after 03
    expect(byTitle("Campaign member status clean-up").labels.filter((l) => l.startsWith("MktgOps::"))).toEqual(["MktgOps::04: In Progress"]);
    // Initial stage
    expect(byTitle("Email request: partner webinar invitation").labels.filter((l) => l.startsWith("MktgOps::"))).toEqual(["MktgOps::00: Triage"]);
    // Stage requirements: attention label and one note naming what is missing
    const bizible = byTitle("Bizible: fix duplicate touchpoints");
    expect(bizible.labels).toContain("mops-bot::needs-attention");
    expect(botNotes("Bizible: fix duplicate touchpoints")).toHaveLength(1);
    expect(botNotes("Bizible: fix duplicate touchpoints")[0]!.body).toContain("nobody is assigned");
    expect(botNotes("Bizible: fix duplicate touchpoints")[0]!.body).toContain("no milestone is set");
    // 07: a comment saying what blocks it is the team's wish, not the handbook's: one reminder, no label.
    expect(botNotes("ZoomInfo enrichment stopped for new leads").map((n) => n.body)).toEqual([expect.stringContaining("@mops.member1")]);
    expect(botNotes("ZoomInfo enrichment stopped for new leads")[0]!.body).toContain("only reminder");
    expect(byTitle("ZoomInfo enrichment stopped for new leads").labels).not.toContain("mops-bot::needs-attention");
    // Healthy issues untouched
    for (const d of DEMO_ISSUES.filter((x) => !x.planted)) {
      expect([...byTitle(d.title).labels].sort(), d.title).toEqual([...d.labels].sort());
      expect(botNotes(d.title), d.title).toEqual([]);
    }
    // Only PUTs with add/remove and note POSTs; never a full label overwrite, never a new label
    // (and the one summary issue a triage rule keeps)
    for (const w of sb.fake.writes()) expect(["PUT /projects/:id/issues/:iid", "POST /projects/:id/issues/:iid/notes", "POST /projects/:id/issues"]).toContain(w.route);
    expect(sb.fake.createdLabels.filter((l) => l.by === sb.policy.scope.botUsername)).toEqual([]);

    sb.fake.resetCounters();
    const second = await sweep();
    expect(second.resources.filter((r) => r.actions.length > 0)).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
  });

  it("posts a title with a quick action and @all harmlessly", async () => {
    await sweep();
    const title = DEMO_ISSUES.find((d) => d.title.includes("/close"))!.title;
    const issue = byTitle(title);
    expect(issue.state).toBe("opened");
    expect(sb.fake.quickActionsExecuted.filter((q) => q.by === sb.policy.scope.botUsername)).toEqual([]);
    for (const n of botNotes(title)) {
      expect(n.body.split("\n").some((l) => /^\s*\//.test(l))).toBe(false);
      expect(n.body).not.toMatch(/(^|\s)@all\b/);
    }
  });

  it("removes the attention label once a person fixes the issue, without a new note", async () => {
    await sweep();
    const title = "Contact Us form: route to the right queue";
    const { iid, project } = byTitle(title);
    expect(byTitle(title).labels).toContain("mops-bot::needs-attention");
    // 03 wants a milestone that is not the current one: the assignee slots it into the next.
    const next = sb.fake.milestones().find((m) => m.title === sb.milestones.next)!;
    sb.fake.updateIssue(project, iid, { milestoneId: next.id }, { as: "mops.member2", at: new Date("2026-11-18T15:00:01Z") });
    const notesBefore = botNotes(title).length;
    await sweep();
    expect(byTitle(title).labels).not.toContain("mops-bot::needs-attention");
    expect(botNotes(title)).toHaveLength(notesBefore);
  });

  it("reports a resource GitLab refuses and goes on with the others", async () => {
    const refused = byTitle("Bizible: fix duplicate touchpoints");
    const report = await sweep(false, (p) => ({
      ...p,
      list: p.list.bind(p),
      labelEvents: p.labelEvents.bind(p),
      notes: p.notes.bind(p),
      milestones: p.milestones.bind(p),
      get: p.get.bind(p),
      requestStats: p.requestStats.bind(p),
      apply: async (plan) => {
        if (plan.iid === refused.iid && plan.ref.path === refused.project) {
          throw new GitLabApiError({ status: 403, request: { method: "PUT", route: "/projects/:id/issues/:iid", endpoint: `/projects/${encodeURIComponent(refused.project)}/issues/${refused.iid}` }, gitlabMessage: "403 Forbidden", attempts: 1 });
        }
        return p.apply(plan);
      },
    }));
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]!.ref).toBe(refused.ref);
    expect(report.errors[0]!.message).toContain("403");
    expect(byTitle("Webcast follow-up cadence").labels).toContain("MktgOps::00: Triage");
    expect(byTitle("Webcast follow-up cadence").labels).not.toContain("MktgOps::0 - To Be Triaged");
  });

  it("reaches the same end state through injected 502s and 429s", async () => {
    // A note whose POST answers 502 three times in a row is left for the next run (a creating POST is
    // not blindly resent, src/gitlab/checkedPost.ts): at 15% that happened to about one sweep in
    // twenty; at 5% the faults still hit most requests' retries and the sweep must lose nothing.
    sb.fake.faults = { rate502: 0.05, rate429: 0.05, retryAfterSeconds: 1 };
    const report = await sweep();
    sb.fake.faults = {};
    expect(report.errors).toEqual([]);
    expect(report.apiRequests.retries).toBeGreaterThan(0);
    expect(byTitle("Campaign member status clean-up").labels.filter((l) => l.startsWith("MktgOps::"))).toEqual(["MktgOps::04: In Progress"]);
    expect(botNotes("Bizible: fix duplicate touchpoints")).toHaveLength(1);
    sb.fake.resetCounters();
    await sweep();
    expect(sb.fake.writes()).toEqual([]);
  });
});
