/**
 * The MktgOps stages end to end, as the handbook writes them: the test policies (a copy of
 * policies/), the GitLab adapter over HTTP, and the fake GitLab seeded with the demo board.
 *
 * - Closing (000 page, line 219: 08 is completed "although the issue may not be closed"; no
 *   stage forbids closing): a person closing an issue the sweep flagged is not told off for it.
 * - An older stage no current stage means (`MktgOps::1 - Planning`, 001 page) is left on the
 *   issue, on GitLab Premium too, and listed in one summary issue for a person.
 */
import { quiescent } from "../support/quiescent.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { markersIn } from "../../src/domain/markers.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { loadServeConfig } from "../../src/config.js";
import { runServe } from "../../src/server/commands.js";
import type { RunningServe } from "../../src/server/serve.js";
import { summaryMarker } from "../../src/triage/summaries.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { type Sandbox, SANDBOX_NOW, SANDBOX_TOKEN, startSandbox } from "../support/sandbox.js";

const ATTENTION = "mops-bot::needs-attention";
let sb: Sandbox | undefined;
let serve: RunningServe | undefined;
let dataDir: string | undefined;
afterEach(async () => {
  await serve?.close();
  await sb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  serve = sb = dataDir = undefined;
});

async function sweep(s: Sandbox) {
  const runtime = await s.runtime();
  return runSweep({ ...runtime, dryRun: false });
}

const botNotesOf = (s: Sandbox, iid: number) => s.fake.issue(s.projects.mops, iid).notes.filter((n) => n.author === s.policy.scope.botUsername);


describe("MktgOps stages against the fake GitLab", () => {
  it("a person may close an issue in any stage: closing the flagged 04 issue as won't-do takes the attention label away, with no note", async () => {
    sb = await startSandbox();
    const title = "Bizible: fix duplicate touchpoints";
    const { iid } = sb.fake.issues(sb.projects.mops).find((i) => i.title === title)!;
    expect((await sweep(sb)).errors).toEqual([]);
    expect(sb.fake.issue(sb.projects.mops, iid).labels).toContain(ATTENTION);
    const told = botNotesOf(sb, iid).length;

    // The sweep reads open issues only: the close reaches the bot as a webhook.
    dataDir = mkdtempSync(join(tmpdir(), "mops-stages-"));
    serve = await runServe(
      loadServeConfig({ GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, GITLAB_WEBHOOK_SECRET: "hook-secret", PORT: "0", MOPS_DATA_DIR: dataDir, MOPS_POLICIES_DIR: TEST_POLICIES_DIR, MOPS_SETTLE_SECONDS: "0" }),
      { schedules: false, handleSignals: false, clock: () => SANDBOX_NOW, logger: pino({ level: "silent" }) },
    );
    sb.fake.setWebhook(`http://127.0.0.1:${serve.port}/webhooks/gitlab`, "hook-secret");
    sb.fake.comment(sb.projects.mops, iid, "Duplicate of the attribution rebuild; closing.", { as: "frank.abm" });
    sb.fake.updateIssue(sb.projects.mops, iid, { stateEvent: "close" }, { as: "frank.abm" });
    await quiescent(sb.fake, serve.inbox);

    const now = sb.fake.issue(sb.projects.mops, iid);
    expect(now.state).toBe("closed");
    expect(now.labels).toContain("MktgOps::04: In Progress");
    expect(now.labels).not.toContain(ATTENTION);
    expect(botNotesOf(sb, iid)).toHaveLength(told);
  });

  it("an older stage nobody mapped stays on the issue on GitLab Premium, gets no note, and is listed once in a summary issue", async () => {
    // Premium: adding any MktgOps:: label would replace the older one (gitlabhq/gitlabhq
    // doc/user/project/labels.md, "Scoped labels"), so the bot must add none.
    sb = await startSandbox({ scopedLabelsExclusive: true });
    const mops = sb.projects.mops;
    const planning = sb.fake.addIssue(mops, {
      title: "Marketo: preference centre redesign",
      description: "As a lifecycle marketer, I would like one preference centre, so that people choose what they get.",
      labels: ["MktgOps::1 - Planning", "MktgOpsPriority:: 02-Medium"],
      assignees: ["mops.member2"],
      author: "dan.fieldmktg",
      createdAt: new Date(SANDBOX_NOW.getTime() - 10 * 86_400_000),
    });
    const onHold = sb.fake.addIssue(mops, {
      title: "Old webinar platform evaluation",
      labels: ["MktgOps::5 - On Hold", "MktgOpsPriority:: 03-Low"],
      author: "erin.sdr",
      createdAt: new Date(SANDBOX_NOW.getTime() - 12 * 86_400_000),
    });

    const first = await sweep(sb);
    expect(first.errors).toEqual([]);
    for (const [issue, old] of [[planning, "MktgOps::1 - Planning"], [onHold, "MktgOps::5 - On Hold"]] as const) {
      const now = sb.fake.issue(mops, issue.iid);
      expect(now.labels.filter((l) => l.startsWith("MktgOps::")), issue.title).toEqual([old]);
      expect(botNotesOf(sb, issue.iid), issue.title).toEqual([]);
    }

    const summaries = sb.fake.issues(mops).filter((i) => markersIn(i.description ?? "").includes(summaryMarker("unmapped-old-stage")));
    expect(summaries).toHaveLength(1);
    const listed = [...(summaries[0]!.description ?? "").matchAll(/\) (\S+#\d+)/g)].map((m) => m[1]).sort();
    expect(listed).toEqual([planning.ref, onHold.ref].sort());
    expect(summaries[0]!.labels).toEqual(["mops-bot summary"]);

    // A person picks the stage: the issue leaves the list, and nothing else is written on it.
    sb.fake.setIssueLabels(mops, planning.iid, ["MktgOps::03: Assigned", "MktgOpsPriority:: 02-Medium"], { as: "mops.member2" });
    sb.fake.updateIssue(mops, planning.iid, { milestoneId: sb.fake.milestones().find((m) => m.title === sb!.milestones.next)!.id }, { as: "mops.member2" });
    sb.fake.resetCounters();
    expect((await sweep(sb)).errors).toEqual([]);
    const after = sb.fake.issues(mops).find((i) => i.iid === summaries[0]!.iid)!;
    expect([...(after.description ?? "").matchAll(/\) (\S+#\d+)/g)].map((m) => m[1])).toEqual([onHold.ref]);
    expect(botNotesOf(sb, planning.iid)).toEqual([]);

    sb.fake.resetCounters();
    expect((await sweep(sb)).resources).toEqual([]);
    expect(sb.fake.writes()).toEqual([]);
  });
});
