/**
 * Intake: a new issue in the MOps project whose description has no user story ("As a ..., I
 * would like ..., so that ...") is moved to `MktgOps::01: Needs More Information` with a note
 * showing the format — once. When the note is there, the bot does not ask again, whatever people
 * do with the stage afterwards. Only new issues are checked (intake.yml `new_issue_days`), so the
 * backlog is never relabelled. The check is opt-in (intake.yml `user_story.enabled`): only the
 * older handbook page asks for the format.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import { hasUserStory } from "../intake/userStory.js";
import type { CompiledPolicy } from "../policy/model.js";
import { labelRef } from "./labelRefs.js";
import type { Rule, RuleFactory } from "./types.js";

const RULE_ID = "intake:user-story";
export const USER_STORY_MARKER = markerKey("intake", "user-story");
const DAY_MS = 86_400_000;

/** Whether the check looks at this issue at all: new, in the MOps project, at the start of the stages, no story. */
export function userStoryCheckApplies(policy: CompiledPolicy, s: ResourceSnapshot, now: Date): boolean {
  const intake = policy.intake;
  if (!intake || !intake.userStory.enabled || s.kind !== "issue" || s.state !== "opened") return false;
  if (!intake.projectRoles.some((r) => s.projectRoles.includes(r))) return false;
  if (s.author.username.toLowerCase() === policy.scope.botUsername.toLowerCase()) return false;
  if (now.getTime() - s.createdAt.getTime() > intake.userStory.newIssueDays * DAY_MS) return false;
  const t = policy.taxonomy;
  const labels = s.labels.map((l) => t.canonical(l) ?? l);
  if (labels.some((l) => intake.userStory.skipLabels.includes(l))) return false;
  const stageKey = t.setOf(intake.userStory.startLabel)?.key;
  const stages = labels.filter((l) => stageKey !== undefined && t.setOf(l)?.key === stageKey);
  if (!(stages.length === 0 || (stages.length === 1 && stages[0] === intake.userStory.startLabel))) return false;
  return !hasUserStory(s.description);
}

const alreadyAsked = (s: ResourceSnapshot) => (s.notes ?? []).some((n) => n.botMarkers.includes(USER_STORY_MARKER));

/**
 * Whether this reconcile moves the issue to the "needs information" stage. The stage workflow asks
 * this before giving a new issue its initial stage, so the two never add two stages at once.
 */
export function userStoryMoveDue(policy: CompiledPolicy, s: ResourceSnapshot, now: Date): boolean {
  const historyKnown = s.notes !== undefined || s.userNotesCount === 0;
  return userStoryCheckApplies(policy, s, now) && historyKnown && !alreadyAsked(s);
}

export const intakeUserStory: RuleFactory = {
  kind: RULE_ID,
  create(policy) {
    const intake = policy.intake;
    if (!intake) return [];
    const rule: Rule = {
      id: RULE_ID,
      description: "A new MOps issue without a user story moves to Needs More Information, with a note showing the format (once).",
      appliesTo: ["issue"],
      // The bot's notes are read only for a new issue the check would move, and only when it has comments.
      needs: (s, ctx) => (s.userNotesCount !== 0 && userStoryCheckApplies(policy, s, ctx.now) ? { notes: true } : {}),
      evaluate(s, ctx) {
        if (!userStoryMoveDue(policy, s, ctx.now)) return [];
        const { label, startLabel, template } = intake.userStory;
        const reason = `A new issue's description should hold a user story ("As a ..., I would like ..., so that ..."); none was found.`;
        const actions: Action[] = [{ type: "add_labels", labels: [label], rule: RULE_ID, reason }];
        if (s.labels.some((l) => (policy.taxonomy.canonical(l) ?? l) === startLabel)) {
          actions.push({ type: "remove_labels", labels: s.labels.filter((l) => (policy.taxonomy.canonical(l) ?? l) === startLabel), rule: RULE_ID, reason });
        }
        actions.push({
          type: "comment",
          rule: RULE_ID,
          reason,
          marker: USER_STORY_MARKER,
          body: renderTemplate(templateText(policy.templates, template), {
            recipient: { trusted: mention(s.author.username) },
            label: { trusted: labelRef(label) },
            title: s.title,
            bot: { trusted: policy.scope.botUsername },
          }),
        });
        return actions;
      },
    };
    return [rule];
  },
};
