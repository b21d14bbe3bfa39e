/**
 * The attention budget end to end: however many rules want the triage DRI on a day (DRI pings,
 * SLA breaches, stage requirements), scheduled runs mention them once a day; the rest goes into
 * their daily list note, and the count survives a restart (a second run with a fresh runtime).
 */
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { runMilestones } from "../../src/milestones/job.js";
import { mentionedIn } from "../../src/domain/text.js";
import { adoptedOn, both, mentionsPerDay, policiesWithRollout, type PolicyCopy } from "../support/rollout.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";
import { startFakeSlack } from "../unit/notify/fakeSlack.js";

const DAY = 86_400_000;
const ago = (days: number) => new Date(SANDBOX_NOW.getTime() - days * DAY);

const open: { sb: Sandbox; copy: PolicyCopy }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.sb.close();
    await o.copy.remove();
  }
});

/** Bot notes on work items (not its own daily list) by day, with the people each mentions. */
function mentionsByDay(sb: Sandbox): Map<string, Map<string, number>> {
  const bot = sb.policy.scope.botUsername;
  const out = new Map<string, Map<string, number>>();
  for (const i of sb.fake.issues()) {
    if (i.author === bot) continue;
    for (const n of i.notes.filter((n) => n.author === bot)) {
      const day = n.createdAt.slice(0, 10);
      const counts = out.get(day) ?? new Map<string, number>();
      for (const who of mentionedIn(n.body)) counts.set(who, (counts.get(who) ?? 0) + 1);
      out.set(day, counts);
    }
  }
  return out;
}

async function boardWantingTheDri(edit: (yaml: string) => string, start = SANDBOX_NOW) {
  const copy = await policiesWithRollout(edit);
  let now = start;
  const sb = await startSandbox({ policiesDir: copy.dir, clock: () => now });
  open.push({ sb, copy });
  const mops = sb.projects.mops;
  // Five issues waiting in Triage for weeks: each one's DRI ping mentions the triage DRI.
  for (let i = 0; i < 5; i++) {
    const w = sb.fake.addIssue(mops, { title: `Waiting in triage ${i}`, author: "dan.fieldmktg", description: "As a marketer, I would like a list, so that I can send it.", createdAt: ago(40), updatedAt: ago(40) });
    sb.fake.setIssueLabels(mops, w.iid, ["MktgOps::00: Triage", "MktgOpsPriority:: 03-Low"], { as: "dan.fieldmktg", at: ago(20) });
  }
  return { sb, setNow: (d: Date) => (now = d) };
}

describe("attention budget (rollout.yml attention)", () => {
  it("without a budget (the old behaviour), one sweep mentions the triage DRI many times", async () => {
    const { sb } = await boardWantingTheDri(both(adoptedOn("2020-01-01"), mentionsPerDay("unlimited")));
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    const today = mentionsByDay(sb).get(SANDBOX_NOW.toISOString().slice(0, 10))!;
    expect(today.get("mops.member1")).toBeGreaterThan(1);
  });

  it("mentions each person at most once a day across rules and runs; the rest goes into their daily list", async () => {
    const { sb, setNow } = await boardWantingTheDri(both(adoptedOn("2020-01-01"), mentionsPerDay(1)));
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    // A restart: a fresh runtime, the count comes back from GitLab.
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    const day1 = mentionsByDay(sb).get("2026-11-18")!;
    expect(Math.max(...day1.values())).toBe(1);

    const lists = sb.fake.issues(sb.projects.mops).filter((i) => i.title === "mops-bot daily list: mops.member1");
    expect(lists).toHaveLength(1);
    const listNotes = lists[0]!.notes.filter((n) => n.author === sb.policy.scope.botUsername);
    expect(listNotes).toHaveLength(1);
    expect(mentionedIn(listNotes[0]!.body)).toEqual([]);
    expect(listNotes[0]!.body).toMatch(/Waiting in triage/);

    // The next day the budget is fresh: one more mention, still one.
    setNow(new Date(SANDBOX_NOW.getTime() + DAY));
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    const day2 = mentionsByDay(sb).get("2026-11-19")!;
    expect(Math.max(...day2.values())).toBe(1);
  });

  it("covers the milestones job: a person the sweep mentioned today is not mentioned again by the rollover; the item waits in their daily list, and the next day's budget is fresh", async () => {
    // The first morning of MktgOps 2026-11-30: MktgOps 2026-11-16 has ended.
    const { sb, setNow } = await boardWantingTheDri(both(adoptedOn("2020-01-01"), mentionsPerDay(1)), new Date("2026-11-30T11:00:00Z"));
    const slack = await startFakeSlack();
    try {
      const mops = sb.projects.mops;
      const rollover = async () => runMilestones({ ...(await sb.runtime()), dryRun: false }, { env: { SLACK_WEBHOOK_MKTGOPS: slack.url("mktgops") } });
      await runSweep({ ...(await sb.runtime()), dryRun: false });
      // The triage DRI: mentioned once by the sweep, the other pings held in their daily list.
      const held = sb.fake.issues(mops).filter((i) => i.title.startsWith("mops-bot daily list: ") && i.notes.some((n) => n.body.includes("Waiting in triage")));
      expect(held).toHaveLength(1);
      const who = held[0]!.title.replace("mops-bot daily list: ", "");
      expect(mentionsByDay(sb).get("2026-11-30")!.get(who)).toBe(1);
      const stillOpen = sb.fake.addIssue(mops, { title: "Webinar follow-up flow", milestone: "MktgOps 2026-11-16", labels: ["MktgOps::04: In Progress"], assignees: [who], author: "amy.owner" });

      const report = await rollover();
      expect(report.errors).toEqual([]);
      // Moved, without a note that would mention them a second time today.
      const moved = sb.fake.issue(mops, stillOpen.iid);
      expect(moved.milestone).toBe("MktgOps 2026-11-30");
      expect(moved.notes.filter((n) => mentionedIn(n.body).includes(who))).toEqual([]);
      const day1 = mentionsByDay(sb).get("2026-11-30")!;
      expect(Math.max(...day1.values())).toBe(1);
      // The rollover's item waits in their daily list, beside what the sweep held back the same day.
      const list = sb.fake.issues(mops).find((i) => i.title === `mops-bot daily list: ${who}`)!;
      const todays = list.notes.filter((n) => n.author === sb.policy.scope.botUsername && n.body.includes("2026-11-30"));
      expect(todays).toHaveLength(1);
      expect(todays[0]!.body).toContain(`${mops}#${stillOpen.iid}`);
      expect(todays[0]!.body).toMatch(/Waiting in triage/);
      expect(mentionedIn(todays[0]!.body)).toEqual([]);

      // The next day the budget is fresh: an issue someone left in the ended milestone moves with its note.
      setNow(new Date("2026-12-01T11:00:00Z"));
      const late = sb.fake.addIssue(mops, { title: "Lead list clean-up", milestone: "MktgOps 2026-11-16", labels: ["MktgOps::04: In Progress"], assignees: [who], author: "amy.owner" });
      expect((await rollover()).errors).toEqual([]);
      const lateNotes = sb.fake.issue(mops, late.iid).notes.filter((n) => n.author === sb.policy.scope.botUsername);
      expect(lateNotes).toHaveLength(1);
      expect(mentionedIn(lateNotes[0]!.body)).toEqual([who]);
      expect(mentionsByDay(sb).get("2026-12-01")!.get(who)).toBe(1);
    } finally {
      await slack.close();
    }
  });

  it("reports a daily list it cannot read as a rollover error and still does the milestones job's other steps", async () => {
    const { sb } = await boardWantingTheDri(both(adoptedOn("2020-01-01"), mentionsPerDay(1)), new Date("2026-11-30T11:00:00Z"));
    const slack = await startFakeSlack();
    try {
      const deps = await sb.runtime();
      const platform = Object.create(deps.platform) as typeof deps.platform & { issuesByMarker: () => Promise<never> };
      platform.issuesByMarker = () => Promise.reject(new Error("GitLab answered 500"));
      const report = await runMilestones({ ...deps, platform, dryRun: false }, { env: { SLACK_WEBHOOK_MKTGOPS: slack.url("mktgops") } });
      expect(report.errors).toEqual([{ ref: "rollover", message: "GitLab answered 500" }]);
      expect(report.resources.flatMap((r) => r.actions.map((a) => a.type))).toContain("create_merge_request");
    } finally {
      await slack.close();
    }
  });
});
