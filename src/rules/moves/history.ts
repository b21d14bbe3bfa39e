/**
 * Which step a resource was in, and who moved it, replayed from its label events.
 *
 * A change a person makes in one go (GitLab's scoped-label swap: add `04`, remove `03`) is several
 * events with the same time and user; they are applied together so the move reads `03 -> 04`.
 * The step at any moment is the step label added most recently that is still present, which is
 * also how the scoped-exclusivity rule picks the label to keep when two coexist. Aliases count as
 * the step they stand for, so a bot repairing `MtkgOpsPrio::04` to `MktgOpsPrio::04` is no move.
 */
import type { Taxonomy } from "../../domain/labels.js";
import type { LabelEvent, UserRef } from "../../domain/snapshot.js";
import type { WorkflowDef, WorkflowStep } from "../../policy/model.js";

export interface StepMove {
  /** The step the resource left; null when it had none before (first step label). */
  from: WorkflowStep | null;
  /** The step it entered; null when its step label was removed. */
  to: WorkflowStep | null;
  by: UserRef | null;
  at: Date;
  /** Id of the label event that made the move (stable: it names this attempt in markers). */
  eventId: number;
  /** Every label on the resource right after the move. */
  labelsAfter: string[];
}

export interface StepHistory {
  moves: StepMove[];
  /** The step the replay ends in (compare with the labels now to know the history is complete). */
  finalStep: WorkflowStep | null;
}

function byTime(a: LabelEvent, b: LabelEvent): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id;
}

/** Events that happened together: same instant and same user. */
function batches(events: LabelEvent[]): LabelEvent[][] {
  const out: LabelEvent[][] = [];
  for (const e of [...events].sort(byTime)) {
    const last = out[out.length - 1];
    const head = last?.[0];
    if (head && head.createdAt.getTime() === e.createdAt.getTime() && (head.user?.id ?? null) === (e.user?.id ?? null)) last.push(e);
    else out.push([e]);
  }
  return out;
}

export function stepOfLabel(w: WorkflowDef, taxonomy: Taxonomy, label: string): WorkflowStep | undefined {
  const canonical = taxonomy.canonical(label) ?? label;
  return w.steps.find((s) => s.label === canonical);
}

export function replaySteps(w: WorkflowDef, taxonomy: Taxonomy, events: LabelEvent[]): StepHistory {
  // Labels present, in the order they were (last) added.
  const present: string[] = [];
  const current = (): WorkflowStep | null => {
    for (let i = present.length - 1; i >= 0; i--) {
      const step = stepOfLabel(w, taxonomy, present[i]!);
      if (step) return step;
    }
    return null;
  };
  const moves: StepMove[] = [];
  let lastStep: WorkflowStep | null = null;
  for (const batch of batches(events)) {
    const before = current();
    for (const e of batch) {
      const at = present.indexOf(e.label);
      if (at >= 0) present.splice(at, 1);
      if (e.action === "add") present.push(e.label);
    }
    const after = current();
    if (after?.label === before?.label) continue;
    const trigger = after ? batch.find((e) => e.action === "add" && stepOfLabel(w, taxonomy, e.label)?.label === after.label) : undefined;
    const first = trigger ?? batch[0]!;
    moves.push({ from: lastStep, to: after, by: first.user, at: first.createdAt, eventId: first.id, labelsAfter: [...present] });
    if (after) lastStep = after;
  }
  return { moves, finalStep: current() };
}

/** The move that put the resource into `step`, when the replay ends there (the history is complete). */
export function moveInto(history: StepHistory, step: WorkflowStep): StepMove | undefined {
  if (history.finalStep?.label !== step.label) return undefined;
  for (let i = history.moves.length - 1; i >= 0; i--) {
    const m = history.moves[i]!;
    if (m.to?.label === step.label) return m;
  }
  return undefined;
}

/** Spans of time the resource spent in `step` (the last one open-ended while it is still there). */
export function spansIn(history: StepHistory, stepLabel: string): { from: Date; until: Date | null }[] {
  const spans: { from: Date; until: Date | null }[] = [];
  for (const m of history.moves) {
    const open = spans[spans.length - 1];
    if (open && open.until === null && m.to?.label !== stepLabel) open.until = m.at;
    if (m.to?.label === stepLabel && (!open || open.until !== null)) spans.push({ from: m.at, until: null });
  }
  return spans;
}
