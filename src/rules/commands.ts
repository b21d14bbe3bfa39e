/**
 * Commands in comments (`@mops-bot approve`, `next`, `status`, `help`) on resources of a workflow
 * that declares `commands:`. Every command gets one reply, marked `cmd:<comment id>` so it is
 * answered once even when its comment is edited; a command that moves the resource records it in
 * the reply, and an approval adds an `approval:<username>` marker. What a command does to the
 * labels is settled by the workflow rule from the same resolution (rules/moves/resolve.ts), so
 * this rule only answers. `status` also answers everywhere else in scope (statusCommand.ts).
 */
import { replyMarker } from "../commands/pending.js";
import type { Action } from "../domain/actions.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy, WorkflowDef } from "../policy/model.js";
import { guardedNeeds, resolveWorkflow } from "./moves/resolve.js";
import { recordedByReply } from "./moves/runCommands.js";
import { botUsernameOf, type Rule, type RuleFactory } from "./types.js";

function createCommandsRule(w: WorkflowDef & { commands: NonNullable<WorkflowDef["commands"]> }, policy: CompiledPolicy): Rule {
  const id = `commands:${w.id}`;
  return {
    id,
    description: `Answers @bot commands (approve, next, status, help) on resources of the ${w.id} workflow.`,
    appliesTo: w.appliesTo,
    needs: (s, ctx) => guardedNeeds(w, s, ctx),
    evaluate(s, ctx): Action[] {
      const r = resolveWorkflow(w, s, ctx);
      if (r === null) return [];
      return r.commands.map((c) => ({
        type: "comment",
        rule: id,
        reason: `\`${c.note.author.username}\` wrote \`@${botUsernameOf(ctx)} ${c.name}\`${c.moved ? `: moved to ${c.moved.to.label}` : ""}.`,
        marker: replyMarker(c.note.id),
        records: recordedByReply(c),
        body: renderTemplate(templateText(policy.templates, w.commands.replyTemplate), {
          recipient: { trusted: mention(c.note.author.username) },
          reason: { trusted: c.answer },
          workflow: w.id,
          bot: { trusted: botUsernameOf(ctx) },
        }),
      }));
    },
  };
}

export const commands: RuleFactory = {
  kind: "commands",
  create: (policy) =>
    policy.workflows
      .filter((w): w is WorkflowDef & { commands: NonNullable<WorkflowDef["commands"]> } => w.commands !== undefined)
      .map((w) => createCommandsRule(w, policy)),
};
