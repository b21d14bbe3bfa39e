/** The attention budget's decisions: across rules, across runs of a day (the ledger), and what is already said. */
import { describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import { markerComment } from "../../../src/domain/markers.js";
import { AttentionBudget, dailyListNote, spentToday, type HeldItem } from "../../../src/engine/attention.js";
import { mentionedIn } from "../../../src/domain/text.js";
import { BOT, issue, note } from "../../support/builders.js";

const comment = (rule: string, body: string, marker = rule): Action => ({ type: "comment", rule, reason: `${rule} says so.`, body, marker });
const TODAY = "2026-11-18";

describe("attention budget", () => {
  it("lets one mention of a person through per day, whichever rule asks, and holds the rest for the daily list", () => {
    const budget = new AttentionBudget(1, TODAY, new Map(), BOT.username);
    const a = budget.admit(issue({ iid: 1 }), [comment("sla", "@mops.member1 the goal was missed"), { type: "add_labels", labels: ["x"], rule: "sla", reason: "r" }]);
    const b = budget.admit(issue({ iid: 2 }), [comment("triage:triage-dri-ping", "@mops.member1 please triage")]);
    const c = budget.admit(issue({ iid: 3 }), [comment("workflow:mktgops-stage", "@mops.member1 and @amy.owner: a stage needs an assignee")]);
    expect(a.map((x) => x.type)).toEqual(["comment", "add_labels"]);
    expect(b).toEqual([]);
    expect(c).toEqual([]);
    expect([...budget.heldItems().keys()].sort()).toEqual(["amy.owner", "mops.member1"]);
    expect(budget.heldItems().get("mops.member1")!.map((i) => i.reason)).toEqual(["triage:triage-dri-ping says so.", "workflow:mktgops-stage says so."]);
    // A note without a mention costs no attention budget.
    expect(budget.admit(issue({ iid: 4 }), [comment("label-hygiene", "I replaced a label.")])).toHaveLength(1);
  });

  it("counts a person once whatever case their username is given in", () => {
    const budget = new AttentionBudget(1, TODAY, new Map([["mops.member1", 1]]), BOT.username);
    expect(budget.grantable(["Mops.Member1"])).toBe(false);
    expect(budget.grant(issue({ iid: 1 }).ref, "sla", ["Mops.Member1"])).toBe(false);
    expect(budget.spentMap().get("mops.member1")).toBe(1);
  });

  it("continues the day's count from the ledger another run wrote, and a new day starts afresh", () => {
    const first = new AttentionBudget(1, TODAY, new Map(), BOT.username);
    first.admit(issue({ iid: 1 }), [comment("sla", "@mops.member1 missed")]);
    const ledger = first.ledgerDescription();
    expect(mentionedIn(ledger)).toEqual([]);
    const again = new AttentionBudget(1, TODAY, spentToday(ledger, TODAY), BOT.username);
    expect(again.admit(issue({ iid: 2 }), [comment("sla", "@mops.member1 missed", "other")])).toEqual([]);
    const tomorrow = new AttentionBudget(1, "2026-11-19", spentToday(ledger, "2026-11-19"), BOT.username);
    expect(tomorrow.admit(issue({ iid: 2 }), [comment("sla", "@mops.member1 missed", "other")])).toHaveLength(1);
  });

  it("does not count a message already said (its marker is on a note): it is not posted again anyway", () => {
    const budget = new AttentionBudget(1, TODAY, new Map([["mops.member1", 1]]), BOT.username);
    const said = issue({ notes: [note(`@mops.member1 missed\n\n${markerComment("sla:breach")}`, "2026-11-18T10:00:00Z", BOT.username)] });
    expect(budget.admit(said, [comment("sla", "@mops.member1 missed", "sla:breach")])).toHaveLength(1);
    expect(budget.heldItems().size).toBe(0);
  });

  it("lists a held-back merge request by its merge request reference, not as the issue with its number", () => {
    const budget = new AttentionBudget(0, TODAY, new Map(), BOT.username);
    const mr = issue({ iid: 9, kind: "merge_request", ref: { kind: "merge_request", path: "mops/tracker", iid: 9 }, projectPath: "mops/tracker" });
    expect(budget.admit(mr, [comment("sla", "@mops.member1 missed")])).toEqual([]);
    expect(budget.heldItems().get("mops.member1")!.map((i) => i.ref)).toEqual(["mops/tracker!9"]);
  });

  it("finds mentions as GitLab does: not in code, not in email addresses", () => {
    expect(mentionedIn("Hi @Amy.Owner and @bob_x, mail bob@example.com, `@not.this` ```\n@nor.this\n```")).toEqual(["amy.owner", "bob_x"]);
  });
});

describe("daily list note", () => {
  const item = (iid: number, reason: string): HeldItem => ({ ref: `mops/tracker#${iid}`, url: `https://gitlab.example/mops/tracker/-/issues/${iid}`, title: `Issue ${iid}`, projectPath: "mops/tracker", confidential: false, reason });

  it("keeps the items another job held back the same day beside this run's, each once", () => {
    const sweep = dailyListNote("mops.member1", "2026-11-30", [item(3, "waiting in triage"), item(12, "waiting in triage")], "mops/tracker");
    const both = dailyListNote("mops.member1", "2026-11-30", [item(7, "MktgOps 2026-11-16 ended with the issue still open"), item(3, "waiting in triage")], "mops/tracker", sweep);
    expect(both).toContain("(3)");
    expect(both.split("\n").filter((l) => l.startsWith("- [ ]")).map((l) => l.split(" ")[3])).toEqual(["mops/tracker#3", "mops/tracker#7", "mops/tracker#12"]);
    expect(mentionedIn(both)).toEqual([]);
  });
});
