/**
 * The attention budget end to end: however many rules want the triage DRI on a day (DRI pings,
 * SLA breaches, stage requirements), scheduled runs mention them once a day; the rest goes into
 * their daily list note, and the count survives a restart (a second run with a fresh runtime).
 */
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { mentionedIn } from "../../src/rollout/mentions.js";
import { adoptedOn, both, mentionsPerDay, policiesWithRollout, type PolicyCopy } from "../support/rollout.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

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

async function boardWantingTheDri(edit: (yaml: string) => string) {
  const copy = await policiesWithRollout(edit);
  let now = SANDBOX_NOW;
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
});
