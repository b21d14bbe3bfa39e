/**
 * Everything a guarded workflow decides about one resource, computed once and shared by the
 * workflow rule (labels, state, notes about moves) and the commands rule (replies), so the two
 * never disagree: the step it is in, whether the last move into it stands or is undone, what
 * pending commands do from there, the step it ends in, and whether it must be closed.
 */
import { pendingCommands } from "../../commands/pending.js";
import type { ResourceSnapshot } from "../../domain/snapshot.js";
import type { WorkflowDef, WorkflowStep } from "../../policy/model.js";
import { markerKey } from "../../domain/markers.js";
import { botMentionNamesOf, isBot, type RuleContext } from "../types.js";
import { type StepHistory, type StepMove, moveInto, replaySteps } from "./history.js";
import { judgeMove } from "./judge.js";
import { type CommandOutcome, runCommands } from "./runCommands.js";
import { type PresentStep, presentSteps, stepIndex, workflowApplies } from "./scope.js";

export interface UndoneMove {
  move: StepMove;
  /** The step the resource goes back to. */
  back: WorkflowStep;
  problems: string[];
  whoMay: string;
  /** The marker of the note explaining it: one per person, step and day (see undoneNoteMarker). */
  marker: string;
}

/**
 * Every move that breaks the workflow is undone, but its note is written once per person and day
 * for the same step: someone who moves a label back ten times gets the explanation once, not ten
 * notes, while a different wrong move is still explained. The marker carries the step moved to, who
 * moved and the day of the move in the team's calendar.
 */
function undoneNoteMarker(w: WorkflowDef, to: string, by: string | undefined, day: string): string {
  return markerKey(`workflow:${w.id}`, "undone", to, by ?? "someone", day);
}

export interface Closing {
  marker: string;
  /** How the closing step was reached, for the note. */
  by: string;
}

export interface Resolution {
  present: PresentStep[];
  /** The step the resource is in now (the one applied last when several are present). */
  current: WorkflowStep | null;
  history?: StepHistory;
  undone?: UndoneMove;
  commands: CommandOutcome[];
  /** The step the resource should end in; null leaves its step labels alone. */
  final: WorkflowStep | null;
  close?: Closing;
}

export function closeMarker(w: WorkflowDef, key: string): string {
  return markerKey(`workflow:${w.id}`, "closed", key);
}

function currentOf(present: PresentStep[], history: StepHistory | undefined, s: ResourceSnapshot): WorkflowStep | null {
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!.step;
  const replayed = history?.finalStep;
  if (replayed && present.some((p) => p.step.label === replayed.label)) return replayed;
  // No usable history: the label listed first on the resource (GitLab lists in creation order).
  return present.find((p) => p.spelled.includes(s.labels.find((l) => present.some((q) => q.spelled.includes(l)))!))!.step;
}

export function resolveWorkflow(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext): Resolution | null {
  if (!workflowApplies(w, s, ctx.policy)) return null;
  const present = presentSteps(w, s, ctx.policy);
  const history = s.labelEvents ? replaySteps(w, ctx.policy.taxonomy, s.labelEvents) : undefined;
  const current = currentOf(present, history, s);
  const initial = w.steps.find((st) => st.label === w.initial) ?? null;

  let start = current;
  let undone: UndoneMove | undefined;
  const lastMove = current && history ? moveInto(history, current) : undefined;
  if (current && history && lastMove) {
    const verdict = judgeMove(w, s, ctx, lastMove, history);
    const back = lastMove.from ?? initial;
    if (verdict.problems.length > 0 && back && back.label !== current.label) {
      undone = { move: lastMove, back, problems: verdict.problems, whoMay: verdict.whoMay, marker: undoneNoteMarker(w, current.label, lastMove.by?.username, ctx.calendar.today(lastMove.at)) };
      start = back;
    }
  }
  if (start === null && present.length === 0 && s.state === "opened") start = initial;

  let commands: CommandOutcome[] = [];
  let final = start;
  let close: Closing | undefined;
  if (w.commands && s.notes) {
    const run = runCommands({ w, s, ctx, history, start, pending: pendingCommands(s.notes, botMentionNamesOf(ctx)) });
    commands = run.outcomes;
    final = run.step;
    const closer = [...commands].reverse().find((c) => c.moved?.to.closes);
    if (closer && final?.closes && s.state === "opened") close = { marker: closeMarker(w, `cmd-${closer.note.id}`), by: `\`${closer.note.author.username}\`'s \`next\`` };
  }
  if (!close && final?.closes && s.state === "opened" && !undone && final.label === current?.label && lastMove) {
    // Reached by a person (the bot closes in the same plan when it moves there itself); once
    // closed, a reopen is a person's decision: the marker says this move was already acted on.
    const judged = lastMove.by !== null && !isBot(lastMove.by, ctx) && (w.movesCheckedFrom === undefined || lastMove.at >= w.movesCheckedFrom);
    const marker = closeMarker(w, String(lastMove.eventId));
    const acted = s.notes === undefined || s.notes.some((n) => n.botMarkers.includes(marker));
    if (judged && !acted) close = { marker, by: `\`${lastMove.by!.username}\`` };
  }
  return { present, current, ...(history ? { history } : {}), ...(undone ? { undone } : {}), commands, final, ...(close ? { close } : {}) };
}

/**
 * History a guarded workflow needs for a resource. Label events when a move into its step could be
 * wrong (any step past the first, several steps at once, or closed); notes to find commands, proofs
 * and the note that records a close. A resource untouched since `moves_checked_from` has no move to
 * judge, so nothing is fetched for it on that account.
 */
export function guardedNeeds(w: WorkflowDef, s: ResourceSnapshot, ctx: RuleContext): { labelEvents?: boolean; notes?: boolean } {
  if (!workflowApplies(w, s, ctx.policy)) return {};
  const commandNotes = w.commands !== undefined && s.userNotesCount !== 0;
  const present = presentSteps(w, s, ctx.policy);
  if (present.length === 0) return commandNotes ? { notes: true } : {};
  const quiet = w.movesCheckedFrom !== undefined && s.updatedAt < w.movesCheckedFrom;
  const initialIndex = Math.max(0, w.steps.findIndex((st) => st.label === w.initial));
  const couldBeWrong =
    present.length > 1 ||
    (!quiet && (present.some((p) => stepIndex(w, p.step) > initialIndex) || (s.state !== "opened" && w.steps.some((st) => st.closes))));
  const current = present.length === 1 ? present[0]!.step : undefined;
  const proofOrClose = !quiet && current !== undefined && (current.requires.proof !== undefined || (current.closes === true && s.state === "opened"));
  return {
    ...(couldBeWrong ? { labelEvents: true } : {}),
    ...(commandNotes || proofOrClose ? { notes: true } : {}),
  };
}
