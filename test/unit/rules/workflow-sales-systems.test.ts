/**
 * The Sales Systems steps (policies/workflows/sales-systems.yml) with the shipped policies: every
 * step's guard, the order, undoing a move (once per attempt, never looping), closing, intake,
 * alias repair, and the history each resource needs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { markerKey } from "../../../src/domain/markers.js";
import type { LabelEvent, NoteInfo, ResourceSnapshot } from "../../../src/domain/snapshot.js";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, NEXT, PAST, gitlabNote, note } from "../../support/builders.js";
import { MOPS, S, TEMP, UPLOAD, WF, commentsOf, created, ev, labelsAfter, move, sales, salesSystemsKit } from "../commands/salesSystems.js";

let rules: Rule[];
let context: RuleContext;
let plan: (s: ResourceSnapshot) => ResourcePlan;

beforeAll(async () => {
  ({ rules, context, plan } = await salesSystemsKit());
});

describe("sales-systems workflow: intake", () => {
  it("gives an issue with entapps-customer::MOPS and no step 00: Requested", () => {
    const p = plan(sales({ labels: [MOPS] }));
    expect(p.update.addLabels).toEqual([S.req]);
    expect(commentsOf(p)).toEqual([]);
  });

  it("asks for entapps-customer::MOPS (once) on an issue with a step but without it", () => {
    const s = sales({ labels: [S.qMops] });
    const p = plan(s);
    expect(p.update).toEqual({ addLabels: [], removeLabels: [] });
    const [c] = commentsOf(p);
    expect(c!.marker).toBe(`${WF}:missing-labels:entapps-customer::MOPS`);
    expect(c!.body).toContain('~"entapps-customer::MOPS"');
    expect(c!.body).toContain("@dan.requester");
    const again = plan({ ...s, notes: [note(`earlier <!-- mops-bot:${c!.marker} -->`, "2026-11-18T10:00:00Z", "mops-bot", { botMarkers: [c!.marker] })] });
    expect(again.note).toBeNull();
  });

  it("leaves issues of other teams in the Sales Systems project alone", () => {
    expect(plan(sales({ labels: ["entapps-customer::OTHER"] })).actions).toEqual([]);
  });
});

/** The marker of the note explaining an undone move: per step moved to, person and day. */
const undone = (to: string, by: string, day = "2026-11-18") => markerKey(WF, "undone", to, by, day);

describe("sales-systems workflow: steps and guards", () => {
  it("01: a business process owner may approve; anyone else's move is undone with one note", () => {
    const ok = sales({ labels: [MOPS, S.appr], labelEvents: [...created(), ...move(S.req, S.appr, "10:00", "amy.owner")] });
    expect(plan(ok).actions).toEqual([]);

    const events = [...created(), ...move(S.req, S.appr, "10:00", "erin.sdr")];
    const bad = sales({ labels: [MOPS, S.appr], labelEvents: events });
    const p = plan(bad);
    expect(p.update).toEqual({ addLabels: [S.req], removeLabels: [S.appr] });
    const [c] = commentsOf(p);
    expect(c!.marker).toBe(undone(S.appr, "erin.sdr"));
    expect(c!.body).toContain("@erin.sdr");
    expect(c!.body).toContain('only members of "business-process-owners" (`amy.owner`, `christine.owner`)');
    expect(c!.body).toContain(`back to **~"${S.req}"**`);
    expect(p.conflicts).toEqual([]);
  });

  it("02: only business process owners move it into the queue", () => {
    const history = [...created(), ...move(S.req, S.appr, "10:00", "amy.owner")];
    expect(plan(sales({ labels: [MOPS, S.qMops], labelEvents: [...history, ...move(S.appr, S.qMops, "11:00", "christine.owner")] })).actions).toEqual([]);
    const p = plan(sales({ labels: [MOPS, S.qMops], labelEvents: [...history, ...move(S.appr, S.qMops, "11:00", "mops.member1")] }));
    expect(p.update).toEqual({ addLabels: [S.appr], removeLabels: [S.qMops] });
  });

  const toQueue = () => [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ...move(S.appr, S.qMops, "10:30", "amy.owner")];

  it("03: needs a Temp holding milestone", () => {
    const events = [...toQueue(), ...move(S.qMops, S.qSys, "11:00", "mops.member1")];
    expect(plan(sales({ labels: [MOPS, S.qSys], milestone: TEMP, labelEvents: events })).actions).toEqual([]);
    const p = plan(sales({ labels: [MOPS, S.qSys], milestone: CURRENT, labelEvents: events }));
    expect(p.update).toEqual({ addLabels: [S.qMops], removeLabels: [S.qSys] });
    expect(commentsOf(p)[0]!.body).toContain("whose title does not match /^Temp/");
  });

  const toSystems = () => [...toQueue(), ...move(S.qMops, S.qSys, "11:00", "mops.member1")];

  it("04: needs a real (current or future) milestone, not the Temp one", () => {
    const events = [...toSystems(), ...move(S.qSys, S.act, "12:00", "mops.member1")];
    expect(plan(sales({ labels: [MOPS, S.act], milestone: NEXT, labelEvents: events })).actions).toEqual([]);
    expect(plan(sales({ labels: [MOPS, S.act], milestone: CURRENT, labelEvents: events })).actions).toEqual([]);
    const temp = plan(sales({ labels: [MOPS, S.act], milestone: TEMP, labelEvents: events }));
    expect(temp.update).toEqual({ addLabels: [S.qSys], removeLabels: [S.act] });
    expect(commentsOf(temp)[0]!.body).toContain("whose title matches /^Temp/");
    const past = plan(sales({ labels: [MOPS, S.act], milestone: PAST, labelEvents: events }));
    expect(commentsOf(past)[0]!.body).toContain("a past milestone");
    const none = plan(sales({ labels: [MOPS, S.act], milestone: null, labelEvents: events }));
    expect(commentsOf(none)[0]!.body).toContain("no milestone is set");
  });

  const toUat = () => [...toSystems(), ...move(S.qSys, S.act, "12:00", "mops.member1"), ...move(S.act, S.uat, "12:30", "mops.member2")];

  it("05: anyone may move an actioned issue into UAT", () => {
    expect(plan(sales({ labels: [MOPS, S.uat], milestone: CURRENT, labelEvents: toUat() })).actions).toEqual([]);
  });

  describe("06: needs SFDCReleaseHelp and the business owner's proof posted while in UAT", () => {
    const toRelease = () => [...toUat(), ev("SFDCReleaseHelp", "13:00", "mops.member2"), ...move(S.uat, S.rel, "14:00", "mops.member2")];
    const at = (hhmm: string) => `2026-11-18T${hhmm}:00Z`;

    it("stands with an upload by the author posted in UAT", () => {
      const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: toRelease(), notes: [note(UPLOAD, at("12:45"), "dan.requester")] });
      expect(plan(s).actions).toEqual([]);
    });

    it("stands with a testing plan section in a business process owner's comment", () => {
      const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: toRelease(), notes: [note("## Testing plan\n\n1. Create a lead\n2. Check the status", at("12:45"), "amy.owner")] });
      expect(plan(s).actions).toEqual([]);
    });

    it("stands with a UAT section in the description (the author's)", () => {
      const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: toRelease(), description: "Ask.\n\n### UAT\nTested in staging, all good." });
      expect(plan(s).actions).toEqual([]);
    });

    it("is undone without proof, naming what is missing", () => {
      const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: toRelease() });
      const p = plan(s);
      expect(p.update).toEqual({ addLabels: [S.uat], removeLabels: [S.rel] });
      expect(commentsOf(p)[0]!.body).toContain("no proof yet from the issue's author or a member of \"business-process-owners\"");
    });

    it("does not count proof posted before UAT, proof by someone else, or a bare comment", () => {
      for (const n of [note(UPLOAD, at("12:10"), "dan.requester"), note(UPLOAD, at("12:45"), "erin.sdr"), note("Looks fine to me", at("12:45"), "dan.requester")]) {
        const p = plan(sales({ labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: toRelease(), notes: [n] }));
        expect(p.update.addLabels, n.body).toEqual([S.uat]);
      }
    });

    it("is undone without SFDCReleaseHelp at the time of the move, even with proof", () => {
      const events = [...toUat(), ...move(S.uat, S.rel, "14:00", "mops.member2")];
      const p = plan(sales({ labels: [MOPS, S.rel], milestone: CURRENT, labelEvents: events, notes: [note(UPLOAD, at("12:45"), "dan.requester")] }));
      expect(p.update.addLabels).toEqual([S.uat]);
      expect(commentsOf(p)[0]!.body).toContain('~"SFDCReleaseHelp" is missing');
    });
  });

  describe("07: closes the issue once; a closed issue stays complete", () => {
    const toDone = (by = "mops.member3") => [
      ...toUat(),
      ev("SFDCReleaseHelp", "13:00", "mops.member2"),
      ...move(S.uat, S.rel, "14:00", "mops.member2"),
      ...move(S.rel, S.done, "14:30", by),
    ];
    const proof = [note(UPLOAD, "2026-11-18T12:45:00Z", "dan.requester")];

    it("closes with a note when a person moves it to 07", () => {
      const events = toDone();
      const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.done], milestone: CURRENT, labelEvents: events, notes: proof });
      const p = plan(s);
      expect(p.update.stateEvent).toBe("close");
      const [c] = commentsOf(p);
      expect(c!.marker).toBe(`${WF}:closed:${events[events.length - 2]!.id}`);
      expect(c!.body).toContain("so I closed it");
      // Reopened afterwards by a person: the close was already acted on.
      const reopened = { ...s, notes: [...proof, note("closed", "2026-11-18T14:31:00Z", "mops-bot", { botMarkers: [c!.marker] })] };
      expect(plan(reopened).actions).toEqual([]);
    });

    it("a close marker someone else posted does not stop the close", () => {
      const events = toDone();
      const marker = `${WF}:closed:${events[events.length - 2]!.id}`;
      const forged = gitlabNote(`<!-- mops-bot:${marker} -->`, "2026-11-18T14:29:00Z", "erin.sdr");
      const s = sales({ labels: [MOPS, "SFDCReleaseHelp", S.done], milestone: CURRENT, labelEvents: events, notes: [...proof, forged] });
      const p = plan(s);
      expect(p.update.stateEvent).toBe("close");
      expect(commentsOf(p).map((c) => c.marker)).toEqual([marker]);
    });

    it("undoes a move out of 07 while the issue is closed; allows it once reopened", () => {
      const events = [...toDone(), ...move(S.done, S.rel, "15:00", "mops.member3")];
      const closed = sales({ state: "closed", labels: [MOPS, "SFDCReleaseHelp", S.rel], milestone: CURRENT, labelEvents: events, notes: proof });
      const p = plan(closed);
      expect(p.update).toMatchObject({ addLabels: [S.done], removeLabels: [S.rel] });
      expect(commentsOf(p)[0]!.body).toContain("reopen it first");
      expect(plan({ ...closed, state: "opened" }).actions).toEqual([]);
    });
  });
});

describe("sales-systems workflow: order and undoing", () => {
  it("undoes a skipped step, back to the step it came from", () => {
    const events = [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ...move(S.appr, S.qSys, "11:00", "amy.owner")];
    const s = sales({ labels: [MOPS, S.qSys], milestone: TEMP, labelEvents: events });
    const p = plan(s);
    expect(p.update).toEqual({ addLabels: [S.appr], removeLabels: [S.qSys] });
    expect(commentsOf(p)[0]!.body).toContain(`it skipped ~"${S.qMops}"`);
  });

  it("undoes a new issue created straight into a later step back to 00", () => {
    const s = sales({ labels: [MOPS, S.qMops], labelEvents: [ev(MOPS, "10:00", "amy.owner"), ev(S.qMops, "10:00", "amy.owner")] });
    expect(plan(s).update).toEqual({ addLabels: [S.req], removeLabels: [S.qMops] });
  });

  it("allows moving back", () => {
    const events = [...toActioned(), ...move(S.act, S.qMops, "13:00", "erin.sdr")];
    expect(plan(sales({ labels: [MOPS, S.qMops], milestone: CURRENT, labelEvents: events })).actions).toEqual([]);
  });

  it("does not judge moves made before moves_checked_from, nor the bot's own moves", () => {
    const old = [...created(), ...move(S.req, S.act, "10:00", "erin.sdr", "2026-11-10")];
    expect(plan(sales({ labels: [MOPS, S.act], milestone: null, labelEvents: old })).actions).toEqual([]);
    const byBot = [...created(), ...move(S.req, S.qMops, "10:00", "mops-bot")];
    expect(plan(sales({ labels: [MOPS, S.qMops], labelEvents: byBot })).actions).toEqual([]);
  });

  it("is idempotent after the undo, and explains a person's repeated move again only the next day", () => {
    const attempt1 = move(S.req, S.appr, "10:00", "erin.sdr", "2026-11-17");
    const undo1 = move(S.appr, S.req, "10:00", "mops-bot", "2026-11-17").map((e) => ({ ...e, createdAt: new Date("2026-11-17T10:00:05Z") }));
    const botNote = note("undone", "2026-11-17T10:00:05Z", "mops-bot", { botMarkers: [undone(S.appr, "erin.sdr", "2026-11-17")] });
    const after = sales({ labels: [MOPS, S.req], labelEvents: [...created(), ...attempt1, ...undo1], notes: [botNote] });
    expect(plan(after).actions).toEqual([]);

    const attempt2 = move(S.req, S.appr, "11:00", "erin.sdr");
    const again = sales({ labels: [MOPS, S.appr], labelEvents: [...created(), ...attempt1, ...undo1, ...attempt2], notes: [botNote] });
    const p = plan(again);
    expect(p.update).toEqual({ addLabels: [S.req], removeLabels: [S.appr] });
    expect(p.note?.markers).toEqual([undone(S.appr, "erin.sdr")]);
  });

  it("a non-owner who moves the label ten times in a day sees it undone ten times and gets one note", () => {
    const events: LabelEvent[] = [...created()];
    const notes: NoteInfo[] = [];
    let reverts = 0;
    for (let i = 0; i < 10; i++) {
      const at = `10:${String(i * 5).padStart(2, "0")}`;
      events.push(...move(S.req, S.appr, at, "erin.sdr"));
      const p = plan(sales({ labels: [MOPS, S.appr], labelEvents: events, notes: [...notes], userNotesCount: notes.length }));
      if (p.update.addLabels.includes(S.req) && p.update.removeLabels.includes(S.appr)) reverts++;
      events.push(...move(S.appr, S.req, at, "mops-bot").map((e) => ({ ...e, createdAt: new Date(e.createdAt.getTime() + 5000) })));
      if (p.note) notes.push(note(p.note.body, `2026-11-18T${at}:05Z`, "mops-bot"));
    }
    expect(reverts).toBe(10);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain("@erin.sdr");
    // Someone else doing the same that day gets their own note.
    events.push(...move(S.req, S.appr, "12:00", "mops.member1"));
    expect(plan(sales({ labels: [MOPS, S.appr], labelEvents: events, notes, userNotesCount: 1 })).note?.markers).toEqual([undone(S.appr, "mops.member1")]);
  });

  function toActioned(): LabelEvent[] {
    return [
      ...created(),
      ...move(S.req, S.appr, "10:00", "amy.owner"),
      ...move(S.appr, S.qMops, "10:30", "amy.owner"),
      ...move(S.qMops, S.qSys, "11:00", "mops.member1"),
      ...move(S.qSys, S.act, "12:00", "mops.member1"),
    ];
  }
});

describe("sales-systems workflow: misspelled and duplicate step labels", () => {
  it("repairs a misspelled label used for a good move (the workflow, not label hygiene, owns it)", () => {
    const events = [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ev("MktgOpsPrio::01: Approved", "10:00", "amy.owner")].filter((e) => e.label !== S.appr);
    const s = sales({ labels: [MOPS, "MktgOpsPrio::01: Approved"], labelEvents: events });
    const p = plan(s);
    expect(labelsAfter(s, p)).toEqual([MOPS, S.appr].sort());
    expect(p.actions.every((a) => a.rule === WF)).toBe(true);
    expect(commentsOf(p)[0]!.body).toContain("another spelling");
  });

  it("undoes a misspelled label used for a skipping move, without rules pulling the labels two ways", () => {
    // Free tier: the alias has another scope key, so the old step stays beside it.
    const events = [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ev("MtkgOpsPrio::04: Actioned", "11:00", "mops.member1")];
    const s = sales({ labels: [MOPS, S.appr, "MtkgOpsPrio::04: Actioned"], milestone: CURRENT, labelEvents: events });
    const p = plan(s);
    expect(p.conflicts).toEqual([]);
    expect(labelsAfter(s, p)).toEqual([MOPS, S.appr].sort());
    expect(commentsOf(p)).toHaveLength(1);
    expect(commentsOf(p)[0]!.marker).toBe(undone(S.act, "mops.member1"));
  });

  it("keeps the step applied last when two coexist after a good move", () => {
    const events = [...created(), ...move(S.req, S.appr, "10:00", "amy.owner"), ev(S.qMops, "11:00", "christine.owner")];
    const s = sales({ labels: [MOPS, S.appr, S.qMops], labelEvents: events });
    const p = plan(s);
    expect(p.update).toEqual({ addLabels: [], removeLabels: [S.appr] });
    expect(p.actions.every((a) => a.rule === WF)).toBe(true);
  });
});

describe("sales-systems workflow: history it asks for", () => {
  const needs = (s: ResourceSnapshot) => {
    const out = { labelEvents: false, notes: false };
    for (const r of rules) {
      const n = r.needs(s, context);
      out.labelEvents ||= n.labelEvents === true;
      out.notes ||= n.notes === true;
    }
    return out;
  };
  const bare = (over: Partial<ResourceSnapshot>) => {
    const s = sales(over);
    delete s.notes;
    delete s.labelEvents;
    return s;
  };

  it("nothing for a request in 00 without comments, or outside the workflow", () => {
    expect(needs(bare({ labels: [MOPS, S.req] }))).toEqual({ labelEvents: false, notes: false });
    expect(needs(bare({ labels: ["entapps-customer::OTHER"], userNotesCount: 3 }))).toEqual({ labelEvents: false, notes: false });
  });

  it("label events once a move into its step could be wrong; nothing when untouched since the checks started", () => {
    expect(needs(bare({ labels: [MOPS, S.qSys] }))).toEqual({ labelEvents: true, notes: false });
    expect(needs(bare({ labels: [MOPS, S.qSys], updatedAt: new Date("2026-11-10T00:00:00Z") }))).toEqual({ labelEvents: false, notes: false });
  });

  it("notes for comments that may hold commands, a proof, or the record of a close", () => {
    expect(needs(bare({ labels: [MOPS, S.req], userNotesCount: 2 }))).toEqual({ labelEvents: false, notes: true });
    expect(needs(bare({ labels: [MOPS, S.rel] }))).toEqual({ labelEvents: true, notes: true });
    expect(needs(bare({ labels: [MOPS, S.done] }))).toEqual({ labelEvents: true, notes: true });
  });
});
