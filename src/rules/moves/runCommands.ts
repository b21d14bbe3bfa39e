/**
 * What each command does to a resource in a guarded workflow, as a pure function of the step it is
 * in: `approve` and `next` move it (when the person may and the step's requirements hold),
 * `status` and `help` only answer. Commands run one after the other, each on the step the
 * previous one left, so `approve` then `next` in two comments ends two steps on.
 */
import type { CommandNote } from "../../commands/pending.js";
import type { NoteInfo, ResourceSnapshot } from "../../domain/snapshot.js";
import { neutraliseInline } from "../../domain/text.js";
import type { WorkflowDef, WorkflowStep } from "../../policy/model.js";
import { labelRef } from "../labelRefs.js";
import { botUsernameOf, inGroup, type RuleContext } from "../types.js";
import type { StepHistory } from "./history.js";
import { groupWithMembers, onlyByProblem, unmetGuards, whoMayMoveInto } from "./judge.js";
import { stepIndex } from "./scope.js";

export const COMMAND_NAMES = ["approve", "next", "status", "help"] as const;

export interface CommandOutcome {
  note: NoteInfo;
  /** The command word as written (lower case). */
  name: string;
  /** The answer, markdown built by the bot (user text neutralised). */
  answer: string;
  moved?: { from: WorkflowStep | null; to: WorkflowStep };
  /** Username recorded as approver (the reply carries an `approval:<username>` marker). */
  approvedBy?: string;
}

export interface CommandRun {
  outcomes: CommandOutcome[];
  /** The step after every command ran. */
  step: WorkflowStep | null;
}

export function approvalMarker(username: string): string {
  return `approval:${username}`;
}

/** Approvals recorded by earlier replies: username and when. */
export function recordedApprovals(notes: NoteInfo[] | undefined): { username: string; at: Date }[] {
  return (notes ?? []).flatMap((n) => n.botMarkers.filter((m) => m.startsWith("approval:")).map((m) => ({ username: m.slice("approval:".length), at: n.createdAt })));
}

function helpText(w: WorkflowDef, bot: string): string {
  const approve = w.steps.find((s) => s.label === w.commands?.approveStep);
  return [
    `Write one command at the start of a comment:`,
    ``,
    `- \`@${bot} approve\`: approve the request; moves it to ${approve ? labelRef(approve.label) : "the approval step"}${approve?.onlyBy ? ` (members of "${approve.onlyBy}" only)` : ""}`,
    `- \`@${bot} next\`: move it one step forward, when the next step's requirements are met`,
    `- \`@${bot} status\`: where it is, who may move it next and what the next step needs`,
    `- \`@${bot} help\`: this list`,
  ].join("\n");
}

export interface CommandInput {
  w: WorkflowDef;
  s: ResourceSnapshot;
  ctx: RuleContext;
  history: StepHistory | undefined;
  /** The step the resource is in once any undone move is undone. */
  start: WorkflowStep | null;
  pending: CommandNote[];
}

export function runCommands(input: CommandInput): CommandRun {
  const { w, s, ctx, history } = input;
  const bot = botUsernameOf(ctx);
  let step = input.start;
  const outcomes: CommandOutcome[] = [];
  const closed = s.state !== "opened";
  const approvals = recordedApprovals(s.notes);

  const missingFor = (to: WorkflowStep): string[] =>
    unmetGuards(w, to, s, ctx, history, ctx.now)
      .filter((r) => r.problem !== null)
      .map((r) => `${r.text}: ${r.problem}`);

  /** Checks and makes a move for `user`; returns the answer. */
  const tryMove = (to: WorkflowStep, user: string, done: (from: WorkflowStep | null) => string): { answer: string; moved?: CommandOutcome["moved"] } => {
    const notAllowed = onlyByProblem(ctx.policy, to, user);
    if (notAllowed) return { answer: `I can't do that: ${notAllowed}. Nothing changed.` };
    const missing = missingFor(to);
    if (missing.length > 0) {
      return { answer: [`${labelRef(to.label)} needs more first, so it stays in ${step ? labelRef(step.label) : "its step"}. Missing:`, "", ...missing.map((m) => `- ${m}`)].join("\n") };
    }
    const from = step;
    step = to;
    return { answer: done(from), moved: { from, to } };
  };

  for (const { note, command } of input.pending) {
    const user = note.author.username;
    const idx = stepIndex(w, step);
    const next = idx >= 0 ? w.steps[idx + 1] : w.steps[0];
    let outcome: Omit<CommandOutcome, "note" | "name">;
    switch (command.name) {
      case "help":
        outcome = { answer: helpText(w, bot) };
        break;
      case "status":
        outcome = { answer: statusText(input, step, next, approvals) };
        break;
      case "approve": {
        const target = w.steps.find((x) => x.label === w.commands?.approveStep);
        if (!target) {
          outcome = { answer: "This workflow has no approval step." };
        } else if (target.onlyBy !== null && !inGroup(ctx.policy, target.onlyBy, user)) {
          outcome = { answer: `Only members of ${groupWithMembers(ctx.policy, target.onlyBy)} can approve. Nothing changed.` };
        } else if (closed) {
          outcome = { answer: "This issue is closed: reopen it first. Nothing changed." };
        } else if (idx >= stepIndex(w, target)) {
          outcome = { answer: `It is already past approval: it is in ${labelRef(step!.label)}. Nothing changed.` };
        } else if (idx !== stepIndex(w, target) - 1) {
          outcome = { answer: `It must be in ${labelRef(w.steps[stepIndex(w, target) - 1]!.label)} to be approved; it is in ${step ? labelRef(step.label) : "no step"}. Nothing changed.` };
        } else {
          const r = tryMove(target, user, (from) => `Approved by \`${user}\`: moved from ${from ? labelRef(from.label) : "no step"} to ${labelRef(target.label)}.`);
          outcome = r.moved ? { ...r, approvedBy: user } : r;
        }
        break;
      }
      case "next":
        if (closed) outcome = { answer: step?.closes ? `It is complete (${labelRef(step.label)}) and closed. Nothing changed.` : "This issue is closed: reopen it first. Nothing changed." };
        else if (!next) outcome = { answer: `It is already in the last step, ${step ? labelRef(step.label) : "none"}. Nothing changed.` };
        else outcome = tryMove(next, user, (from) => `Moved from ${from ? labelRef(from.label) : "no step"} to ${labelRef(next.label)}${next.closes ? ", and closed the issue" : ""}.`);
        break;
      default:
        outcome = {
          answer: `I don't know the command ${command.name ? `\`${neutraliseInline(command.name).replace(/`/g, "")}\`` : "(none given)"}. I know: ${COMMAND_NAMES.map((c) => `\`${c}\``).join(", ")}; try \`@${bot} help\`.`,
        };
    }
    outcomes.push({ note, name: command.name, ...outcome });
  }
  return { outcomes, step };
}

function statusText(input: CommandInput, step: WorkflowStep | null, next: WorkflowStep | undefined, approvals: { username: string; at: Date }[]): string {
  const { w, s, ctx, history } = input;
  const lines = [`It is in ${step ? labelRef(step.label) : "no step yet"}${s.state !== "opened" ? " and closed" : ""}.`];
  if (approvals.length > 0) lines.push(`Approved by ${approvals.map((a) => `\`${a.username}\` (${a.at.toISOString().slice(0, 10)})`).join(", ")}.`);
  if (!next) {
    lines.push("It is in the last step.");
    return lines.join("\n");
  }
  lines.push(`Next step: ${labelRef(next.label)}, which ${whoMayMoveInto(ctx.policy, next)} may make.`);
  const reqs = unmetGuards(w, next, s, ctx, history, ctx.now);
  if (reqs.length === 0) lines.push("It needs nothing more.");
  else {
    lines.push("It needs:", "", ...reqs.map((r) => `- ${r.problem === null ? "✅" : "❌"} ${r.text}${r.problem === null ? "" : `: ${r.problem}`}`));
  }
  return lines.join("\n");
}

/** The markers a reply records beside its own: the approval, when the command gave one. */
export function recordedByReply(outcome: CommandOutcome): string[] {
  return outcome.approvedBy ? [approvalMarker(outcome.approvedBy)] : [];
}
