/**
 * Shared set-up for the Sales Systems workflow and command tests: the shipped policies, the
 * workflow's rules beside the label rules, snapshots of Sales Systems issues and label histories.
 */
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import type { Action } from "../../../src/domain/actions.js";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { LabelEvent, ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { buildPlan } from "../../../src/engine/plan.js";
import { evaluateRules } from "../../../src/engine/reconcile.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { loadPolicies } from "../../../src/policy/load.js";
import { buildRules } from "../../../src/rules/registry.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, NEXT, NOW, PAST, issue, milestone, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

export const WF = "workflow:sales-systems-prioritisation";
export const CMD = "commands:sales-systems-prioritisation";
const P = (v: string) => `MktgOpsPrio::${v}`;
export const S = {
  req: P("00: Requested"),
  appr: P("01: In Approved"),
  qMops: P("02: In Queue - Mops"),
  qSys: P("03: In Queue - Systems"),
  act: P("04: Actioned"),
  uat: P("05: Business Owner UAT"),
  rel: P("06: Pending Release"),
  done: P("07: Complete"),
};
export const MOPS = "entapps-customer::MOPS";
export const TEMP = milestone({ id: 777, title: "Temp - Sales Systems backlog", startDate: null, dueDate: null, timing: "undated" });
export const UPLOAD = "UAT passed in staging: ![lead status](/uploads/0123456789abcdef0123456789abcdef/uat.png)";

export interface SalesSystemsKit {
  policy: CompiledPolicy;
  rules: Rule[];
  context: RuleContext;
  plan(s: ResourceSnapshot): ResourcePlan;
}

export async function salesSystemsKit(): Promise<SalesSystemsKit> {
  const policy = await loadPolicies(TEST_POLICIES_DIR);
  // The workflow and the commands, beside the two label rules that must leave its labels to it.
  const rules = buildRules(policy, [WF, CMD, "label-hygiene", "scoped-exclusivity"]);
  const context: RuleContext = {
    policy,
    calendar: createBusinessCalendar(policy.calendar),
    now: NOW,
    milestones: [PAST, CURRENT, NEXT, TEMP],
    botUsername: "mops-bot",
  };
  return { policy, rules, context, plan: (s) => buildPlan(s, evaluateRules(s, rules, context), policy.taxonomy) };
}

let eventId = 50_000;

/** A label event at a time on the day the checks are on (NOW is 15:00 that day). */
export function ev(label: string, hhmm: string, by: string, action: "add" | "remove" = "add", day = "2026-11-18"): LabelEvent {
  return { id: eventId++, action, label, user: user(by), createdAt: new Date(`${day}T${hhmm}:00Z`) };
}

/** A person moving from one step label to another at once (GitLab's scoped-label swap). */
export function move(from: string | null, to: string, hhmm: string, by: string, day?: string): LabelEvent[] {
  return [ev(to, hhmm, by, "add", day), ...(from ? [ev(from, hhmm, by, "remove", day)] : [])];
}

/** History: created in 00 by the requester, before the checks were switched on. */
export const created = () => move(null, S.req, "09:00", "dan.requester", "2026-11-02");

export function sales(over: Partial<ResourceSnapshot>): ResourceSnapshot {
  return issue({
    projectPath: "gitlab-com/sales-team/field-operations/systems",
    projectRoles: ["sales-systems"],
    author: user("dan.requester"),
    updatedAt: NOW,
    userNotesCount: over.notes?.length ?? 0,
    notes: [],
    ...over,
  });
}

export const commentsOf = (p: ResourcePlan) => p.actions.filter((a): a is Extract<Action, { type: "comment" }> => a.type === "comment");
export const labelsAfter = (s: ResourceSnapshot, p: ResourcePlan) => [...s.labels.filter((l) => !p.update.removeLabels.includes(l)), ...p.update.addLabels].sort();
