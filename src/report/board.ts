/**
 * The stage board: open issues per stage of the MktgOps workflow and per assignee, with how long
 * they have been in their stage. An issue in the same stage longer than `stuckAfterDays` business
 * days is stuck: it is counted on its stage and listed by name.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { projectsWithRole, type CompiledPolicy, type WorkflowDef } from "../policy/model.js";
import { median } from "./age.js";
import { issueListUrl, scopeFor, type ListScope } from "./links.js";
import type { BoardModel, Count, StageRow } from "./types.js";
import { aged, placeIssues, stepLabels, valueOf } from "./workflowView.js";

export const UNASSIGNED = "";

/** Where a workflow's issue lists live: its projects (by role), or the whole group. */
export function workflowListScope(policy: CompiledPolicy, w: WorkflowDef): ListScope {
  const projects = w.where.projectRoles.flatMap((r) => projectsWithRole(policy.scope, r).map((p) => p.path));
  return projects.length === 0 ? { group: policy.scope.group } : scopeFor(policy.scope.group, projects);
}

export function buildBoard(
  policy: CompiledPolicy,
  calendar: BusinessCalendar,
  w: WorkflowDef,
  open: ResourceSnapshot[],
  now: Date,
  gitlabUrl: string,
  stuckAfterDays: number,
): BoardModel {
  const scope = workflowListScope(policy, w);
  const placed = placeIssues(policy, calendar, w, open, now);
  const assigneesOf = (s: ResourceSnapshot) => (s.assignees.length > 0 ? s.assignees.map((a) => a.username) : [UNASSIGNED]);
  const people = [...new Set(placed.flatMap((p) => assigneesOf(p.issue)))].sort((a, b) => (a === UNASSIGNED ? 1 : b === UNASSIGNED ? -1 : a.localeCompare(b)));
  const where = w.where.labels;
  const stages: StageRow[] = stepLabels(policy, w).map((label) => {
    const here = placed.filter((p) => p.label === label);
    const byAssignee = new Map<string, Count>();
    for (const person of people) {
      const value = here.filter((p) => assigneesOf(p.issue).includes(person)).length;
      byAssignee.set(person, { value, href: issueListUrl(gitlabUrl, scope, { labels: [...where, label], assignee: person === UNASSIGNED ? null : person }) });
    }
    const days = here.map((p) => p.days);
    return {
      label,
      value: valueOf(label),
      count: { value: here.length, href: issueListUrl(gitlabUrl, scope, { labels: [...where, label] }) },
      stuck: here.filter((p) => p.days > stuckAfterDays).length,
      medianDays: median(days),
      oldestDays: days.length > 0 ? Math.max(...days) : null,
      byAssignee,
    };
  });
  const stuck = placed.filter((p) => p.days > stuckAfterDays).sort((a, b) => b.days - a.days || a.issue.iid - b.issue.iid).map(aged);
  return {
    workflow: w.id,
    scope: w.scope,
    stuckAfterDays,
    total: { value: placed.length, href: issueListUrl(gitlabUrl, scope, { labels: where }) },
    stages,
    assignees: people,
    stuck,
  };
}
