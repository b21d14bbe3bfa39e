/**
 * Judging a person's move between the steps of a guarded workflow: one step forward at a time,
 * into a step only by the people it names, with the step's requirements met (labels as they were
 * right after the move, proof posted before it, the milestone as it is now: GitLab's label events
 * do not say which milestone the issue had at the time), and never out of a closing step while
 * the issue is closed. Moves back are allowed. The bot's own moves and moves made before the
 * workflow's `moves_checked_from` date are not judged.
 */
import type { ResourceSnapshot } from "../../domain/snapshot.js";
import type { CompiledPolicy, WorkflowDef, WorkflowStep } from "../../policy/model.js";
import { labelList, labelRef } from "../labelRefs.js";
import { inGroup, isBot, type RuleContext } from "../types.js";
import { requirementsOf } from "../workflowRequirements.js";
import type { StepHistory, StepMove } from "./history.js";
import { stepIndex } from "./scope.js";

/** `"business-process-owners" (amy.owner, christine.owner)`: names without @, so nobody is pinged. */
export function groupWithMembers(policy: CompiledPolicy, group: string): string {
  const members = policy.people[group] ?? [];
  return `"${group}"${members.length ? ` (${members.map((m) => `\`${m}\``).join(", ")})` : ""}`;
}

/** Index a resource with no step counts from: just before the initial step (or the first). */
function fromIndex(w: WorkflowDef, from: WorkflowStep | null): number {
  if (from !== null) return stepIndex(w, from);
  const initial = w.steps.findIndex((s) => s.label === w.initial);
  return (initial < 0 ? 0 : initial) - 1;
}

export interface MoveVerdict {
  /** What is wrong with the move, for a person; empty when it stands. */
  problems: string[];
  /** Who may make the move, in words. */
  whoMay: string;
}

/** Whether `username` may move the resource into `to`, and the problem when not. */
export function onlyByProblem(policy: CompiledPolicy, to: WorkflowStep, username: string): string | null {
  if (to.onlyBy === null || inGroup(policy, to.onlyBy, username)) return null;
  return `only members of ${groupWithMembers(policy, to.onlyBy)} may move it into ${labelRef(to.label)}; \`${username}\` is not one of them`;
}

/** Requirements of `to` that are not met, as problems. */
export function unmetGuards(
  w: WorkflowDef,
  to: WorkflowStep,
  s: ResourceSnapshot,
  ctx: RuleContext,
  history: StepHistory | undefined,
  until: Date,
): { text: string; problem: string | null }[] {
  return requirementsOf(w, to, to.label, s, ctx, { ...(history ? { history } : {}), until }).filter((r) => r.kind !== "closed" && r.kind !== "comment");
}

export function whoMayMoveInto(policy: CompiledPolicy, to: WorkflowStep): string {
  return to.onlyBy === null ? "anyone working on the issue" : `members of ${groupWithMembers(policy, to.onlyBy)}`;
}

export function judgeMove(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext, move: StepMove, history: StepHistory): MoveVerdict {
  const to = move.to;
  const none: MoveVerdict = { problems: [], whoMay: "" };
  if (to === null || move.by === null || isBot(move.by, ctx)) return none;
  if (w.movesCheckedFrom !== undefined && move.at < w.movesCheckedFrom) return none;
  const from = fromIndex(w, move.from);
  const target = stepIndex(w, to);
  const problems: string[] = [];
  if (target > from) {
    if (w.order === "forward-one-step" && target > from + 1) {
      const skipped = w.steps.slice(from + 1, target).map((st) => st.label);
      problems.push(`it skipped ${labelList(skipped)}: steps are taken one at a time${move.from ? `, so from ${labelRef(move.from.label)} the next step is ${labelRef(w.steps[from + 1]!.label)}` : ""}`);
    }
    const notAllowed = onlyByProblem(ctx.policy, to, move.by.username);
    if (notAllowed) problems.push(notAllowed);
    if (w.unmetRequirements === "revert") {
      const atMove: ResourceSnapshot = { ...s, labels: move.labelsAfter };
      for (const r of unmetGuards(w, to, atMove, ctx, history, move.at)) if (r.problem !== null) problems.push(`${labelRef(to.label)} needs ${r.text}, but ${r.problem}`);
    }
  } else if (target < from && move.from?.closes && s.state === "closed") {
    problems.push(`the issue is closed in ${labelRef(move.from.label)}: reopen it first to move it back`);
  }
  return { problems, whoMay: whoMayMoveInto(ctx.policy, to) };
}
