/**
 * Rollover, decided purely per issue: an issue still open when its milestone ended moves to the
 * current milestone with a note asking the assignee why ("Context as to why an Issue is moving to a
 * new milestone will be posted in the Issue"); nobody is asked twice about the same issue. Finished
 * issues are listed for closing and future work stays where it is. An issue that had already
 * moved at the end of the milestone before is flagged in the Slack list.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { MilestoneInfo, ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mentionEach, mentionedIn } from "../domain/text.js";
import type { CompiledPolicy, MilestonePolicy } from "../policy/model.js";

export const ROLLOVER_RULE = "milestone-rollover";
const MARKER_PREFIX = "milestone-rollover:";

export function rolloverMarker(endedTitle: string): string {
  return markerKey("milestone-rollover", endedTitle);
}

/** Whether the notes show a rollover from another milestone than `endedTitle`. Needs the notes. */
function movedBefore(issue: ResourceSnapshot, endedTitle: string): boolean {
  const mine = rolloverMarker(endedTitle);
  return (issue.notes ?? []).some((n) => n.botMarkers.some((m) => m.startsWith(MARKER_PREFIX) && m !== mine));
}

/** Usernames the bot's earlier rollover notes on this issue already asked. Needs the notes. */
function alreadyAsked(issue: ResourceSnapshot): Set<string> {
  const asked = new Set<string>();
  for (const n of issue.notes ?? []) {
    if (!n.botMarkers.some((m) => m.startsWith(MARKER_PREFIX))) continue;
    for (const username of mentionedIn(n.body)) asked.add(username);
  }
  return asked;
}

/**
 * Who is asked: the assignees (or the author when nobody is assigned), each once, except whom an
 * earlier rollover note asked and the bot itself (it authors the issues it opens).
 */
function recipientsOf(issue: ResourceSnapshot, bot: string): string[] {
  const people = issue.assignees.length > 0 ? issue.assignees : [issue.author];
  const asked = alreadyAsked(issue);
  asked.add(bot.toLowerCase());
  const out: string[] = [];
  for (const u of people) {
    const key = u.username.toLowerCase();
    if (asked.has(key)) continue;
    asked.add(key);
    out.push(u.username);
  }
  return out;
}

export type RolloverDecision =
  /** The issue carries a label of `rollover.leave_labels` (e.g. future work): it stays, untouched. */
  | { kind: "leave"; label: string }
  /** The issue carries a label of `rollover.completed_labels`: listed for closing, not moved. */
  | { kind: "completed"; label: string }
  | { kind: "move"; actions: Action[]; movedBefore: boolean };

/** The label of `wanted` the issue carries, old spellings included. */
function carried(policy: CompiledPolicy, issue: ResourceSnapshot, wanted: string[]): string | undefined {
  const canonical = (l: string) => policy.taxonomy.canonical(l) ?? l;
  const want = new Set(wanted.map(canonical));
  return issue.labels.find((l) => want.has(canonical(l)));
}

/** What both rollover functions are given: the issue, the milestone that ended and the current one. */
type RolloverArgs = [
  policy: CompiledPolicy,
  milestones: MilestonePolicy,
  issue: ResourceSnapshot,
  ended: Pick<MilestoneInfo, "title" | "dueDate">,
  next: Pick<MilestoneInfo, "id" | "title">,
];

/**
 * What happens to an issue still open in `ended` when the job runs: it moves to `next` (the current
 * milestone) with at most one note, which asks the people on it for the context the handbook wants
 * in the issue; a finished or future-work issue stays where it is.
 */
export function rolloverDecision(...args: RolloverArgs): RolloverDecision {
  const [policy, milestones, issue] = args;
  const leave = carried(policy, issue, milestones.rollover.leaveLabels);
  if (leave !== undefined) return { kind: "leave", label: leave };
  const completed = carried(policy, issue, milestones.rollover.completedLabels);
  if (completed !== undefined) return { kind: "completed", label: completed };
  return { kind: "move", ...rolloverActions(...args) };
}

/** The actions that move an issue still open in `ended` to `next`, whatever labels it carries. */
export function rolloverActions(...[policy, milestones, issue, ended, next]: RolloverArgs): { actions: Action[]; movedBefore: boolean } {
  const twice = movedBefore(issue, ended.title);
  const reason = `The milestone ${ended.title} ended${ended.dueDate ? ` on ${ended.dueDate}` : ""} while this issue was still open, so I moved it to the current milestone.${
    twice ? " It had also moved at the end of the milestone before." : ""
  }`;
  const why = `${ended.title} ended with the issue still open${twice ? "; it moved for the second time in a row" : ""}`;
  const actions: Action[] = [{ type: "set_milestone", milestoneId: next.id, milestoneTitle: next.title, rule: ROLLOVER_RULE, reason: why }];
  // Everyone on the issue was asked for the context at an earlier move, or only the bot is on it: the move alone says enough.
  const recipients = recipientsOf(issue, policy.scope.botUsername);
  if (recipients.length > 0) {
    const body = renderTemplate(templateText(policy.templates, milestones.rollover.noteTemplate), {
      recipient: { trusted: mentionEach(recipients, policy.scope.botUsername) },
      reason,
      milestone: next.title,
      ref: issue.ref.path + "#" + issue.iid,
      url: issue.webUrl,
      title: issue.title,
      bot: policy.scope.botUsername,
    });
    actions.push({ type: "comment", body, marker: rolloverMarker(ended.title), rule: ROLLOVER_RULE, reason: why });
  }
  if (twice && milestones.rollover.flagLabel !== null) {
    actions.push({ type: "add_labels", labels: [milestones.rollover.flagLabel], rule: ROLLOVER_RULE, reason: why });
  }
  return { actions, movedBefore: twice };
}
