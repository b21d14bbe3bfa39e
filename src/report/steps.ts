/**
 * The Sales Systems steps: how many MOps requests sit in each MktgOpsPrio step and for how long
 * (business days since the step's label was applied), with the request waiting longest.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { CompiledPolicy, WorkflowDef } from "../policy/model.js";
import { median } from "./age.js";
import { workflowListScope } from "./board.js";
import { issueListUrl } from "./links.js";
import type { StepsModel } from "./types.js";
import { aged, placeIssues, stepLabels, valueOf } from "./workflowView.js";

export function buildSteps(policy: CompiledPolicy, calendar: BusinessCalendar, w: WorkflowDef, open: ResourceSnapshot[], now: Date, gitlabUrl: string): StepsModel {
  const scope = workflowListScope(policy, w);
  const placed = placeIssues(policy, calendar, w, open, now);
  const where = w.where.labels;
  return {
    workflow: w.id,
    total: { value: placed.length, href: issueListUrl(gitlabUrl, scope, { labels: where }) },
    steps: stepLabels(policy, w).map((label) => {
      const here = placed.filter((p) => p.label === label).sort((a, b) => b.days - a.days || a.issue.iid - b.issue.iid);
      const days = here.map((p) => p.days);
      return {
        label,
        value: valueOf(label),
        count: { value: here.length, href: issueListUrl(gitlabUrl, scope, { labels: [...where, label] }) },
        medianDays: median(days),
        oldestDays: days.length > 0 ? days[0]! : null,
        oldest: here.length > 0 ? aged(here[0]!) : null,
      };
    }),
  };
}
