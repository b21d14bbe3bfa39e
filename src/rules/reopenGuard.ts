/**
 * Reopen guard (handbook: "Please do not re-open issues that have been closed in a previous
 * milestone"): an issue reopened after its milestone ended is closed again, with a note asking for
 * a new issue that links this one. A member of the policy's override group keeps it open by adding
 * the override label or commenting `@<bot> <override command>`.
 *
 * State history (resource state events) is fetched only for open issues in a past milestone, so
 * the guard costs nothing on the rest of a sweep.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot, StateEvent } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy, MilestonePolicy } from "../policy/model.js";
import type { Rule, RuleContext, RuleFactory } from "./types.js";
import { policyRegex } from "../policy/regex.js";

const RULE_ID = "reopen-guard";

function inPastMilestone(s: ResourceSnapshot, m: MilestonePolicy): boolean {
  const milestone = s.milestone;
  if (s.kind !== "issue" || s.state !== "opened" || milestone === null || milestone.timing !== "past") return false;
  return m.tempPattern === null || !policyRegex(m.tempPattern).test(milestone.title);
}

/** The reopen that put the issue back, when it is the latest change of state and came after the milestone ended. */
function lateReopen(s: ResourceSnapshot, ctx: RuleContext): StateEvent | undefined {
  const last = s.stateEvents?.at(-1);
  if (last === undefined || last.state !== "reopened") return undefined;
  const due = s.milestone?.dueDate ?? null;
  // A milestone closed without a due date ended before the reopen; with one, the reopen must come after it.
  if (due !== null && ctx.calendar.today(last.createdAt) <= due) return undefined;
  return last;
}

function overridden(s: ResourceSnapshot, reopen: StateEvent, m: MilestonePolicy, ctx: RuleContext): boolean {
  const members = new Set((ctx.policy.people[m.reopenGuard.overrideGroup] ?? []).map((u) => u.toLowerCase()));
  const isMember = (username: string | undefined) => username !== undefined && members.has(username.toLowerCase());
  const label = m.reopenGuard.overrideLabel;
  if (label !== null && s.labels.includes(label)) {
    const added = (s.labelEvents ?? []).filter((e) => e.label === label && e.action === "add").at(-1);
    if (added !== undefined && isMember(added.user?.username)) return true;
  }
  const command = m.reopenGuard.overrideCommand;
  if (command !== null) {
    const wanted = `@${ctx.policy.scope.botUsername} ${command}`.toLowerCase().replace(/\s+/g, " ");
    const said = (s.notes ?? []).some(
      (n) => !n.system && n.createdAt >= reopen.createdAt && isMember(n.author.username) && n.body.toLowerCase().replace(/\s+/g, " ").includes(wanted),
    );
    if (said) return true;
  }
  return false;
}

function createRule(policy: CompiledPolicy, m: MilestonePolicy): Rule {
  const overrideHelp = [
    m.reopenGuard.overrideCommand !== null ? `commenting "@${policy.scope.botUsername} ${m.reopenGuard.overrideCommand}"` : null,
    m.reopenGuard.overrideLabel !== null ? `adding the label "${m.reopenGuard.overrideLabel}"` : null,
  ].filter((x) => x !== null);
  return {
    id: RULE_ID,
    description: "Closes again an issue reopened after the milestone it was closed in ended, asking for a new issue instead.",
    appliesTo: ["issue"],
    needs(s) {
      if (!inPastMilestone(s, m)) return {};
      return {
        stateEvents: true,
        notes: m.reopenGuard.overrideCommand !== null && (s.userNotesCount ?? 1) > 0,
        labelEvents: m.reopenGuard.overrideLabel !== null && s.labels.includes(m.reopenGuard.overrideLabel),
      };
    },
    evaluate(s, ctx): Action[] {
      if (!inPastMilestone(s, m)) return [];
      const reopen = lateReopen(s, ctx);
      if (reopen === undefined || overridden(s, reopen, m, ctx)) return [];
      const milestone = s.milestone!;
      const reason = `It was reopened after its milestone ${milestone.title} ended; the handbook asks for a new issue instead.`;
      const body = renderTemplate(templateText(policy.templates, m.reopenGuard.template), {
        recipient: { trusted: mention(reopen.user?.username ?? s.author.username) },
        milestone: milestone.title,
        ref: `${s.ref.path}#${s.iid}`,
        url: s.webUrl,
        title: s.title,
        bot: policy.scope.botUsername,
        group: m.reopenGuard.overrideGroup,
        reason:
          overrideHelp.length > 0
            ? `Members of ${m.reopenGuard.overrideGroup} can keep it open by ${overrideHelp.join(" or ")}.`
            : "Ask the team if it really must stay open.",
      });
      return [
        { type: "close", rule: RULE_ID, reason },
        { type: "comment", body, marker: markerKey(RULE_ID, String(reopen.id)), rule: RULE_ID, reason },
      ];
    },
  };
}

export const reopenGuard: RuleFactory = {
  kind: RULE_ID,
  create: (policy) => (policy.milestones === undefined ? [] : [createRule(policy, policy.milestones)]),
};
