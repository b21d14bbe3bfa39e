/**
 * The tool-audits job end to end: the shipped tools.yml, the GitLab adapter over HTTP and the fake
 * GitLab. One issue per tool and period whatever the number of runs, also after a run that died
 * half-way; weekly reminders on overdue audits; nothing written in a dry run.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { markersIn } from "../../src/domain/markers.js";
import type { GitLabPlatform } from "../../src/gitlab/index.js";
import type { RunReport } from "../../src/engine/report.js";
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

async function run(options: { at?: string; dryRun?: boolean; wrap?: (p: GitLabPlatform) => GitLabPlatform } = {}): Promise<RunReport> {
  const runtime = await sb.runtime({ dryRun: options.dryRun ?? false });
  const platform = options.wrap ? options.wrap(runtime.platform) : runtime.platform;
  const clock = options.at ? () => new Date(options.at!) : runtime.clock;
  return runToolAudits({ ...runtime, platform, clock, dryRun: options.dryRun ?? false });
}

const auditIssues = () => sb.fake.issues(sb.projects.mops).filter((i) => i.labels.includes("Mktg Tool Audit")).map((i) => sb.fake.issue(sb.projects.mops, i.iid));
const markersOf = (issues: { description: string | null }[]) => issues.flatMap((i) => markersIn(i.description ?? ""));
const creations = (r: RunReport) => r.resources.flatMap((x) => x.actions).filter((a) => a.type === "create_issue");
const botNotes = (iid: number) => sb.fake.issue(sb.projects.mops, iid).notes.filter((n) => n.author === sb.policy.scope.botUsername);

/** A platform whose process "dies" during the n-th issue creation: that POST reaches GitLab, nothing after it does. */
function dyingAt(n: number) {
  return (platform: GitLabPlatform): GitLabPlatform => {
    let calls = 0;
    return new Proxy(platform, {
      get(target, prop) {
        if (prop === "createIssue") {
          return async (input: Parameters<GitLabPlatform["createIssue"]>[0]) => {
            calls++;
            if (calls > n) throw new Error("process killed");
            const outcome = await target.createIssue(input);
            if (calls === n) throw new Error("process killed after GitLab created the issue");
            return outcome;
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
}

describe("mops-bot run tool-audits against the fake GitLab", () => {
  it("a dry run lists one audit issue per tool and writes nothing", async () => {
    const report = await run({ dryRun: true });
    expect(creations(report)).toHaveLength(TOOLS);
    expect(sb.fake.writes()).toEqual([]);
  });

  it("creates one audit issue per tool for its current period, labelled, dated and mentioning the owner", async () => {
    const report = await run();
    expect(report.errors).toEqual([]);
    expect(creations(report)).toHaveLength(TOOLS);
    const issues = auditIssues();
    expect(issues).toHaveLength(TOOLS);
    const zoom = issues.find((i) => i.title === "Tool user audit: ZoomInfo — 2026-11")!;
    expect(zoom.labels.sort()).toEqual(["Mktg Tool Audit", "ZoomInfo"]);
    expect(zoom.author).toBe(sb.policy.scope.botUsername);
    expect(zoom.dueDate).toBe("2026-12-03");
    expect(zoom.description).toMatch(/@mops\.member[23]/);
    // Assigned to the owner the description names (user ids found by username).
    expect(zoom.assignees).toHaveLength(1);
    expect(zoom.description).toContain(`@${zoom.assignees[0]}`);
    expect(issues.every((i) => i.assignees.length === 1)).toBe(true);
    expect(zoom.description).toContain("**30 days**");
    expect(issues.find((i) => i.title === "Tool user audit: Marketo — 2026-Q4")).toBeDefined();
    expect(issues.find((i) => i.title === "Tool user audit: Typeform — 2026-H2")).toBeDefined();
    // Only issue creations: no labels created, no notes.
    expect(new Set(sb.fake.writes().map((w) => w.route))).toEqual(new Set(["POST /projects/:id/issues"]));
    expect(sb.fake.createdLabels).toEqual([]);
  });

  it("a second run creates nothing and writes nothing", async () => {
    await run();
    sb.fake.resetCounters();
    const second = await run();
    expect(creations(second)).toEqual([]);
    expect(second.errors).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(auditIssues()).toHaveLength(TOOLS);
    // One listing per label (audits, renewals) and the bot's own user: nothing per tool.
    expect(second.apiRequests.total).toBeLessThanOrEqual(4);
  });

  it("after a run killed half-way, the next run completes the set: exactly one issue per tool and period", async () => {
    const killed = await run({ wrap: dyingAt(7) });
    expect(killed.errors.length).toBe(TOOLS - 6);
    expect(auditIssues()).toHaveLength(7); // the 7th POST reached GitLab before the process died
    const rerun = await run();
    expect(rerun.errors).toEqual([]);
    expect(creations(rerun)).toHaveLength(TOOLS - 7);
    const markers = markersOf(auditIssues());
    expect(markers).toHaveLength(TOOLS);
    expect(new Set(markers).size).toBe(TOOLS);
    expect(creations(await run())).toEqual([]);
  });

  it("with half the POSTs' answers lost after GitLab made the issue, every tool still gets exactly one issue", async () => {
    sb.fake.faults.rateLostPost = 0.5;
    const report = await run();
    sb.fake.faults.rateLostPost = 0;
    expect(report.errors).toEqual([]);
    expect(sb.fake.requests.filter((r) => r.method === "POST" && r.status === 504).length).toBeGreaterThan(0);
    const markers = markersOf(auditIssues());
    expect(markers).toHaveLength(TOOLS);
    expect(new Set(markers).size).toBe(TOOLS);
    expect(creations(report)).toHaveLength(TOOLS);
  });

  it("closes a second issue the bot made for the same period, with a note linking the first, and reports it", async () => {
    await run();
    const zoom = auditIssues().find((i) => i.title === "Tool user audit: ZoomInfo — 2026-11")!;
    const twin = sb.fake.addIssue(sb.projects.mops, { title: zoom.title, description: zoom.description ?? "", labels: zoom.labels, author: sb.policy.scope.botUsername });
    // A person's copy of the marker is not the bot's issue: left alone.
    const copy = sb.fake.addIssue(sb.projects.mops, { title: "my notes", description: zoom.description ?? "", labels: zoom.labels, author: "mops.member2" });
    const report = await run();
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
    await run();
    expect(sb.fake.writes()).toEqual([]);
  });

  it("a new month opens only the monthly audits; a new year opens every tool's", async () => {
    await run({ at: "2026-11-30T15:00:00Z" });
    expect(auditIssues()).toHaveLength(TOOLS);
    const december = await run({ at: "2026-12-01T15:00:00Z" });
    expect(creations(december).map((a) => (a as { title: string }).title)).toEqual(["Tool user audit: ZoomInfo — 2026-12"]);
    const january = await run({ at: "2027-01-04T15:00:00Z" });
    expect(creations(january)).toHaveLength(TOOLS);
    expect(new Set(markersOf(auditIssues())).size).toBe(2 * TOOLS + 1);
  });

  it("reminds the owner of an overdue audit once a week, and not once it is closed", async () => {
    await run({ at: "2026-11-02T15:00:00Z" }); // due 2026-11-16 for every tool
    const zoom = auditIssues().find((i) => i.title === "Tool user audit: ZoomInfo — 2026-11")!;
    expect(zoom.dueDate).toBe("2026-11-16");
    await run({ at: "2026-11-16T20:00:00Z" });
    expect(botNotes(zoom.iid)).toEqual([]);
    const week1 = await run({ at: "2026-11-17T15:00:00Z" });
    expect(week1.resources.filter((r) => r.actions.some((a) => a.type === "comment"))).toHaveLength(TOOLS);
    expect(botNotes(zoom.iid)).toHaveLength(1);
    expect(botNotes(zoom.iid)[0]!.body).toContain("was due on **2026-11-16 (Monday)**");
    await run({ at: "2026-11-20T15:00:00Z" });
    expect(botNotes(zoom.iid)).toHaveLength(1);
    await run({ at: "2026-11-24T15:00:00Z" });
    expect(botNotes(zoom.iid)).toHaveLength(2);
    sb.fake.updateIssue(sb.projects.mops, zoom.iid, { stateEvent: "close" }, { as: "mops.member2" });
    await run({ at: "2026-12-02T15:00:00Z" });
    expect(botNotes(zoom.iid)).toHaveLength(2);
  });
});
