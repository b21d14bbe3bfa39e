/**
 * SLA clocks under rollout.yml: time before the adoption date does not count unless the policy
 * says so, and a goal already missed before adoption goes into the adoption report instead of a
 * breach note. Shipped policies, fixed clock, snapshot builders.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Action } from "../../../src/domain/actions.js";
import { createBusinessCalendar, type BusinessCalendar } from "../../../src/domain/calendar.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { allowedOnBacklog, listedProblems } from "../../../src/rules/rollout/backlog.js";
import { slas } from "../../../src/rules/sla.js";
import type { Rule } from "../../../src/rules/types.js";
import { CURRENT, ctx, issue, labelEvent, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const MEDIUM = "MktgOpsPriority:: 02-Medium"; // 15 business days
const CREATED = "2026-03-02T15:00:00Z"; // months before adoption
const NOW = new Date("2026-11-20T15:00:00Z"); // Friday, 3 business days after adoption

let base: CompiledPolicy;
let calendar: BusinessCalendar;

beforeAll(async () => {
  base = await loadPolicies(TEST_POLICIES_DIR);
  calendar = createBusinessCalendar(base.calendar);
});

function adopted(over: { countBeforeAdoption?: boolean } = {}): { policy: CompiledPolicy; rule: Rule } {
  const rollout = { ...base.rollout!, adoptedOn: "2026-11-17", sla: { countBeforeAdoption: over.countBeforeAdoption ?? false, missedBeforeAdoption: "list" as const } };
  const policy = { ...base, rollout };
  return { policy, rule: slas.create(policy)[0]! };
}

const oldMedium = (): ResourceSnapshot =>
  issue({ createdAt: new Date(CREATED), labels: [MEDIUM], labelEvents: [labelEvent(MEDIUM, CREATED)], assignees: [user("mops.member2")] });

const comments = (actions: Action[]) => actions.filter((a) => a.type === "comment");

describe("SLA clocks and the adoption date", () => {
  it("without rollout.yml, an issue overdue for months gets a breach note (the flood adoption prevents)", () => {
    const policy = { ...base };
    delete policy.rollout;
    const actions = slas.create(policy)[0]!.evaluate(oldMedium(), ctx({ policy, calendar, now: NOW }));
    expect(comments(actions)).toHaveLength(1);
  });

  it("counts from the adoption date: three business days into a fifteen-day goal, nothing is due", () => {
    const { policy, rule } = adopted();
    const actions = rule.evaluate(oldMedium(), ctx({ policy, calendar, now: NOW }));
    expect(actions).toEqual([]);
  });

  it("with count_before_adoption, a goal missed before adoption is listed in the report, not announced", () => {
    const { policy, rule } = adopted({ countBeforeAdoption: true });
    const s = oldMedium();
    const raw = rule.evaluate(s, ctx({ policy, calendar, now: NOW }));
    expect(comments(raw)).toHaveLength(1);
    expect(raw.every((a) => a.adoption === "sla-missed")).toBe(true);
    expect(allowedOnBacklog(raw, s, policy)).toEqual([]);
    expect(listedProblems(raw, s, policy)).toEqual([{ family: "sla-missed", rule: "sla", reason: expect.stringContaining("The goal was missed") }]);
  });

  it("a goal missed after adoption is a breach like any other, announced", () => {
    const { policy, rule } = adopted();
    const later = new Date("2026-12-15T15:00:00Z"); // 20 business days after adoption
    const actions = allowedOnBacklog(rule.evaluate(oldMedium(), ctx({ policy, calendar, now: later })), oldMedium(), policy);
    expect(comments(actions)).toHaveLength(1);
    expect(actions.some((a) => a.adoption !== undefined)).toBe(false);
  });

  it("a milestone goal's warning is a share of the time from the adoption date, not from a start months ago", () => {
    const HIGH = "MktgOpsPriority:: 01-High";
    const s = issue({ createdAt: new Date(CREATED), labels: [HIGH], labelEvents: [labelEvent(HIGH, CREATED)], milestone: CURRENT, assignees: [user("mops.member2")] });
    const now = new Date("2026-11-18T15:00:00Z"); // a day after adoption, days before the milestone is due
    const { policy, rule } = adopted();
    expect(comments(rule.evaluate(s, ctx({ policy, calendar, now })))).toEqual([]);
    const before = { ...base };
    delete before.rollout;
    expect(comments(slas.create(before)[0]!.evaluate(s, ctx({ policy: before, calendar, now })))).toHaveLength(1);
  });
});
