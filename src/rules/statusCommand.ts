/**
 * `@<bot> status` on any issue or merge request in scope, not only on those of a workflow that
 * declares `commands:` (those answer it themselves, with their own steps and approvals). The reply
 * says, for each workflow that applies, which step the resource is in and what that step needs,
 * met or not. Other command words get no reply here: only `status` is promised everywhere.
 *
 * Only a recent question is answered (`STATUS_FRESH_MS`): the webhook path sees the comment at
 * once, the nightly sweep catches one a missed webhook left, and an answer days later would be
 * noise. The same bound keeps the sweep cheap: notes are read only for resources changed lately.
 */
import { pendingCommands, replyMarker } from "../commands/pending.js";
import type { Action } from "../domain/actions.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { mention } from "../domain/text.js";
import type { CompiledPolicy, WorkflowDef } from "../policy/model.js";
import { labelRef } from "./labelRefs.js";
import { presentSteps, workflowApplies } from "./moves/scope.js";
import { botMentionNamesOf, type Rule, type RuleContext, type RuleFactory } from "./types.js";
import { requirementsOf } from "./workflowRequirements.js";

const RULE_ID = "commands:status";
const STATUS_FRESH_MS = 2 * 86_400_000;

/** Whether a workflow with its own commands applies: it answers `status` itself. */
const answeredByWorkflow = (policy: CompiledPolicy, s: ResourceSnapshot) => policy.workflows.some((w) => w.commands !== undefined && workflowApplies(w, s, policy));

function workflowStatus(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext): string[] {
  const present = presentSteps(w, s, ctx.policy);
  if (present.length === 0) return [`It has no step of the \`${w.id}\` workflow yet.`];
  if (present.length > 1) return [`It carries ${present.length} steps of the \`${w.id}\` workflow at once: ${present.map((p) => labelRef(p.step.label)).join(", ")}.`];
  const { step, spelled } = present[0]!;
  const lines = [`It is in ${labelRef(step.label)} (the \`${w.id}\` workflow)${s.state !== "opened" ? " and closed" : ""}.`];
  const reqs = requirementsOf(w, step, spelled[0]!, s, ctx);
  if (reqs.length === 0) return [...lines, "That step needs nothing more."];
  return [...lines, "That step needs:", "", ...reqs.map((r) => `- ${r.problem === null ? "✅" : "❌"} ${r.text}${r.problem === null ? "" : `: ${r.problem}`}`), ""];
}

/** The answer to `status`: the step and its requirements in each workflow that applies. */
function statusAnswer(s: ResourceSnapshot, ctx: RuleContext): string {
  const applying = ctx.policy.workflows.filter((w) => workflowApplies(w, s, ctx.policy));
  if (applying.length === 0) return "No workflow in the team's policies applies to it, so it has no step to report.";
  return applying
    .flatMap((w) => workflowStatus(w, s, ctx))
    .join("\n")
    .trim();
}

/** The rule, when some workflow declares `commands:` (its reply template words the answer). */
function createStatusRule(policy: CompiledPolicy): Rule[] {
  const template = policy.workflows.find((w) => w.commands !== undefined)?.commands?.replyTemplate;
  if (template === undefined) return [];
  const fresh = (at: Date, ctx: RuleContext) => ctx.now.getTime() - at.getTime() <= STATUS_FRESH_MS;
  return [
    {
      id: RULE_ID,
      description: "Answers `@bot status` on any issue or merge request in scope: its step and what the step needs, per workflow.",
      appliesTo: ["issue", "merge_request"],
      // Freshness is judged on GitLab's updated_at as fetched: on the state a plan leaves, the bot's
      // own writes moved updatedAt to now, but asked no question (every comment is at or before the fetched one).
      needs: (s, ctx) => (s.userNotesCount !== 0 && fresh(s.updatedAtAsFetched ?? s.updatedAt, ctx) && !answeredByWorkflow(policy, s) ? { notes: true } : {}),
      evaluate(s, ctx): Action[] {
        if (s.notes === undefined || answeredByWorkflow(policy, s)) return [];
        const asked = pendingCommands(s.notes, botMentionNamesOf(ctx)).filter((c) => c.command.name === "status" && fresh(c.note.createdAt, ctx));
        if (asked.length === 0) return [];
        const answer = statusAnswer(s, ctx);
        return asked.map((c) => ({
          type: "comment",
          rule: RULE_ID,
          reason: `\`${c.note.author.username}\` asked for the status.`,
          marker: replyMarker(c.note.id),
          body: renderTemplate(templateText(policy.templates, template), {
            recipient: { trusted: mention(c.note.author.username) },
            reason: { trusted: answer },
          }),
        }));
      },
    },
  ];
}

export const statusCommand: RuleFactory = { kind: RULE_ID, create: createStatusRule };
