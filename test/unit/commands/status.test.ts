/**
 * `@mops-bot status` answers on every issue in scope (the README promises it), not only on Sales
 * Systems requests: engine-level, with the test policies and a fixed clock.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { project } from "../../../src/engine/projection.js";
import { reconcileSnapshot } from "../../../src/engine/reconcile.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, NEXT, NOW, PAST, issue, note, user } from "../../support/builders.js";
import { memoryPlatform } from "../../support/memoryPlatform.js";
import { mopsRuleSet } from "../../support/policies.js";

const BOT = user("mops-bot", 1);
const ASSIGNED = "MktgOps::03: Assigned";
const HOUR = 3_600_000;

let rules: Rule[];
let context: RuleContext;
beforeAll(async () => {
  ({ rules, context } = await mopsRuleSet({ now: NOW, milestones: [PAST, CURRENT, NEXT], botUsername: "mops-bot" }));
});

/** A MOps issue in 03 without an assignee (a requirement not met), with the given comments. */
function assignedIssue(notes: ReturnType<typeof note>[]): ResourceSnapshot {
  return issue({ labels: [ASSIGNED, "MktgOpsPriority:: 03-Low"], milestone: NEXT, createdAt: new Date(NOW.getTime() - 30 * 24 * HOUR), updatedAt: notes.at(-1)?.createdAt ?? NOW, notes });
}

async function reconcile(s: ResourceSnapshot, ctx: RuleContext = context) {
  const platform = memoryPlatform(s, { bot: BOT, now: NOW, milestones: [PAST, CURRENT, NEXT] });
  const first = await reconcileSnapshot(platform.current(), { platform, rules, ctx });
  const second = await reconcileSnapshot(platform.current(), { platform, rules, ctx });
  return { first: first.plan, second: second.plan };
}

const statusReplies = (plan: ResourcePlan) => plan.actions.filter((a) => a.type === "comment" && a.rule === "commands:status");

describe("@mops-bot status on a MOps issue", () => {
  it("answers with the stage and what it needs, once, to the person who asked", async () => {
    const asked = note("@mops-bot status", new Date(NOW.getTime() - HOUR).toISOString(), "dan.fieldmktg");
    const { first, second } = await reconcile(assignedIssue([asked]));
    const replies = statusReplies(first);
    expect(replies).toHaveLength(1);
    const body = first.note!.body;
    expect(body).toContain("@dan.fieldmktg");
    expect(body).toContain('It is in ~"MktgOps::03: Assigned" (the `mktgops-stage` workflow).');
    expect(body).toMatch(/❌ an assignee/);
    expect(body).toContain(`<!-- mops-bot:cmd:${asked.id} -->`);
    expect(statusReplies(second)).toEqual([]);
  });

  it("answers the token user's real username too", async () => {
    const asked = note("@project_42_bot_7f3a status", new Date(NOW.getTime() - HOUR).toISOString(), "dan.fieldmktg");
    const { first } = await reconcile(assignedIssue([asked]), { ...context, botUsername: "project_42_bot_7f3a" });
    expect(statusReplies(first)).toHaveLength(1);
  });

  it("stays quiet for other words, quoted commands, and a question days old", async () => {
    for (const [body, ago] of [
      ["@mops-bot next", HOUR],
      ["> @mops-bot status", HOUR],
      ["@mops-bot status", 3 * 24 * HOUR],
    ] as const) {
      const { first } = await reconcile(assignedIssue([note(body, new Date(NOW.getTime() - ago).toISOString(), "dan.fieldmktg")]));
      expect(statusReplies(first), `${body} (${ago / HOUR} h ago)`).toEqual([]);
    }
  });

  it("reads no comments for an issue nobody changed lately", async () => {
    const rule = rules.find((r) => r.id === "commands:status")!;
    const old = issue({ labels: [ASSIGNED], userNotesCount: 3, updatedAt: new Date(NOW.getTime() - 5 * 24 * HOUR) });
    expect(rule.needs(old, context)).toEqual({});
    expect(rule.needs({ ...old, updatedAt: NOW }, context)).toEqual({ notes: true });
  });

  it("reads no comments for the state its plan leaves when nobody changed the issue lately: the bot's writes ask no question", async () => {
    const rule = rules.find((r) => r.id === "commands:status")!;
    const old = issue({ labels: [ASSIGNED], userNotesCount: 3, updatedAt: new Date(NOW.getTime() - 5 * 24 * HOUR) });
    const projected = project(old, { addLabels: ["MktgOpsPriority:: 03-Low"], removeLabels: [] }, [], { bot: BOT, now: NOW, milestones: [PAST, CURRENT, NEXT] });
    expect(projected.updatedAt).toEqual(NOW);
    expect(rule.needs(projected, context)).toEqual({});
    // A question asked lately is read for, and answered, whatever the plan changes.
    const asked = note("@mops-bot status", new Date(NOW.getTime() - HOUR).toISOString(), "dan.fieldmktg");
    const recent = { ...old, updatedAt: asked.createdAt };
    expect(rule.needs(project(recent, { addLabels: ["MktgOpsPriority:: 03-Low"], removeLabels: [] }, [], { bot: BOT, now: NOW, milestones: [PAST, CURRENT, NEXT] }), context)).toEqual({ notes: true });
    expect(rule.evaluate({ ...recent, notes: [asked] }, context)).toHaveLength(1);
  });
});
