/**
 * The weekly digest end to end: the shipped policies, the fake GitLab seeded with the demo board,
 * the tool-audits job for overdue audits, and Slack faked on loopback.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runDigest, type DigestOptions } from "../../src/digest/job.js";
import type { SlaDigestSource } from "../../src/digest/sla.js";
import { markersIn } from "../../src/domain/markers.js";
import { createSlackNotifier } from "../../src/notify/slack.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { runToolAudits } from "../../src/tools/job.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
let slack: Server;
let slackUrl: string;
let posts: { text: string; blocks?: unknown }[];
let slackStatus: number;

beforeEach(async () => {
  sb = await startSandbox();
  posts = [];
  slackStatus = 200;
  slack = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (slackStatus === 200) posts.push(JSON.parse(body) as { text: string });
      res.writeHead(slackStatus, { "content-type": "text/plain" }).end(slackStatus === 200 ? "ok" : "server_error");
    });
  });
  await new Promise<void>((r) => slack.listen(0, "127.0.0.1", r));
  slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/hook`;
});
afterEach(async () => {
  await new Promise<void>((r) => slack.close(() => r()));
  await sb.close();
});

const notifier = (dryRun = false, printed: string[] = []) =>
  createSlackNotifier({ webhooks: { mktgops: slackUrl }, dryRun, logger: pino({ level: "silent" }), retry: { attempts: 2, baseMs: 1, maxMs: 2 }, sleep: async () => {}, print: (l) => printed.push(l), dryRunChannels: ["mktgops"] });

async function digest(at: string, options: DigestOptions & { dryRun?: boolean; policy?: CompiledPolicy } = {}) {
  const runtime = await sb.runtime({ dryRun: options.dryRun ?? false });
  return runDigest({ ...runtime, policy: options.policy ?? runtime.policy, clock: () => new Date(at), dryRun: options.dryRun ?? false }, { notifier: notifier(options.dryRun), ...options });
}

async function audits(at: string, policy?: CompiledPolicy) {
  const runtime = await sb.runtime();
  return runToolAudits({ ...runtime, policy: policy ?? runtime.policy, clock: () => new Date(at), dryRun: false });
}

const digestIssues = () => sb.fake.issues(sb.projects.mops).filter((i) => i.title.startsWith("MOps weekly digest")).map((i) => sb.fake.issue(sb.projects.mops, i.iid));
const bot = () => sb.policy.scope.botUsername;

describe("mops-bot run digest against the fake GitLab", () => {
  it("creates one digest issue for the week, posts once to Slack, and a rerun writes and posts nothing", async () => {
    const first = await digest("2026-11-18T15:00:00Z");
    expect(first.errors).toEqual([]);
    const [issue] = digestIssues();
    expect(digestIssues()).toHaveLength(1);
    expect(issue!.title).toBe("MOps weekly digest — 2026-W47");
    expect(issue!.labels).toEqual(["MktgOps - FYI"]);
    expect(markersIn(issue!.description!)).toEqual(["digest:2026-W47"]);
    // Triage: the demo's healthy triage issue was opened 30 days before and is listed, linked.
    expect(issue!.description).toMatch(/### Waiting in triage longer than 5 business days \(\d+\)/);
    expect(issue!.description).toMatch(/\[Import booth scans from the AWS Summit\]\(http[^)]+\/-\/issues\/\d+\) \([^)]+#\d+\) — in triage since 19 Oct$/m);
    expect(issue!.description).toMatch(/### Open issues without a MktgOpsPriority label \((\d+)\)/);
    expect(issue!.description).not.toMatch(/\[Lead scoring model refresh\]/); // it has MktgOpsPriority:: 01-High
    expect(issue!.description).toContain("### SLAs at risk or breached");
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0])).toContain(`/-/issues/${issue!.iid}|full digest issue>`);
    expect(sb.fake.issue(sb.projects.mops, issue!.iid).notes.filter((n) => n.author === bot()).map((n) => markersIn(n.body))).toEqual([["digest:slack:2026-W47"]]);

    sb.fake.resetCounters();
    const second = await digest("2026-11-18T15:00:00Z");
    expect(second.errors).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
    expect(posts).toHaveLength(1);

    // An hour later, after midnight, and two business days later in the same week, with nothing
    // changed on the board: the lines carry dates, not ages, so the issue is not edited.
    for (const at of ["2026-11-18T16:00:00Z", "2026-11-19T05:30:00Z", "2026-11-20T21:00:00Z"]) {
      const rerun = await digest(at);
      expect(rerun.errors).toEqual([]);
      expect(sb.fake.writes(), at).toEqual([]);
    }

    // A new issue without a priority: the same issue is refreshed, nothing is posted again.
    sb.fake.addIssue(sb.projects.mops, { title: "Gong call import", author: "erin.sdr", labels: ["MktgOps::02: Ready for Assignment"], createdAt: new Date("2026-11-20T14:00:00Z") });
    const third = await digest("2026-11-20T22:00:00Z");
    expect(third.errors).toEqual([]);
    expect(sb.fake.writes().map((w) => w.route)).toEqual(["PUT /projects/:id/issues/:iid"]);
    expect(digestIssues()[0]!.description).toMatch(/\[Gong call import\]\([^)]+\) \([^)]+\) — opened 20 Nov, unassigned/);
    expect(posts).toHaveLength(1);
    expect(digestIssues()).toHaveLength(1);
  });

  it("does not list List Import and FYI issues as without priority: they need none (C13)", async () => {
    sb.fake.addIssue(sb.projects.mops, { title: "Import the summit leads", author: "erin.sdr", labels: ["MktgOps - List Import"], createdAt: new Date("2026-11-16T14:00:00Z") });
    sb.fake.addIssue(sb.projects.mops, { title: "Heads-up: new webinar platform", author: "erin.sdr", labels: ["MktgOps - FYI"], createdAt: new Date("2026-11-16T14:00:00Z") });
    sb.fake.addIssue(sb.projects.mops, { title: "Set up the partner nurture", author: "erin.sdr", labels: ["MktgOps::02: Ready for Assignment"], createdAt: new Date("2026-11-16T14:00:00Z") });
    await digest("2026-11-18T15:00:00Z");
    const text = digestIssues()[0]!.description!;
    const section = text.slice(text.indexOf("without a MktgOpsPriority label"));
    const noPriority = section.slice(0, section.indexOf("\n###") < 0 ? undefined : section.indexOf("\n###"));
    expect(noPriority).toContain("Set up the partner nurture");
    expect(noPriority).not.toContain("Import the summit leads");
    expect(noPriority).not.toContain("Heads-up: new webinar platform");
  });

  it("a new week gets a new issue and a new message", async () => {
    await digest("2026-11-18T15:00:00Z");
    await digest("2026-11-23T14:00:00Z");
    expect(digestIssues().map((i) => i.title).sort()).toEqual(["MOps weekly digest — 2026-W47", "MOps weekly digest — 2026-W48"]);
    expect(posts).toHaveLength(2);
  });

  it("lists overdue audits, upcoming renewals and the SLA source's items", async () => {
    const renewals: CompiledPolicy = { ...sb.policy, tools: { ...sb.policy.tools!, tools: sb.policy.tools!.tools.map((t) => (t.name === "ZoomInfo" ? { ...t, renewalDate: "2027-02-01" } : t.name === "Litmus" ? { ...t, renewalDate: "2027-03-10" } : t)) } };
    await audits("2026-11-02T15:00:00Z", renewals); // one list, due with its last audit on 2026-12-31; ZoomInfo's renewal issue opens (120 days ahead)
    const sla: SlaDigestSource = {
      configured: true,
      atRiskAndBreached: async () => [{ ref: "g/p#1", url: "https://gitlab.example.com/g/p/-/issues/1", title: "Urgent thing", detail: "breached (mops-priority), due Mon 16 Nov 2026" }],
    };
    await digest("2027-01-04T15:00:00Z", { policy: renewals, sla });
    const text = digestIssues()[0]!.description!;
    // No tool has an owner in tools.yml: their audits are one issue for the tools DRI, listed once.
    expect(text).toMatch(/### Overdue tool user audits \(1\)/);
    expect(text).toMatch(/\[Tool user audits without a technical owner — 2026-11, 2026-Q4, 2026-H2\]\([^)]+\) \([^)]+\) — due 2026-12-31, assigned to mops\.member2/);
    expect(text).toMatch(/### Tool renewals in the next 120 days \(2\)/);
    // ZoomInfo's renewal issue is open (tier 1: 120 days ahead), Litmus's not yet (tier 3: 60 days ahead).
    expect(text.indexOf("Tool renewal: ZoomInfo")).toBeLessThan(text.indexOf("- Litmus"));
    expect(text).toMatch(/- Litmus — renews 2027-03-10 \(tier 3\), renewal issue not opened yet/);
    expect(text).toMatch(/\[Tool renewal: ZoomInfo — renews 2027-02-01\]\([^)]+\) \([^)]+\) — renews 2027-02-01 \(tier 1\)/);
    expect(text).toContain("[Urgent thing](https://gitlab.example.com/g/p/-/issues/1) (g/p#1) — breached (mops-priority), due Mon 16 Nov 2026");
    // Audit issues the bot opened are not "issues without priority".
    expect(text).not.toMatch(/without a MktgOpsPriority label[^#]*Tool user audit/);
  });

  it("a dry run writes nothing and prints the Slack message instead of posting it", async () => {
    const printed: string[] = [];
    const report = await digest("2026-11-18T15:00:00Z", { dryRun: true, notifier: notifier(true, printed) });
    expect(report.resources.flatMap((r) => r.actions.map((a) => a.type))).toEqual(["create_issue", "post_slack"]);
    expect(sb.fake.writes()).toEqual([]);
    expect(posts).toEqual([]);
    expect(printed.join("\n")).toContain("2026-W47");
  });

  it("a failed Slack post is reported and not recorded, so the next run posts it", async () => {
    slackStatus = 500;
    const failed = await digest("2026-11-18T15:00:00Z");
    expect(failed.errors.map((e) => e.message)).toEqual([expect.stringMatching(/posting the digest to Slack #mktgops failed/)]);
    slackStatus = 200;
    await digest("2026-11-18T16:00:00Z");
    expect(posts).toHaveLength(1);
    expect(digestIssues()).toHaveLength(1);
  });
});
