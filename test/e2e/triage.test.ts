/**
 * The five shipped triage sweeps end to end: the shipped policies, the GitLab adapter over HTTP and
 * the fake GitLab seeded with the demo board plus resources for each sweep. What each rule should
 * select is computed here from the fake's state before the run, independently of the rule code.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../src/domain/calendar.js";
import { markersIn } from "../../src/domain/markers.js";
import type { RunReport } from "../../src/engine/report.js";
import { runSweep } from "../../src/jobs/sweep.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { main } from "../../src/cli.js";
import { runSlaJob } from "../../src/jobs/sla.js";
import { explainCommand } from "../../src/triage/commands.js";
import { summaryMarker } from "../../src/triage/summaries.js";
import type { IssuableView } from "../support/fakeGitlab/index.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

const DAY = 86_400_000;
const ago = (days: number) => new Date(SANDBOX_NOW.getTime() - days * DAY);

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

interface Seeded {
  sb: Sandbox;
  handbook: string;
}

/** The demo board plus resources each shipped sweep should (or should not) select. */
async function seeded(): Promise<Seeded> {
  const sb = await startSandbox();
  sandboxes.push(sb);
  const mops = sb.projects.mops;
  const handbook = sb.policy.scope.projects.find((p) => p.roles.includes("handbook"))!.path;
  const f = sb.fake;
  // Untouched for 45 days.
  f.addIssue(mops, { title: "Old Marketo field audit", labels: ["MktgOps::02: Ready for Assignment", "MktgOpsPriority:: 03-Low"], author: "erin.sdr", assignees: ["mops.member2"], createdAt: ago(60), updatedAt: ago(45) });
  // Old, but a person commented 5 days ago (GitLab moves updated_at with the comment).
  const talked = f.addIssue(mops, { title: "Old issue someone still discusses", labels: ["MktgOps::03: Assigned", "MktgOpsPriority:: 02-Medium"], author: "erin.sdr", assignees: ["mops.member3"], createdAt: ago(60), updatedAt: ago(5) });
  f.addNote(mops, talked.iid, { body: "Still waiting for the vendor.", author: "mops.member3", createdAt: ago(5) });
  // Old; only the bot wrote lately (its own writes must not count as a touch).
  const botOnly = f.addIssue(mops, { title: "Old issue only the bot touched", labels: ["MktgOps::03: Assigned", "MktgOpsPriority:: 02-Medium"], author: "erin.sdr", createdAt: ago(70), updatedAt: ago(2) });
  f.addNote(mops, botOnly.iid, { body: "A reminder.", author: sb.policy.scope.botUsername, createdAt: ago(2) });
  // Unlabelled, and in triage for a long time / a short time.
  f.addIssue(mops, { title: "Request without any label", author: "dan.fieldmktg", createdAt: ago(1) });
  const longTriage = f.addIssue(mops, { title: "Waiting in triage since last month", author: "frank.abm", createdAt: ago(40), updatedAt: ago(40) });
  f.setIssueLabels(mops, longTriage.iid, ["MktgOps::00: Triage"], { as: "frank.abm", at: ago(20) });
  const freshTriage = f.addIssue(mops, { title: "Just entered triage", author: "frank.abm", createdAt: ago(40), updatedAt: ago(40) });
  f.setIssueLabels(mops, freshTriage.iid, ["MktgOps::00: Triage", "MktgOpsPriority:: 01-High"], { as: "frank.abm", at: ago(1) });
  // Milestone merge requests: the team's milestones live in the top group (gitlab-com), so the
  // handbook project's merge requests carry them. A draft without the team's label is not theirs.
  const hb = ["MktgOps - HB Update"];
  f.addMergeRequest(handbook, { title: "Draft: MktgOps milestone MR (past)", milestone: sb.milestones.past, labels: hb, author: "mops.member1", createdAt: ago(25), sourceBranch: "mr-past" });
  f.addMergeRequest(handbook, { title: "MktgOps milestone MR (past, ready)", milestone: sb.milestones.past, labels: hb, author: "mops.member1", createdAt: ago(25), sourceBranch: "mr-ready" });
  f.addMergeRequest(handbook, { title: "Draft: MktgOps milestone MR (current)", milestone: sb.milestones.current, labels: hb, author: "mops.member2", createdAt: ago(5), sourceBranch: "mr-current" });
  f.addMergeRequest(handbook, { title: "Draft: another team's page", milestone: sb.milestones.past, author: "erin.sdr", createdAt: ago(25), sourceBranch: "other-team" });
  return { sb, handbook };
}

/** What each shipped rule selects, computed from the fake's state with plain code. */
function expectedSelections({ sb, handbook }: Seeded): Record<string, string[]> {
  const policy = sb.policy;
  const calendar = createBusinessCalendar(policy.calendar);
  const bot = policy.scope.botUsername;
  const canon = (l: string) => policy.taxonomy.canonical(l) ?? l;
  const open = (i: IssuableView) => i.state === "opened";
  const issues = sb.fake.issues(sb.projects.mops).filter(open);
  const labels = (i: IssuableView) => i.labels.map(canon);
  const summary = (i: IssuableView) => i.labels.includes("mops-bot summary");
  const refs = (list: IssuableView[]) => list.map((i) => i.ref).sort();

  const triageSince = (i: IssuableView) => {
    const adds = i.labelEvents.filter((e) => e.action === "add" && e.label !== null && canon(e.label) === "MktgOps::00: Triage").map((e) => new Date(e.createdAt));
    return adds.reduce((a, b) => (b > a ? b : a), new Date(i.createdAt));
  };
  const lastPersonTouch = (i: IssuableView) =>
    [new Date(i.createdAt), ...i.notes.filter((n) => n.author !== bot).map((n) => new Date(n.createdAt)), ...i.labelEvents.filter((e) => e.user !== bot).map((e) => new Date(e.createdAt))].reduce((a, b) => (b > a ? b : a));
  const today = calendar.today(SANDBOX_NOW);
  const pastMilestones = new Set(sb.fake.milestones().filter((m) => m.state === "closed" || (m.dueDate !== null && m.dueDate < today)).map((m) => m.title));

  return {
    "triage:triage-dri-ping": refs(issues.filter((i) => !summary(i) && labels(i).includes("MktgOps::00: Triage") && calendar.businessDaysBetween(triageSince(i), SANDBOX_NOW) > 5)),
    "triage:missing-priority": refs(issues.filter((i) => !summary(i) && !labels(i).includes("MktgOps - List Import") && !labels(i).includes("MktgOps - FYI") && !labels(i).some((l) => l.startsWith("MktgOpsPriority::")))),
    "triage:unlabelled-triage": refs(issues.filter((i) => i.labels.length === 0)),
    "triage:untouched-30-days": refs(issues.filter((i) => !summary(i) && SANDBOX_NOW.getTime() - lastPersonTouch(i).getTime() > 30 * DAY)),
    "triage:milestone-mr-expired": refs(sb.fake.mergeRequests(handbook).filter((m) => open(m) && m.draft && m.labels.includes("MktgOps - HB Update") && m.milestone !== null && pastMilestones.has(m.milestone))),
  };
}

async function sweep(sb: Sandbox, options: { only?: string[]; policy?: (p: CompiledPolicy) => CompiledPolicy } = {}): Promise<RunReport> {
  const runtime = await sb.runtime();
  const policy = options.policy ? options.policy(runtime.policy) : runtime.policy;
  return runSweep({ ...runtime, policy, dryRun: false, ...(options.only ? { only: options.only } : {}) });
}

const actedOn = (report: RunReport, rule: string) => report.resources.filter((r) => r.actions.some((a) => a.rule === rule && a.type !== "create_issue" && a.type !== "update_issue")).map((r) => r.ref).sort();

/** Labels and bot notes of every issue and merge request, by reference. */
function endState(sb: Sandbox): Record<string, { labels: string[]; notes: string[]; state: string }> {
  const bot = sb.policy.scope.botUsername;
  const out: Record<string, { labels: string[]; notes: string[]; state: string }> = {};
  for (const r of [...sb.fake.issues(), ...sb.fake.mergeRequests()]) {
    out[r.ref] = { labels: [...r.labels].sort(), notes: r.notes.filter((n) => n.author === bot).map((n) => n.body), state: r.state };
  }
  return out;
}

describe("the shipped triage sweeps against the fake GitLab", () => {
  it("each rule acts on exactly the resources its conditions select, the summary lists them, and a second run writes nothing", async () => {
    const s = await seeded();
    const expected = expectedSelections(s);
    for (const [rule, refs] of Object.entries(expected)) expect(refs.length, `${rule} selects something in the test data`).toBeGreaterThan(0);

    const report = await sweep(s.sb, { only: ["triage"] });
    expect(report.errors).toEqual([]);
    for (const rule of ["triage:triage-dri-ping", "triage:unlabelled-triage", "triage:milestone-mr-expired"]) {
      expect(actedOn(report, rule), rule).toEqual(expected[rule]);
    }
    // Priorities are set by people in the bi-weekly meeting: the issues waiting for one are only listed.
    expect(actedOn(report, "triage:missing-priority")).toEqual([]);

    // Each summary: one issue, found again by its marker, listing exactly the selected issues.
    for (const id of ["untouched-30-days", "missing-priority"]) {
      const summaries = s.sb.fake.issues(s.sb.projects.mops).filter((i) => markersIn(i.description ?? "").includes(summaryMarker(id)));
      expect(summaries, id).toHaveLength(1);
      const listed = [...(summaries[0]!.description ?? "").matchAll(/\) (\S+#\d+)/g)].map((m) => m[1]).sort();
      expect(listed, id).toEqual(expected[`triage:${id}`]);
      expect(summaries[0]!.labels).toEqual(["mops-bot summary"]);
      expect(summaries[0]!.author).toBe(s.sb.policy.scope.botUsername);
      expect(report.resources.some((r) => r.actions.some((a) => a.type === "create_issue" && a.rule === `triage:${id}`))).toBe(true);
    }

    // What the actions did.
    const mops = s.sb.projects.mops;
    const byTitle = (title: string) => s.sb.fake.issues(mops).find((i) => i.title === title)!;
    expect(byTitle("Request without any label").labels).toContain("MktgOps::00: Triage");
    expect(byTitle("Request without any label").labels.filter((l) => l.startsWith("MktgOpsPriority"))).toEqual([]);
    expect(byTitle("Request without any label").notes).toEqual([]);
    const ping = byTitle("Waiting in triage since last month").notes.filter((n) => n.author === s.sb.policy.scope.botUsername);
    expect(ping).toHaveLength(1);
    expect(ping[0]!.body).toContain("@mops.member1");
    expect(byTitle("Just entered triage").notes).toEqual([]);
    const mr = s.sb.fake.mergeRequests(s.handbook).find((m) => m.title.includes("(past)"))!;
    expect(mr.notes.filter((n) => n.author === s.sb.policy.scope.botUsername)).toHaveLength(1);
    // Never a label outside the taxonomy, never a quick action run by the bot.
    expect(s.sb.fake.createdLabels.filter((l) => l.by === s.sb.policy.scope.botUsername)).toEqual([]);
    expect(s.sb.fake.quickActionsExecuted.filter((q) => q.by === s.sb.policy.scope.botUsername)).toEqual([]);

    s.sb.fake.resetCounters();
    const second = await sweep(s.sb, { only: ["triage"] });
    expect(second.errors).toEqual([]);
    expect(second.resources).toEqual([]);
    expect(s.sb.fake.writes()).toEqual([]);
  });

  it("a dry run reports the same actions and the summary issue it would create, and writes nothing", async () => {
    const s = await seeded();
    const expected = expectedSelections(s);
    const runtime = await s.sb.runtime({ dryRun: true });
    const report = await runSweep({ ...runtime, dryRun: true, only: ["triage"] });
    expect(actedOn(report, "triage:missing-priority")).toEqual([]);
    expect(actedOn(report, "triage:unlabelled-triage")).toEqual(expected["triage:unlabelled-triage"]);
    expect(report.resources.filter((r) => r.actions.some((a) => a.type === "create_issue")).flatMap((r) => r.actions.map((a) => a.rule)).sort()).toEqual(["triage:missing-priority", "triage:untouched-30-days"]);
    expect(report.resources.find((r) => r.actions.some((a) => a.type === "create_issue"))?.ref).toBe(`${s.sb.projects.mops} (new issue)`);
    expect(s.sb.fake.writes()).toEqual([]);
  });

  it("the order of the rules does not change the result", async () => {
    const a = await seeded();
    const b = await seeded();
    const ra = await sweep(a.sb);
    const rb = await sweep(b.sb, { policy: (p) => ({ ...p, triage: [...(p.triage ?? [])].reverse(), workflows: [...p.workflows].reverse() }) });
    expect(ra.errors).toEqual([]);
    expect(rb.errors).toEqual([]);
    expect(endState(b.sb)).toEqual(endState(a.sb));
    expect(rb.resources.map((r) => r.ref)).toEqual(ra.resources.map((r) => r.ref));
  });

  it("an update of the summary edits the one issue when the selection changes", async () => {
    const s = await seeded();
    await sweep(s.sb, { only: ["triage"] });
    const old = s.sb.fake.issues(s.sb.projects.mops).find((i) => i.title === "Old Marketo field audit")!;
    // A person touches it (a label change: GitLab moves updated_at and records the event).
    s.sb.fake.setIssueLabels(s.sb.projects.mops, old.iid, [...old.labels, "Marketo"], { as: "mops.member2" });
    s.sb.fake.resetCounters();
    const report = await sweep(s.sb, { only: ["triage"] });
    expect(report.resources.flatMap((r) => r.actions.map((a) => a.type))).toEqual(["update_issue"]);
    const summaries = s.sb.fake.issues(s.sb.projects.mops).filter((i) => markersIn(i.description ?? "").includes(summaryMarker("untouched-30-days")));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.description).not.toContain(old.ref);
  });

  it("rules explain reads one resource and prints each condition with its value and result; nothing is written", async () => {
    const s = await seeded();
    const waiting = s.sb.fake.issues(s.sb.projects.mops).find((i) => i.title === "Waiting in triage since last month")!;
    const runtime = await s.sb.runtime({ dryRun: true });
    const text = await explainCommand("triage-dri-ping", waiting.ref, runtime);
    expect(text).toContain("triage:triage-dri-ping on " + waiting.ref);
    expect(text).toMatch(/✓ ~"MktgOps::00: Triage" has been on it for more than 5 business days — on for \d+(\.\d)? business days \(since 2026-10-29\)/);
    expect(text).toContain("Result: the rule selects it.");
    expect(text).toContain("note to the people on it (marker triage:triage-dri-ping)");
    const fresh = s.sb.fake.issues(s.sb.projects.mops).find((i) => i.title === "Just entered triage")!;
    expect(await explainCommand("triage:triage-dri-ping", fresh.ref, runtime)).toContain("Result: the rule does not select it.");
    await expect(explainCommand("triage-dri-pong", fresh.ref, runtime)).rejects.toThrow(/Unknown rule "triage-dri-pong"/);
    expect(s.sb.fake.writes()).toEqual([]);
  });

  it("--only takes a triage rule by its own id, as rules explain does, and runs that rule alone", async () => {
    const s = await seeded();
    const expected = expectedSelections(s)["triage:triage-dri-ping"];
    const runtime = await s.sb.runtime({ dryRun: true });
    const report = await runSweep({ ...runtime, dryRun: true, only: ["triage-dri-ping"] });
    expect(new Set(report.resources.flatMap((r) => r.actions.map((a) => a.rule)))).toEqual(new Set(["triage:triage-dri-ping"]));
    expect(expected!.length).toBeGreaterThan(0);
    expect(actedOn(report, "triage:triage-dri-ping")).toEqual(expected);
    expect(s.sb.fake.writes()).toEqual([]);
  });

  it("rules list prints every rule with its triggers", async () => {
    let out = "";
    const code = await main(["node", "mops-bot", "rules", "list"], { out: (t) => (out += `${t}\n`), err: (t) => (out += t) });
    expect(code).toBe(0);
    for (const id of ["triage:triage-dri-ping", "triage:missing-priority", "triage:unlabelled-triage", "triage:untouched-30-days", "triage:milestone-mr-expired", "label-hygiene"]) expect(out).toContain(id);
    expect(out).toContain("summary: gathered over the whole sweep into one issue");
  });

  it("C4: an issue nobody prioritised gets no priority from the sweep, so the SLA job never warns or breaches on it", async () => {
    // Handbook 000_3a3b18768e4599ed.txt:265-269: priorities are set in the bi-weekly meeting, by people.
    let now = SANDBOX_NOW;
    const sb = await startSandbox({ clock: () => now });
    sandboxes.push(sb);
    const mops = sb.projects.mops;
    const { iid } = sb.fake.addIssue(mops, {
      title: "Nurture stream for the webinar",
      description: "As a field marketer, I would like a nurture stream, so that attendees hear from us.",
      labels: ["MktgOps::04: In Progress"],
      milestone: sb.milestones.current,
      assignees: ["mops.member2"],
      author: "dan.fieldmktg",
      createdAt: ago(40),
    });
    const runtime = async () => ({ ...(await sb.runtime()), dryRun: false });
    const sweepReport = await runSweep({ ...(await runtime()), only: ["triage"] });
    expect(sweepReport.errors).toEqual([]);
    const waiting = sb.fake.issues(mops).find((i) => markersIn(i.description ?? "").includes(summaryMarker("missing-priority")))!;
    expect(waiting.description).toContain(`${mops}#${iid}`);

    for (const days of [0, 20, 90]) {
      now = new Date(SANDBOX_NOW.getTime() + days * DAY);
      const sla = await runSlaJob(await runtime());
      expect(sla.errors, `${days} days later`).toEqual([]);
      const seen = sb.fake.issue(mops, iid);
      expect(seen.labels, `${days} days later`).toEqual(["MktgOps::04: In Progress"]);
      expect(seen.notes.filter((n) => n.author === sb.policy.scope.botUsername), `${days} days later`).toEqual([]);
    }
  });
});
