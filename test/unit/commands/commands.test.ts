/**
 * `@mops-bot` commands on Sales Systems issues, through the same plan the engine builds: the
 * reply (one per command, marked), the move the workflow makes for it, refusals and unknowns.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { NoteInfo, ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { markersIn } from "../../../src/domain/markers.js";
import { buildPlan } from "../../../src/engine/plan.js";
import { evaluateRules } from "../../../src/engine/reconcile.js";
import { CURRENT, gitlabNote, note } from "../../support/builders.js";
import { CMD, MOPS, S, TEMP, UPLOAD, WF, commentsOf, created, ev, move, sales, salesSystemsKit } from "./salesSystems.js";

let plan: (s: ResourceSnapshot) => ResourcePlan;
let kit: Awaited<ReturnType<typeof salesSystemsKit>>;
beforeAll(async () => {
  kit = await salesSystemsKit();
  ({ plan } = kit);
});

const at = (hhmm: string) => `2026-11-18T${hhmm}:00Z`;
const say = (body: string, by: string, hhmm = "14:00") => note(body, at(hhmm), by);
const replyTo = (p: ResourcePlan, n: NoteInfo) => commentsOf(p).find((c) => c.marker === `cmd:${n.id}`);

function inRequested(notes: NoteInfo[]): ResourceSnapshot {
  return sales({ labels: [MOPS, S.req], notes });
}

describe("@mops-bot approve", () => {
  it("a business process owner approves: 01, a reply that records who approved", () => {
    const cmd = say("@mops-bot approve", "amy.owner");
    const p = plan(inRequested([cmd]));
    expect(p.update).toEqual({ addLabels: [S.appr], removeLabels: [S.req] });
    expect(p.actions.filter((a) => a.type !== "comment").every((a) => a.rule === WF)).toBe(true);
    const reply = replyTo(p, cmd)!;
    expect(reply.rule).toBe(CMD);
    expect(reply.body).toContain("@amy.owner Approved by `amy.owner`");
    expect(markersIn(p.note!.body)).toEqual(expect.arrayContaining([`cmd:${cmd.id}`, "approval:amy.owner"]));
  });

  it("an outsider's approval is refused with a short reply, and nothing moves", () => {
    const cmd = say("@mops-bot approve", "erin.sdr");
    const p = plan(inRequested([cmd]));
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(replyTo(p, cmd)!.body).toContain('Only members of "business-process-owners" (`amy.owner`, `christine.owner`) can approve');
    expect(markersIn(p.note!.body)).toEqual([`cmd:${cmd.id}`]);
  });

  it("is not run twice: an answered command (even edited since) gets nothing", () => {
    const cmd = say("@mops-bot approve", "amy.owner");
    const reply = note("done", at("14:01"), "mops-bot", { botMarkers: [`cmd:${cmd.id}`, "approval:amy.owner"] });
    const s = sales({ labels: [MOPS, S.appr], notes: [{ ...cmd, body: "@mops-bot approve (edited)" }, reply], labelEvents: [...created(), ...move(S.req, S.appr, "14:01", "mops-bot")] });
    expect(plan(s).actions).toEqual([]);
  });

  it("a reply marker pre-posted by someone else does not answer the command: the owner's approve still runs", () => {
    const cmd = say("@mops-bot approve", "amy.owner", "14:02");
    const forged = gitlabNote(`looks harmless <!-- mops-bot:cmd:${cmd.id} --> <!-- mops-bot:approval:amy.owner -->`, at("14:01"), "erin.sdr");
    const p = plan(inRequested([forged, cmd]));
    expect(p.update).toEqual({ addLabels: [S.appr], removeLabels: [S.req] });
    expect(replyTo(p, cmd)).toBeDefined();
    expect(markersIn(p.note!.body)).toEqual(expect.arrayContaining([`cmd:${cmd.id}`, "approval:amy.owner"]));
  });

  it("says so when it is already past approval", () => {
    const cmd = say("@mops-bot approve", "amy.owner");
    const p = plan(sales({ labels: [MOPS, S.qMops], notes: [cmd], labelEvents: [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ...move(S.appr, S.qMops, "11:00", "amy.owner")] }));
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(replyTo(p, cmd)!.body).toContain("already past approval");
  });
});

/** Moved step by step into UAT, then given SFDCReleaseHelp. */
function inUatWithReleaseHelp() {
  return [
    ...created(),
    ...move(S.req, S.appr, "09:10", "amy.owner"),
    ...move(S.appr, S.qMops, "09:20", "amy.owner"),
    ...move(S.qMops, S.qSys, "09:30", "mops.member1"),
    ...move(S.qSys, S.act, "09:40", "mops.member1"),
    ...move(S.act, S.uat, "09:50", "mops.member1"),
    ev("SFDCReleaseHelp", "10:30", "mops.member2"),
  ];
}

describe("@mops-bot next", () => {
  const inQueue = () => [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ...move(S.appr, S.qMops, "10:30", "amy.owner")];

  it("moves one step when the next step's requirements hold", () => {
    const cmd = say("@mops-bot next", "mops.member1");
    const p = plan(sales({ labels: [MOPS, S.qMops], milestone: TEMP, notes: [cmd], labelEvents: inQueue() }));
    expect(p.update).toEqual({ addLabels: [S.qSys], removeLabels: [S.qMops] });
    expect(replyTo(p, cmd)!.body).toContain(`Moved from ~"${S.qMops}" to ~"${S.qSys}"`);
  });

  it("explains what is missing and moves nothing", () => {
    const cmd = say("@mops-bot next", "mops.member1");
    const p = plan(sales({ labels: [MOPS, S.qMops], milestone: null, notes: [cmd], labelEvents: inQueue() }));
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(replyTo(p, cmd)!.body).toContain("no milestone is set");
  });

  it("refuses a person the next step does not allow", () => {
    const cmd = say("@mops-bot next", "erin.sdr");
    const p = plan(sales({ labels: [MOPS, S.appr], notes: [cmd], labelEvents: [...created(), ...move(S.req, S.appr, "10:00", "amy.owner")] }));
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(replyTo(p, cmd)!.body).toContain("`erin.sdr` is not one of them");
  });

  it("runs commands in order: approve then next ends two steps on, in one change", () => {
    const a = say("@mops-bot approve", "amy.owner", "13:00");
    const n = say("@mops-bot next", "amy.owner", "13:05");
    const p = plan(inRequested([n, a]));
    expect(p.update).toEqual({ addLabels: [S.qMops], removeLabels: [S.req] });
    expect(p.note!.markers).toEqual([`cmd:${a.id}`, `cmd:${n.id}`]);
  });

  it("into 07 closes the issue with a note", () => {
    const toRelease = [...inUatWithReleaseHelp(), ...move(S.uat, S.rel, "11:00", "mops.member2")];
    const cmd = say("@mops-bot next", "mops.member3");
    const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: toRelease, notes: [say(UPLOAD, "dan.requester", "10:00"), cmd] });
    const p = plan(s);
    expect(p.update).toMatchObject({ addLabels: [S.done], removeLabels: [S.rel], stateEvent: "close" });
    expect(p.note!.markers).toEqual(expect.arrayContaining([`cmd:${cmd.id}`, `${WF}:closed:cmd-${cmd.id}`]));
  });

  it("from a UAT without proof says the proof is missing", () => {
    const toUat = inUatWithReleaseHelp();
    const cmd = say("@mops-bot next", "mops.member2");
    const p = plan(sales({ labels: [MOPS, "SFDCReleaseHelp", S.uat], milestone: CURRENT, labelEvents: toUat, notes: [cmd] }));
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
    expect(replyTo(p, cmd)!.body).toContain("no proof yet");
  });

  it("starts from where an undone move leaves the issue", () => {
    const cmd = say("@mops-bot status", "erin.sdr", "14:05");
    const s = sales({ labels: [MOPS, S.qMops], notes: [cmd], labelEvents: [...created(), ...move(S.req, S.qMops, "14:00", "erin.sdr")] });
    const p = plan(s);
    expect(p.update).toEqual({ addLabels: [S.req], removeLabels: [S.qMops] });
    expect(replyTo(p, cmd)!.body).toContain(`It is in ~"${S.req}"`);
  });
});

describe("the names a command answers to", () => {
  // A project or group access token's user is called e.g. project_42_bot_…: the README's `@mops-bot` still works.
  const tokenUser = "project_42_bot_7f3a";
  const planAs = (s: ResourceSnapshot) => buildPlan(s, evaluateRules(s, kit.rules, { ...kit.context, botUsername: tokenUser }), kit.policy.taxonomy);

  it("answers @mops-bot (scope.yml bot_username, as the README says) and the token user's own username", () => {
    for (const body of ["@mops-bot status", `@${tokenUser} status`]) {
      const cmd = say(body, "erin.sdr");
      const reply = replyTo(planAs(inRequested([cmd])), cmd);
      expect(reply?.body, body).toContain(`It is in ~"${S.req}"`);
    }
  });

  it("answers each command once, and never the bot's own notes under either name", () => {
    const cmd = say("@mops-bot status", "erin.sdr");
    const own = note("@mops-bot status", at("14:01"), tokenUser);
    const p = planAs(inRequested([cmd, own]));
    expect(commentsOf(p).map((c) => c.marker)).toEqual([`cmd:${cmd.id}`]);
  });
});

describe("@mops-bot status, help and unknown commands", () => {
  it("status: the step, who may move it next and what the next step needs", () => {
    const cmd = say("@mops-bot status", "erin.sdr");
    const body = replyTo(plan(inRequested([cmd])), cmd)!.body;
    expect(body).toContain(`It is in ~"${S.req}"`);
    expect(body).toContain(`Next step: ~"${S.appr}", which members of "business-process-owners"`);
    expect(body).toContain("It needs nothing more.");
  });

  it("status lists met and unmet requirements and recorded approvals", () => {
    const cmd = say("@mops-bot status", "erin.sdr");
    const approval = note("ok", at("09:00"), "mops-bot", { botMarkers: ["cmd:1", "approval:amy.owner"] });
    const s = sales({ labels: [MOPS, S.qMops], milestone: CURRENT, notes: [approval, cmd], labelEvents: [...created(), ...move(S.req, S.appr, "09:00", "mops-bot"), ...move(S.appr, S.qMops, "10:00", "amy.owner")] });
    const body = replyTo(plan(s), cmd)!.body;
    expect(body).toContain("Approved by `amy.owner` (2026-11-18)");
    expect(body).toContain("❌ a milestone whose title matches /^Temp/: it is in the milestone \"MktgOps 2026-11-16\"");
  });

  it("help lists the commands; unknown and empty commands get a short reply", () => {
    const help = say("@mops-bot help", "erin.sdr", "14:00");
    const typo = say("@mops-bot aprove", "erin.sdr", "14:01");
    const empty = say("@mops-bot", "erin.sdr", "14:02");
    const p = plan(inRequested([help, typo, empty]));
    expect(replyTo(p, help)!.body).toContain("`@mops-bot next`");
    expect(replyTo(p, typo)!.body).toContain("I don't know the command `aprove`");
    expect(replyTo(p, empty)!.body).toContain("(none given)");
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
  });

  it("a quoted command is not a command", () => {
    expect(plan(inRequested([say("> @mops-bot approve\n\nShould we?", "amy.owner")])).actions).toEqual([]);
  });
});
