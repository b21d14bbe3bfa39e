/**
 * "A milestone cannot be closed nor marked complete until the milestone's accompanying merge
 * request has been merged": a team milestone found closed while its milestone MR is open is
 * reactivated, and the merge request gets a note saying why. Used by the Milestone Hook `close`
 * path of the server and by the milestones job.
 */
import { markerKey } from "../domain/markers.js";
import type { ResourceRef } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import type { ReportResource } from "../engine/report.js";
import { succeeded } from "../engine/scopePlan.js";
import type { TeamMilestone } from "../gitlab/index.js";
import type { MilestonePlatform } from "../engine/scopePlatform.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import type { CompiledPolicy, MilestonePolicy } from "../policy/model.js";
import { datedLikeAnIteration, isTeamIteration } from "../rules/milestones/plan.js";
import { milestoneMrBranch, mrBlockingClose } from "./mergeRequest.js";
import { milestoneMrProject, teamProjects } from "./project.js";

export const CLOSE_GUARD_RULE = "milestone-close-guard";

export interface CloseGuardDeps {
  policy: CompiledPolicy;
  platform: MilestonePlatform;
  calendar: BusinessCalendar;
  clock: () => Date;
  dryRun: boolean;
}

/** Reactivates `milestone` when it is closed and its milestone MR is open; the report entry, or null when nothing was wrong. */
export async function guardClosedMilestone(deps: CloseGuardDeps, m: MilestonePolicy, milestone: TeamMilestone): Promise<ReportResource | null> {
  if (milestone.state !== "closed") return null;
  const today = deps.calendar.today(deps.clock());
  const project = milestoneMrProject(deps.policy, m);
  const reads = deps.platform.milestoneReads;
  const blocking = mrBlockingClose(m, milestone.title, await reads.mergeRequestsInMilestone(project, milestone.title, today, milestoneMrBranch(m, milestone.title)));
  if (blocking === undefined) return null;
  const mrRef = `${blocking.ref.path}!${blocking.iid}`;
  const body = renderTemplate(templateText(deps.policy.templates, m.mr.closeBlockedTemplate), {
    milestone: milestone.title,
    ref: mrRef,
    url: blocking.webUrl,
    title: blocking.title,
    bot: deps.policy.scope.botUsername,
  });
  const reason = `The milestone was closed while its milestone merge request ${mrRef} is still open; it may be closed once that is merged.`;
  // Reactivated first: the note explains a reactivation, so it is written only after one.
  const reactivate = { type: "update_milestone" as const, group: milestone.group, id: milestone.id, changes: { stateEvent: "activate" as const }, today, rule: CLOSE_GUARD_RULE, reason };
  succeeded((await deps.platform.applyScope({ actions: [reactivate] })).outcomes[0]);
  const note = { type: "ensure_note" as const, target: blocking, marker: markerKey("milestone-close-blocked", milestone.title), body, rule: CLOSE_GUARD_RULE, reason };
  succeeded((await deps.platform.applyScope({ actions: [note] })).outcomes[0]);
  return {
    ref: `${milestone.group}%${milestone.iid ?? milestone.id}`,
    url: milestone.webUrl ?? "",
    title: milestone.title,
    actions: [{ type: "reactivate_milestone", title: milestone.title, mergeRequest: mrRef, rule: CLOSE_GUARD_RULE, reason }],
    conflicts: [],
  };
}

/** A Milestone Hook named this milestone: guard it when it is one of the team's. */
export async function guardMilestoneRef(deps: CloseGuardDeps, ref: ResourceRef): Promise<ReportResource | null> {
  const m = deps.policy.milestones;
  if (m === undefined || ref.kind !== "milestone") return null;
  const reads = deps.platform.milestoneReads;
  const milestone = await reads.groupMilestone(ref.path, ref.iid, deps.calendar.today(deps.clock()));
  if (milestone === null) return null;
  // Titled otherwise than the team's: theirs only when the team's issues use it, else another team's.
  const used = datedLikeAnIteration(m, milestone) ? await reads.milestonesUsedByTeam(teamProjects(deps.policy), [milestone]) : new Set<number>();
  if (!isTeamIteration(m, milestone, used)) return null;
  return guardClosedMilestone(deps, m, milestone);
}
