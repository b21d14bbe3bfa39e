/**
 * Rollover, decided purely per issue: an issue still open when its milestone ended moves to the
 * next milestone with a note asking the assignee why (the handbook wants that context in the
 * issue). An issue that had already moved at the end of the milestone before is flagged.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { MilestoneInfo, ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy, MilestonePolicy } from "../policy/model.js";

export const ROLLOVER_RULE = "milestone-rollover";
const MARKER_PREFIX = "milestone-rollover:";

export function rolloverMarker(endedTitle: string): string {
  return markerKey("milestone-rollover", endedTitle);
}

/** Whether the notes show a rollover from another milestone than `endedTitle`. Needs the notes. */
export function movedBefore(issue: ResourceSnapshot, endedTitle: string): boolean {
  const mine = rolloverMarker(endedTitle);
  return (issue.notes ?? []).some((n) => n.botMarkers.some((m) => m.startsWith(MARKER_PREFIX) && m !== mine));
}

/** Who is asked: the assignees, or the author when nobody is assigned. */
export function recipientsOf(issue: ResourceSnapshot): string {
  const people = issue.assignees.length > 0 ? issue.assignees : [issue.author];
  return people.map((u) => mention(u.username)).join(" ");
}

export function rolloverActions(
  policy: CompiledPolicy,
  milestones: MilestonePolicy,
  issue: ResourceSnapshot,
  ended: Pick<MilestoneInfo, "title" | "dueDate">,
  next: Pick<MilestoneInfo, "id" | "title">,
): { actions: Action[]; movedBefore: boolean } {
  const twice = movedBefore(issue, ended.title);
  const reason = `The milestone ${ended.title} ended${ended.dueDate ? ` on ${ended.dueDate}` : ""} while this issue was still open, so I moved it to the next milestone.${
    twice ? " It had already moved at the end of the milestone before: please check whether it should be split, re-planned or closed." : ""
  }`;
  const why = `${ended.title} ended with the issue still open${twice ? "; it moved for the second time in a row" : ""}`;
  const body = renderTemplate(templateText(policy.templates, milestones.rollover.noteTemplate), {
    recipient: { trusted: recipientsOf(issue) },
    reason,
    milestone: next.title,
    ref: issue.ref.path + "#" + issue.iid,
    url: issue.webUrl,
    title: issue.title,
    bot: policy.scope.botUsername,
  });
  const actions: Action[] = [
    { type: "set_milestone", milestoneId: next.id, milestoneTitle: next.title, rule: ROLLOVER_RULE, reason: why },
    { type: "comment", body, marker: rolloverMarker(ended.title), rule: ROLLOVER_RULE, reason: why },
  ];
  if (twice && milestones.rollover.flagLabel !== null) {
    actions.push({ type: "add_labels", labels: [milestones.rollover.flagLabel], rule: ROLLOVER_RULE, reason: why });
  }
  return { actions, movedBefore: twice };
}
