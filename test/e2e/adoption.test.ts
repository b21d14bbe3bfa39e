/**
 * Switching the bot on (rollout.yml) end to end against the fake GitLab: the backlog gets quiet
 * label repairs and one adoption report per project instead of a note per issue; issues opened
 * after the adoption date get the full rules; a rerun writes nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { adopt } from "../../src/rollout/commands.js";
import { adoptionMarker } from "../../src/rollout/report.js";
import { adoptedOn, both, mentionsPerDay, policiesWithRollout, type PolicyCopy } from "../support/rollout.js";
import { type Sandbox, SANDBOX_NOW, startSandbox } from "../support/sandbox.js";

const DAY = 86_400_000;
const ago = (days: number) => new Date(SANDBOX_NOW.getTime() - days * DAY);
const TRIAGE = "MktgOps::00: Triage";
const STORY = "As a field marketer, I would like the campaign set up, so that invitations go out on time.";

const open: { sb?: Sandbox; copy?: PolicyCopy }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.sb?.close();
    await o.copy?.remove();
  }
});

/** The demo board, adopted the day of SANDBOX_NOW (the first sweep after `adopt`), plus one stageless issue on each side of that date. */
async function adoptedBoard() {
  const copy = await policiesWithRollout(both(adoptedOn("2026-11-18"), mentionsPerDay(1)));
  const sb = await startSandbox({ policiesDir: copy.dir });
  open.push({ sb, copy });
  const mops = sb.projects.mops;
  const old = sb.fake.addIssue(mops, { title: "Stageless request from last year", author: "dan.fieldmktg", labels: ["MktgOpsPriority:: 03-Low"], createdAt: ago(300), updatedAt: ago(200) });
  const fresh = sb.fake.addIssue(mops, { title: "Stageless request from yesterday", author: "dan.fieldmktg", description: STORY, labels: ["MktgOpsPriority:: 03-Low"], createdAt: ago(0.05), updatedAt: ago(0.05) });
  const stageNoAssignee = sb.fake.addIssue(mops, { title: "In progress, nobody on it", author: "dan.fieldmktg", labels: ["MktgOps::04: In Progress", "MktgOpsPriority:: 02-Medium"], milestone: sb.milestones.current, createdAt: ago(90), updatedAt: ago(60) });
  return { sb, mops, old, fresh, stageNoAssignee };
}

const botNotes = (sb: Sandbox, project: string, iid: number) => sb.fake.issue(project, iid).notes.filter((n) => n.author === sb.policy.scope.botUsername);

describe("adoption (rollout.yml)", () => {
  it("puts new stageless issues in Triage and lists the backlog's once, in one report per project", async () => {
    const { sb, mops, old, fresh, stageNoAssignee } = await adoptedBoard();
    await runSweep({ ...(await sb.runtime()), dryRun: false });

    expect(sb.fake.issue(mops, fresh.iid).labels).toContain(TRIAGE);
    expect(sb.fake.issue(mops, old.iid).labels).not.toContain(TRIAGE);
    expect(botNotes(sb, mops, old.iid)).toEqual([]);
    expect(botNotes(sb, mops, stageNoAssignee.iid)).toEqual([]);

    const reports = sb.fake.issues(mops).filter((i) => (i.description ?? "").includes(adoptionMarker(mops)));
    expect(reports).toHaveLength(1);
    const body = reports[0]!.description!;
    expect(body).toContain(`- [ ] ${old.ref} `);
    expect(body).toContain(`- [ ] ${stageNoAssignee.ref} `);
    expect(body).not.toContain(fresh.ref);
    // No backlog issue got a note from the bot.
    const backlog = sb.fake.issues(mops).filter((i) => new Date(i.createdAt) < new Date("2026-11-18T00:00:00-05:00") && i.author !== sb.policy.scope.botUsername);
    expect(backlog.flatMap((i) => botNotes(sb, mops, i.iid))).toEqual([]);
  });

  it("writes nothing on a rerun, and keeps a ticked box ticked", async () => {
    const { sb, mops, old } = await adoptedBoard();
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    const report = sb.fake.issues(mops).find((i) => (i.description ?? "").includes(adoptionMarker(mops)))!;
    sb.fake.updateIssue(mops, report.iid, { description: report.description!.replace(`- [ ] ${old.ref} `, `- [x] ${old.ref} `) }, { as: "mops.member1" });

    sb.fake.resetCounters();
    await runSweep({ ...(await sb.runtime()), dryRun: false });
    expect(sb.fake.writes()).toEqual([]);
    expect(sb.fake.issue(mops, report.iid).description).toContain(`- [x] ${old.ref} `);
  });

  it("adopt --dry-run prints the repairs by kind, the report and how many people it would mention, and writes nothing", async () => {
    const { sb, old, stageNoAssignee } = await adoptedBoard();
    sb.fake.resetCounters();
    const { text } = await adopt({ ...(await sb.runtime({ dryRun: true })), dryRun: true });
    expect(sb.fake.writes()).toEqual([]);
    expect(text).toContain("Adoption preview (dry run: nothing was written): adopted on 2026-11-18");
    expect(text).toMatch(/Label changes would be made, by rule \(on the backlog without a note\):\n {2}\S+: \d+/);
    expect(text).toContain("Notes would be posted: 0 ");
    expect(text).toMatch(/Adoption report in gitlab-com\/marketing\/marketing-operations \(would be created\): \d+ issue\(s\), 3 person\(s\) mentioned\./);
    expect(text).toContain(`- [ ] ${old.ref} `);
    expect(text).toContain(`- [ ] ${stageNoAssignee.ref} `);
    expect(text).toContain("People mentioned: 3 (@mops.member1, @mops.member2, @mops.member3); at most 1 mention(s) of one person.");
  });
});
