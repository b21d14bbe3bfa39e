/**
 * Reopen guard (handbook: "Please do not re-open issues that have been closed in a previous
 * milestone"): an issue reopened after its milestone ended is closed again, with a note asking for
 * a new issue that links this one. A member of the policy's override group keeps it open by adding
 * the override label or commenting `@<bot> <override command>`, in either natural order: the
 * comment on the closed issue and then the reopen, or the reopen and then the comment. For the
 * second order the rule settles (`MOPS_SETTLE_SECONDS` on the webhook path): its close and note
 * wait that long after the reopen, so a member has the time to write the comment, and the reopen
 * gets one note at most (its marker is the reopen's state event id).
 *
 * State history (resource state events) is fetched only for open issues in a past milestone, so
 * the guard costs nothing on the rest of a sweep.
 */
import type { Action } from "../domain/actions.js";
import { markerKey } from "../domain/markers.js";
import type { ResourceSnapshot, StateEvent } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { parseCommand } from "../commands/parse.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy, MilestonePolicy } from "../policy/model.js";
import { botMentionNamesOf, botUsernameOf, type Rule, type RuleContext, type RuleFactory } from "./types.js";
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

/**
 * Since when a member's comment counts for this reopen: since the close it undid, so a comment
 * written on the closed issue just before reopening it counts, and one from before that close
 * (about an earlier episode) does not.
 */
function overrideWindowStart(s: ResourceSnapshot, reopen: StateEvent): Date {
  const events = s.stateEvents ?? [];
  const closed = events.slice(0, events.indexOf(reopen)).filter((e) => e.state === "closed").at(-1);
  return closed?.createdAt ?? reopen.createdAt;
}

/** Whether the comment's text starts with `@<bot> <command>`, the bot called by any name commands answer to. */
function saysCommand(body: string, command: string, botNames: string[]): boolean {
  const wanted = command.toLowerCase().split(/\s+/).filter((w) => w !== "");
  return botNames.some((name) => {
    const parsed = parseCommand(body, name);
    if (parsed === null) return false;
    const said = [parsed.name, ...parsed.args.map((a) => a.toLowerCase().replace(/[.!?,:;]+$/, ""))];
    return wanted.every((w, i) => said[i] === w);
  });
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
    const since = overrideWindowStart(s, reopen);
    const names = botMentionNamesOf(ctx);
    const said = (s.notes ?? []).some((n) => !n.system && n.createdAt >= since && isMember(n.author.username) && saysCommand(n.body, command, names));
    if (said) return true;
  }
  return false;
}

/** How a member keeps the issue open; the command in code format, so the note does not mention the bot. */
function overrideHelp(m: MilestonePolicy, bot: string): string[] {
  return [
    m.reopenGuard.overrideCommand !== null ? `commenting \`@${bot} ${m.reopenGuard.overrideCommand}\`` : null,
    m.reopenGuard.overrideLabel !== null ? `adding the label "${m.reopenGuard.overrideLabel}"` : null,
  ].filter((x) => x !== null);
}

function createRule(policy: CompiledPolicy, m: MilestonePolicy): Rule {
  return {
    id: RULE_ID,
    description: "Closes again an issue reopened after the milestone it was closed in ended, asking for a new issue instead.",
    appliesTo: ["issue"],
    // A member may reopen first and write the override command a moment later.
    settles: true,
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
      const help = overrideHelp(m, policy.scope.botUsername);
      const body = renderTemplate(templateText(policy.templates, m.reopenGuard.template), {
        recipient: { trusted: mention(reopen.user?.username ?? s.author.username) },
        milestone: milestone.title,
        ref: `${s.ref.path}#${s.iid}`,
        url: s.webUrl,
        title: s.title,
        bot: { trusted: botUsernameOf(ctx) },
        group: m.reopenGuard.overrideGroup,
        // Built from the policy alone, and copied by members: trusted, so the command stays typeable.
        reason: {
          trusted:
            help.length > 0
              ? `Members of ${m.reopenGuard.overrideGroup} can keep it open by ${help.join(" or ")}.`
              : "Ask the team if it really must stay open.",
        },
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
