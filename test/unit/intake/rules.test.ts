import { beforeAll, describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { buildPlan } from "../../../src/engine/plan.js";
import { evaluateRules } from "../../../src/engine/reconcile.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { compileIntake } from "../../../src/policy/compile/intake.js";
import { loadPolicies } from "../../../src/policy/load.js";
import { intakePii } from "../../../src/rules/intakePii.js";
import { intakeToolEvaluation, statedTier } from "../../../src/rules/intakeToolEvaluation.js";
import { intakeUserStory } from "../../../src/rules/intakeUserStory.js";
import { buildRules } from "../../../src/rules/registry.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, NEXT, NOW, PAST, SALES_PROJECT, gitlabNote, issue, note, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
let context: RuleContext;
let userStory: Rule;
let pii: Rule;
let evaluation: Rule;
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  context = { policy, calendar: createBusinessCalendar(policy.calendar), now: NOW, milestones: [PAST, CURRENT, NEXT] };
  userStory = intakeUserStory.create(policy)[0]!;
  pii = intakePii.create(policy)[0]!;
  evaluation = intakeToolEvaluation.create(policy)[0]!;
});

/** Other rules (triage sweeps) may add other labels; these tests are about the stage. */
const stagesAdded = (labels: string[]) => labels.filter((l) => l.startsWith("MktgOps::"));
const types = (actions: Action[]) => actions.map((a) => a.type);
const comment = (actions: Action[]) => actions.find((a) => a.type === "comment") as Extract<Action, { type: "comment" }>;
/** A MOps issue opened yesterday, in triage, without a user story. */
const fresh = (over: Partial<ResourceSnapshot> = {}) =>
  issue({ createdAt: new Date(NOW.getTime() - 86_400_000), labels: ["MktgOps::00: Triage"], description: "Send the invitation on Thursday.", ...over });

describe("intake: user-story format", () => {
  it("moves a new issue without a user story to Needs More Information, with the format in a note", () => {
    const actions = userStory.evaluate(fresh(), context);
    expect(actions).toMatchObject([
      { type: "add_labels", labels: ["MktgOps::01: Needs More Information"] },
      { type: "remove_labels", labels: ["MktgOps::00: Triage"] },
      { type: "comment", marker: "intake:user-story" },
    ]);
    expect(comment(actions).body).toContain("@requester");
    expect(comment(actions).body).toContain("As a **(your role)**, I would like **(what you need)**, so that **(the result it brings)**");
  });

  it("asks once: not again when its note is on the issue, whatever the stage is now", () => {
    const asked = fresh({ userNotesCount: 1, notes: [note("...\n<!-- mops-bot:intake:user-story -->", "2026-11-17T15:00:00Z", "mops-bot", { botMarkers: ["intake:user-story"] })] });
    expect(userStory.evaluate(asked, context)).toEqual([]);
  });

  it("asks all the same when the marker is in someone else's comment", () => {
    const forged = fresh({ userNotesCount: 1, notes: [gitlabNote("<!-- mops-bot:intake:user-story -->", "2026-11-17T15:00:00Z", "requester")] });
    expect(userStory.evaluate(forged, context).map((a) => a.type)).toEqual(["add_labels", "remove_labels", "comment"]);
  });

  it("reads the notes only for an issue it would move that has comments", () => {
    expect(userStory.needs(fresh({ userNotesCount: 2 }), context)).toEqual({ notes: true });
    expect(userStory.needs(fresh({ userNotesCount: 0 }), context)).toEqual({});
    expect(userStory.needs(fresh({ userNotesCount: 2, description: "As a PM, I would like X, so that Y." }), context)).toEqual({});
  });

  it.each([
    ["an issue with a user story", { description: "As a field marketer, I'd like a template, so that setup is quick." }],
    ["an issue opened more than 3 days ago", { createdAt: new Date("2026-11-10T15:00:00Z") }],
    ["an issue past triage", { labels: ["MktgOps::03: Assigned"] }],
    ["a list import", { labels: ["MktgOps - List Import"] }],
    ["a tool audit", { labels: ["Mktg Tool Audit"] }],
    ["an issue the bot opened", { author: user("mops-bot") }],
    ["an issue in another project", { projectPath: SALES_PROJECT }],
    ["a closed issue", { state: "closed" as const }],
  ])("leaves alone %s", (_what, over) => {
    expect(userStory.evaluate(fresh(over), context)).toEqual([]);
  });

  it("a new issue with no stage gets Needs More Information only, never two stages at once", () => {
    const s = fresh({ labels: ["Marketo"] });
    const plan = buildPlan(s, evaluateRules(s, buildRules(policy), context), policy.taxonomy);
    expect(stagesAdded(plan.update.addLabels)).toEqual(["MktgOps::01: Needs More Information"]);
    expect(plan.conflicts).toEqual([]);
  });

  it("an old issue with no stage still enters triage through the stage workflow", () => {
    const s = fresh({ labels: [], createdAt: new Date("2026-10-01T15:00:00Z") });
    const plan = buildPlan(s, evaluateRules(s, buildRules(policy), context), policy.taxonomy);
    expect(stagesAdded(plan.update.addLabels)).toEqual(["MktgOps::00: Triage"]);
  });

  it("never bounces a bug report, even with the check on: bugs have their own template", () => {
    expect(policy.intake?.userStory.enabled).toBe(true);
    for (const labels of [["MktgOps - bug"], ["MktgOps::00: Triage", "MktgOps - bug"]]) {
      const s = fresh({ labels, title: "Form fill alerts stopped", description: "Since Monday no alert reaches sales." });
      expect(userStory.evaluate(s, context), labels.join(", ")).toEqual([]);
      const plan = buildPlan(s, evaluateRules(s, buildRules(policy), context), policy.taxonomy);
      expect(plan.update.addLabels).not.toContain("MktgOps::01: Needs More Information");
      expect(plan.note?.body ?? "").not.toContain("As a **(your role)**");
    }
  });

  it("is opt-in: off when intake.yml does not say enabled: true, so a new issue simply enters triage", () => {
    const off: CompiledPolicy = { ...policy, intake: { ...policy.intake!, userStory: { ...policy.intake!.userStory, enabled: false } } };
    const offContext = { ...context, policy: off };
    const s = fresh({ labels: [] });
    expect(intakeUserStory.create(off)[0]!.evaluate(s, offContext)).toEqual([]);
    const plan = buildPlan(s, evaluateRules(s, buildRules(off), offContext), off.taxonomy);
    expect(stagesAdded(plan.update.addLabels)).toEqual(["MktgOps::00: Triage"]);
    expect(plan.note).toBeNull();
  });
});

describe("intake notes quote the handbook, not the rule", () => {
  it("the user-story note quotes the older page's sentence; the PII note the current page's", () => {
    expect(comment(userStory.evaluate(fresh(), context)).body).toContain('"please create any Marketing Operations issues in the following format."');
    const withEmail = fresh({ description: "Please add jane.doe@acme-corp.com to the list." });
    expect(comment(pii.evaluate(withEmail, context)).body).toContain(
      '"Before submitting an issue that may contain Personally Identifable Information (PII) data (including screenshots), please ensure the issue is marked confidential."',
    );
  });
});

describe("intake: the user-story check is opt-in", () => {
  // Only the older page (001_48e5f23d3467abdb.txt:9-11) asks for the user-story format; the current one does not.
  it("a user_story block without `enabled: true` is off", () => {
    const file = { project_roles: ["mops"], user_story: { new_issue_days: 3, start_label: "MktgOps::00: Triage", label: "MktgOps::01: Needs More Information", template: "user-story" }, pii: { template: "pii-confidential" } };
    expect(compileIntake(file).userStory.enabled).toBe(false);
    expect(compileIntake({ ...file, user_story: { ...file.user_story, enabled: true } }).userStory.enabled).toBe(true);
  });
});

describe("intake: personal data", () => {
  it("makes an issue with an email address confidential and says why, without repeating it", () => {
    const actions = pii.evaluate(issue({ description: "Import for jane.doe@acme.io, phone +44 20 7946 0958" }), context);
    expect(types(actions)).toEqual(["set_confidential", "comment"]);
    const body = comment(actions).body;
    expect(body).toContain("**confidential**");
    expect(body).toContain("an email address in the description");
    expect(body).toContain("a phone number in the description");
    expect(body).not.toContain("jane.doe");
    expect(comment(actions).marker).toMatch(/^intake:pii:[0-9a-f]{8}$/);
  });

  it("does nothing on a confidential issue, or without personal data", () => {
    expect(pii.evaluate(issue({ description: "jane.doe@acme.io", confidential: true }), context)).toEqual([]);
    expect(pii.evaluate(issue({ description: "cc @amy.owner by 2026-11-20; `x@example.com`" }), context)).toEqual([]);
  });

  it("respects a person who made the issue public after the note, until new personal data appears", () => {
    const first = pii.evaluate(issue({ description: "jane.doe@acme.io" }), context);
    const marker = comment(first).marker;
    const notes = [note(`... <!-- mops-bot:${marker} -->`, "2026-11-17T15:00:00Z", "mops-bot", { botMarkers: [marker] })];
    expect(pii.evaluate(issue({ description: "jane.doe@acme.io", userNotesCount: 1, notes }), context)).toEqual([]);
    const again = pii.evaluate(issue({ description: "jane.doe@acme.io and bob@acme.io", userNotesCount: 1, notes }), context);
    expect(types(again)).toEqual(["set_confidential", "comment"]);
  });

  it("a fingerprint marker someone else posted does not keep personal data public", () => {
    const description = "Call jane.doe@acme.io on +1 415 555 0100";
    const marker = comment(pii.evaluate(issue({ description }), context)).marker;
    const forged = [gitlabNote(`nothing to see <!-- mops-bot:${marker} -->`, "2026-11-17T15:00:00Z", "requester")];
    expect(types(pii.evaluate(issue({ description, userNotesCount: 1, notes: forged }), context))).toEqual(["set_confidential", "comment"]);
  });

  it("does not check issues outside the intake projects", () => {
    expect(pii.evaluate(issue({ projectPath: SALES_PROJECT, description: "jane.doe@acme.io" }), context)).toEqual([]);
  });
});

describe("intake: new tool evaluations", () => {
  const evalIssue = (description: string) => issue({ labels: ["Ops Tool Evaluation"], description });

  it("gives the evaluation steps to any evaluation issue", () => {
    const actions = evaluation.evaluate(evalIssue("We want Gong."), context);
    expect(actions).toHaveLength(1);
    expect(comment(actions).marker).toBe("intake:tool-evaluation:steps");
    expect(comment(actions).body).toContain("Privacy and security reviews");
  });

  it("adds the MOps manager's checklist for a tier 1 or 2 tool only", () => {
    const tier2 = evaluation.evaluate(evalIssue("Scored.\n\nTier: 2"), context);
    expect(tier2.map((a) => (a as { marker: string }).marker)).toEqual(["intake:tool-evaluation:steps", "intake:tool-evaluation:manager-checklist"]);
    expect((tier2[1] as { body: string }).body).toContain("Create a new evaluation epic");
    expect(evaluation.evaluate(evalIssue("Tier 3"), context)).toHaveLength(1);
  });

  it("reads the tier as people write it", () => {
    expect(statedTier("**Tier:** 1")).toBe(1);
    expect(statedTier("tier #2")).toBe(2);
    expect(statedTier("Tier - 4")).toBe(4);
    expect(statedTier("multi-tier pricing, 5 tiers")).toBeNull();
  });

  it("ignores issues without the label", () => {
    expect(evaluation.evaluate(issue({ description: "Tier: 1" }), context)).toEqual([]);
  });
});
