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
import { getGroupMilestone, mergeRequestsInMilestone, updateGroupMilestone, type GitLabPlatform, type TeamMilestone } from "../gitlab/index.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import type { CompiledPolicy, MilestonePolicy } from "../policy/model.js";
import { datedLikeAnIteration, isTeamIteration } from "./plan.js";
import { milestoneMrBranch, mrBlockingClose } from "./mergeRequest.js";
import { milestoneMrProject, teamProjects } from "./project.js";
import { milestonesUsedByTeam } from "./usage.js";

export const CLOSE_GUARD_RULE = "milestone-close-guard";

export interface CloseGuardDeps {
  policy: CompiledPolicy;
  platform: GitLabPlatform;
  calendar: BusinessCalendar;
  clock: () => Date;
  dryRun: boolean;
}

/** Reactivates `milestone` when it is closed and its milestone MR is open; the report entry, or null when nothing was wrong. */
export async function guardClosedMilestone(deps: CloseGuardDeps, m: MilestonePolicy, milestone: TeamMilestone): Promise<ReportResource | null> {
  if (milestone.state !== "closed") return null;
  const writer = { api: deps.platform.requester.api, dryRun: deps.dryRun };
  const today = deps.calendar.today(deps.clock());
  const project = milestoneMrProject(deps.policy, m);
  const blocking = mrBlockingClose(m, milestone.title, await mergeRequestsInMilestone(writer, project, milestone.title, today, milestoneMrBranch(m, milestone.title)));
  if (blocking === undefined) return null;
  await updateGroupMilestone(writer, milestone.group, milestone.id, { stateEvent: "activate" });
  const mrRef = `${blocking.ref.path}!${blocking.iid}`;
  const body = renderTemplate(templateText(deps.policy.templates, m.mr.closeBlockedTemplate), {
    milestone: milestone.title,
    ref: mrRef,
    url: blocking.webUrl,
    title: blocking.title,
    bot: deps.policy.scope.botUsername,
  });
  await deps.platform.ensureNote(blocking, markerKey("milestone-close-blocked", milestone.title), body);
  const reason = `The milestone was closed while its milestone merge request ${mrRef} is still open; it may be closed once that is merged.`;
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
  const writer = { api: deps.platform.requester.api, dryRun: deps.dryRun };
  const milestone = await getGroupMilestone(writer, ref.path, ref.iid, deps.calendar.today(deps.clock()));
  if (milestone === null) return null;
  // Titled otherwise than the team's: theirs only when the team's issues use it, else another team's.
  const used = datedLikeAnIteration(m, milestone) ? await milestonesUsedByTeam(writer, teamProjects(deps.policy), [milestone]) : new Set<number>();
  if (!isTeamIteration(m, milestone, used)) return null;
  return guardClosedMilestone(deps, m, milestone);
}
