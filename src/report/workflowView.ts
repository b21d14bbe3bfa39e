/**
 * The board and the Sales Systems steps both read a workflow the same way: which open issues it
 * applies to, which step each is in, and since when.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import { formatRef, type ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy, WorkflowDef } from "../policy/model.js";
import { workflowApplies } from "../rules/moves/scope.js";
import { currentSteps } from "../rules/workflow.js";
import { businessDaysSince, carriedSince } from "./age.js";
import type { AgedIssue, IssueLine } from "./types.js";
import { disclosedTitle, mayDisclose } from "../domain/disclosure.js";

/** The page may be published (GitLab Pages): a confidential issue shows its reference, not its title or labels. */
export function issueLine(s: ResourceSnapshot): IssueLine {
  return { ref: formatRef(s.ref), url: s.webUrl, title: disclosedTitle(s, null), assignees: s.assignees.map((a) => a.username) };
}

/** The workflow whose scoped label key is `scope` (e.g. MktgOps), if the policies have one. */
export function workflowOfScope(policy: CompiledPolicy, scope: string): WorkflowDef | undefined {
  return policy.workflows.find((w) => w.scope === scope);
}

/** The step labels in the order of labels.yml, the workflow's initial step included. */
export function stepLabels(policy: CompiledPolicy, w: WorkflowDef): string[] {
  const inSet = policy.taxonomy.set(w.scope)?.labels ?? [];
  const steps = new Set(w.steps.map((s) => s.label));
  if (w.initial !== null) steps.add(w.initial.includes("::") ? w.initial : `${w.scope}::${w.initial}`);
  const ordered = inSet.filter((l) => steps.has(l));
  return [...ordered, ...[...steps].filter((l) => !ordered.includes(l))];
}

export interface Placed {
  issue: ResourceSnapshot;
  /** The step's canonical label. */
  label: string;
  days: number;
}

/**
 * The open issues the workflow applies to, each with its step (the most recently applied one when
 * a scoped clash left two) and the business days it has been in that step.
 */
export function placeIssues(policy: CompiledPolicy, calendar: BusinessCalendar, w: WorkflowDef, open: ResourceSnapshot[], now: Date): Placed[] {
  const labels = stepLabels(policy, w);
  const out: Placed[] = [];
  for (const issue of open) {
    if (!workflowApplies(w, issue, policy)) continue;
    const present = currentSteps(w, issue, policy).map((c) => c.step.label);
    const initial = labels.filter((l) => issue.labels.some((x) => (policy.taxonomy.canonical(x) ?? x) === l));
    const candidates = [...new Set([...present, ...initial])].filter((l) => labels.includes(l));
    if (candidates.length === 0) continue;
    const sinceOf = (label: string) => carriedSince(issue.labelEvents, (x) => (policy.taxonomy.canonical(x) ?? x) === label, issue.createdAt);
    const [label, since] = candidates.map((l) => [l, sinceOf(l)] as const).sort((a, b) => b[1].getTime() - a[1].getTime())[0]!;
    out.push({ issue, label, days: businessDaysSince(calendar, since, now) });
  }
  return out;
}

export function aged(p: Placed): AgedIssue {
  return { ...issueLine(p.issue), label: mayDisclose(p.issue, null) ? p.label : "", days: p.days };
}

/** `04: In Progress` from `MktgOps::04: In Progress`. */
export function valueOf(label: string): string {
  const i = label.indexOf("::");
  return i < 0 ? label : label.slice(i + 2).trim();
}
