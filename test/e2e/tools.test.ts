/**
 * The tool-audits job end to end: the shipped tools.yml, the GitLab adapter over HTTP and the fake
 * GitLab. A tool with a technical owner gets its own audit issue, assigned to that owner; the tools
 * without one are listed in one issue for the MOps tools DRI. One issue per audit whatever the
 * number of runs, also after a run that died half-way; no reminders unless tools.yml asks for one,
 * and then one; nothing written in a dry run.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markersIn } from "../../src/domain/markers.js";
import type { GitLabPlatform } from "../../src/gitlab/index.js";
import type { RunReport } from "../../src/engine/report.js";
import type { ScopeActionOutcome, ScopeApplyResult, ScopePlan } from "../../src/engine/scopePlan.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { collectReportInput } from "../../src/report/collect.js";
import { runToolAudits } from "../../src/tools/job.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(async () => {
  await sb.close();
});

const TOOLS = 40;
const LIST_TITLE = "Tool user audits without a technical owner";

/** The shipped tools.yml with owners named: `owners` by tool name, or one owner for every tool. */
function withOwners(owners: Record<string, string> | string): CompiledPolicy {
  const tools = sb.policy.tools!;
  const ownerOf = (name: string) => (typeof owners === "string" ? owners : (owners[name] ?? null));
  return { ...sb.policy, tools: { ...tools, tools: tools.tools.map((t) => ({ ...t, owner: ownerOf(t.name) })) } };
}
const allOwned = () => withOwners("mops.member3");
const withReminders = (): CompiledPolicy => ({ ...sb.policy, tools: { ...sb.policy.tools!, audits: { ...sb.policy.tools!.audits, reminderTemplate: "tool-audit-reminder" } } });

async function run(options: { at?: string; dryRun?: boolean; wrap?: (p: GitLabPlatform) => GitLabPlatform; policy?: CompiledPolicy } = {}): Promise<RunReport> {
  const runtime = await sb.runtime({ dryRun: options.dryRun ?? false });
  const platform = options.wrap ? options.wrap(runtime.platform) : runtime.platform;
  const clock = options.at ? () => new Date(options.at!) : runtime.clock;
  return runToolAudits({ ...runtime, policy: options.policy ?? runtime.policy, platform, clock, dryRun: options.dryRun ?? false });
}

const auditIssues = () => sb.fake.issues(sb.projects.mops).filter((i) => i.labels.includes("Mktg Tool Audit")).map((i) => sb.fake.issue(sb.projects.mops, i.iid));
const markersOf = (issues: { description: string | null }[]) => issues.flatMap((i) => markersIn(i.description ?? ""));
const creations = (r: RunReport) => r.resources.flatMap((x) => x.actions).filter((a) => a.type === "create_issue");
const botNotes = (iid: number) => sb.fake.issue(sb.projects.mops, iid).notes.filter((n) => n.author === sb.policy.scope.botUsername);

/** A platform whose process "dies" during the n-th issue creation: that POST reaches GitLab, nothing after it does. */
function dyingAt(n: number) {
  return (platform: GitLabPlatform): GitLabPlatform => {
    let calls = 0;
    // Issue creations leave through applyScope: each ensure_issue action is one creation.
    const applyScope = async (plan: ScopePlan): Promise<ScopeApplyResult> => {
      const outcomes: ScopeActionOutcome[] = [];
      for (const action of plan.actions) {
        if (action.type === "ensure_issue") {
          calls++;
          if (calls > n) {
            outcomes.push({ action, error: new Error("process killed"), requests: [] });
            continue;
          }
        }
        const applied = (await platform.applyScope({ actions: [action] })).outcomes;
        outcomes.push(...(action.type === "ensure_issue" && calls === n ? [{ action, error: new Error("process killed after GitLab created the issue"), requests: [] }] : applied));
      }
      return { dryRun: false, writes: 0, outcomes };
    };
    return new Proxy(platform, {
      get(target, prop) {
        if (prop === "applyScope") return applyScope;
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
}

describe("mops-bot run tool-audits against the fake GitLab", () => {
  it("a dry run lists the one issue for the tools without an owner and writes nothing", async () => {
    const report = await run({ dryRun: true });
    expect(creations(report).map((a) => (a as { title: string }).title)).toEqual([`${LIST_TITLE} — 2026-11, 2026-Q4, 2026-H2`]);
    expect(sb.fake.writes()).toEqual([]);
  });

  it("with no owner in tools.yml: one issue lists every tool's audit, assigned to the tools DRI, mentioning nobody", async () => {
    const report = await run();
    expect(report.errors).toEqual([]);
    const issues = auditIssues();
    expect(issues).toHaveLength(1);
    const list = issues[0]!;
    expect(list.title).toBe(`${LIST_TITLE} — 2026-11, 2026-Q4, 2026-H2`);
    expect(list.author).toBe(sb.policy.scope.botUsername);
    expect(list.assignees).toEqual(["mops.member2"]);
    expect(list.labels).toEqual(["Mktg Tool Audit"]);
    expect(markersOf(issues)).toHaveLength(TOOLS);
    expect(list.description).toContain("**Canva** — tier 4, 2026-H2");
    expect(list.description).not.toMatch(/@/);
    expect(new Set(sb.fake.writes().map((w) => w.route))).toEqual(new Set(["POST /projects/:id/issues"]));
  });

  it("the report page shows the list once, as the audits of the tools without an owner", async () => {
    await run();
    const runtime = await sb.runtime({ dryRun: true });
    const input = await collectReportInput({ policy: runtime.policy, calendar: runtime.calendar, platform: runtime.platform, now: runtime.clock(), gitlabUrl: sb.fake.url, trendWeeks: 1, renewalsWithinDays: 120, historyLimit: 5 });
    expect(input.audits.map((a) => [a.issue.title, a.tool, a.dueDate])).toEqual([[`${LIST_TITLE} — 2026-11, 2026-Q4, 2026-H2`, `${TOOLS} tools without an owner`, "2026-12-31"]]);
  });

  it("a tool with an owner in tools.yml gets its own audit issue assigned to that owner; the rest stay one list", async () => {
    sb.fake.addUser({ username: "brand.designer" });
    const report = await run({ policy: withOwners({ Canva: "brand.designer", ZoomInfo: "mops.member3" }) });
    expect(report.errors).toEqual([]);
    const issues = auditIssues();
    expect(issues).toHaveLength(3);
    const canva = issues.find((i) => i.title === "Tool user audit: Canva — 2026-H2")!;
    expect(canva.assignees).toEqual(["brand.designer"]);
    expect(canva.description).toContain("@brand.designer");
    const zoom = issues.find((i) => i.title === "Tool user audit: ZoomInfo — 2026-11")!;
    expect(zoom.assignees).toEqual(["mops.member3"]);
    expect(zoom.labels.sort()).toEqual(["Mktg Tool Audit", "ZoomInfo"]);
    expect(zoom.dueDate).toBe("2026-11-30"); // the last day of its period
    expect(zoom.description).toContain("**30 days**");
    const list = issues.find((i) => i.title.startsWith(LIST_TITLE))!;
    expect(list.assignees).toEqual(["mops.member2"]);
    expect(markersOf([list])).toHaveLength(TOOLS - 2);
    expect(list.description).not.toContain("**Canva**");
  });

  it("a second run creates nothing and writes nothing", async () => {
    await run();
    sb.fake.resetCounters();
    const second = await run();
    expect(creations(second)).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(auditIssues()).toHaveLength(1);
    // One listing per label (audits, renewals) and the bot's own user: nothing per tool.
    expect(second.apiRequests.total).toBeLessThanOrEqual(4);
  });

  it("after a run killed half-way, the next run completes the set: exactly one issue per tool and period", async () => {
    const killed = await run({ wrap: dyingAt(7), policy: allOwned() });
    expect(killed.errors.length).toBe(TOOLS - 6);
    expect(auditIssues()).toHaveLength(7); // the 7th POST reached GitLab before the process died
    const rerun = await run({ policy: allOwned() });
    expect(rerun.errors).toEqual([]);
    expect(creations(rerun)).toHaveLength(TOOLS - 7);
    const markers = markersOf(auditIssues());
    expect(markers).toHaveLength(TOOLS);
    expect(new Set(markers).size).toBe(TOOLS);
    expect(creations(await run({ policy: allOwned() }))).toEqual([]);
    expect(creations(await run())).toEqual([]);
  });

  it("with half the POSTs' answers lost after GitLab made the issue, every tool still gets exactly one issue", async () => {
    sb.fake.faults.rateLostPost = 0.5;
    const report = await run({ policy: allOwned() });
    sb.fake.faults.rateLostPost = 0;
    expect(report.errors).toEqual([]);
    expect(sb.fake.requests.filter((r) => r.method === "POST" && r.status === 504).length).toBeGreaterThan(0);
    const markers = markersOf(auditIssues());
    expect(markers).toHaveLength(TOOLS);
    expect(new Set(markers).size).toBe(TOOLS);
    expect(creations(report)).toHaveLength(TOOLS);
  });

  it("closes a second issue the bot made for the same period, with a note linking the first, and reports it", async () => {
    await run({ policy: allOwned() });
    const zoom = auditIssues().find((i) => i.title === "Tool user audit: ZoomInfo — 2026-11")!;
    const twin = sb.fake.addIssue(sb.projects.mops, { title: zoom.title, description: zoom.description ?? "", labels: zoom.labels, author: sb.policy.scope.botUsername });
    // A person's copy of the marker is not the bot's issue: left alone.
    const copy = sb.fake.addIssue(sb.projects.mops, { title: "my notes", description: zoom.description ?? "", labels: zoom.labels, author: "mops.member2" });
    const report = await run({ policy: allOwned() });
    expect(report.errors).toEqual([]);
    expect(creations(report)).toEqual([]);
    const closed = sb.fake.issue(sb.projects.mops, twin.iid);
    expect(closed.state).toBe("closed");
    expect(botNotes(twin.iid)).toHaveLength(1);
    expect(botNotes(twin.iid)[0]!.body).toContain(`/-/issues/${zoom.iid}`);
    expect(sb.fake.issue(sb.projects.mops, zoom.iid).state).toBe("opened");
    expect(sb.fake.issue(sb.projects.mops, copy.iid).state).toBe("opened");
    const entry = report.resources.find((r) => r.ref.endsWith(`#${twin.iid}`))!;
    expect(entry.actions.map((a) => a.type)).toEqual(["close", "comment"]);
    // Done once: the next run leaves it be.
    sb.fake.resetCounters();
    await run({ policy: allOwned() });
    expect(sb.fake.writes()).toEqual([]);
  });

  it("a second renewal issue the bot made is closed with a note that names the renewal, not an audit period", async () => {
    const tools = sb.policy.tools!;
    const policy: CompiledPolicy = {
      ...sb.policy,
      tools: { ...tools, tools: tools.tools.map((t) => (t.name === "Marketo" ? { ...t, owner: "mops.member3", renewalDate: "2027-01-15" } : t)) },
    };
    const at = "2026-11-18T15:00:00Z";
    await run({ policy, at });
    const renewal = sb.fake.issues(sb.projects.mops).find((i) => i.labels.includes("Mktg Tool Renewal"))!;
    const original = sb.fake.issue(sb.projects.mops, renewal.iid);
    const twin = sb.fake.addIssue(sb.projects.mops, { title: original.title, description: original.description ?? "", labels: original.labels, author: sb.policy.scope.botUsername });
    const report = await run({ policy, at });
    expect(report.errors).toEqual([]);
    expect(sb.fake.issue(sb.projects.mops, twin.iid).state).toBe("closed");
    expect(botNotes(twin.iid)).toHaveLength(1);
    expect(botNotes(twin.iid)[0]!.body).toContain("for the same renewal;");
  });

  it("a second list the bot made for the same audits is closed once, with one note", async () => {
    await run();
    const list = auditIssues()[0]!;
    const twin = sb.fake.addIssue(sb.projects.mops, { title: list.title, description: list.description ?? "", labels: list.labels, author: sb.policy.scope.botUsername });
    const report = await run();
    expect(report.errors).toEqual([]);
    expect(sb.fake.issue(sb.projects.mops, twin.iid).state).toBe("closed");
    expect(botNotes(twin.iid)).toHaveLength(1);
    expect(report.resources.filter((r) => r.ref.endsWith(`#${twin.iid}`))).toHaveLength(1);
  });

  it("a new month lists only the monthly audit; a new year lists every tool's, each time in one issue", async () => {
    await run({ at: "2026-11-30T15:00:00Z" });
    expect(auditIssues()).toHaveLength(1);
    const december = await run({ at: "2026-12-01T15:00:00Z" });
    expect(creations(december).map((a) => (a as { title: string }).title)).toEqual([`${LIST_TITLE} — 2026-12`]);
    const january = await run({ at: "2027-01-04T15:00:00Z" });
    expect(creations(january).map((a) => (a as { title: string }).title)).toEqual([`${LIST_TITLE} — 2027-01, 2027-Q1, 2027-H1`]);
    expect(new Set(markersOf(auditIssues())).size).toBe(2 * TOOLS + 1);
  });

  it("with the shipped tools.yml, an overdue audit gets no reminder, week after week", async () => {
    await run({ at: "2026-11-02T15:00:00Z", policy: allOwned() });
    const zoom = auditIssues().find((i) => i.title === "Tool user audit: ZoomInfo — 2026-11")!;
    expect(zoom.dueDate).toBe("2026-11-30");
    for (const at of ["2026-12-01T15:00:00Z", "2026-12-08T15:00:00Z", "2026-12-29T15:00:00Z"]) {
      const report = await run({ at, policy: allOwned() });
      expect(report.resources.filter((r) => r.actions.some((a) => a.type === "comment"))).toEqual([]);
    }
    expect(botNotes(zoom.iid)).toEqual([]);
  });

  it("with a reminder template in tools.yml, an overdue audit gets one reminder, not one a week; none once it is closed", async () => {
    const policy = { ...withReminders(), tools: { ...withReminders().tools!, tools: allOwned().tools!.tools } };
    await run({ at: "2026-11-02T15:00:00Z", policy });
    const find = (title: string) => auditIssues().find((i) => i.title === title)!;
    const zoom = find("Tool user audit: ZoomInfo — 2026-11");
    const marketo = find("Tool user audit: Marketo — 2026-Q4");
    const litmus = find("Tool user audit: Litmus — 2026-H2");
    await run({ at: "2026-11-30T20:00:00Z", policy });
    expect(botNotes(zoom.iid)).toEqual([]);
    const overdue = await run({ at: "2026-12-01T15:00:00Z", policy });
    expect(overdue.resources.filter((r) => r.actions.some((a) => a.type === "comment")).map((r) => r.title)).toEqual([zoom.title]);
    expect(botNotes(zoom.iid)).toHaveLength(1);
    expect(botNotes(zoom.iid)[0]!.body).toContain("was due on **2026-11-30 (Monday)**");
    await run({ at: "2026-12-08T15:00:00Z", policy });
    await run({ at: "2026-12-22T15:00:00Z", policy });
    expect(botNotes(zoom.iid)).toHaveLength(1);
    sb.fake.updateIssue(sb.projects.mops, marketo.iid, { stateEvent: "close" }, { as: "mops.member3" });
    await run({ at: "2027-01-05T15:00:00Z", policy });
    expect(botNotes(marketo.iid)).toEqual([]);
    expect(botNotes(litmus.iid)).toHaveLength(1);
    expect(botNotes(zoom.iid)).toHaveLength(1);
  });
});
