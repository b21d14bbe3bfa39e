/**
 * How a plan was reached, for people: what each round of the fixpoint changed and why, and which
 * messages were dropped as no longer true of the state the plan leaves. Used by `rules explain`
 * and by the run report (JSON).
 */
import type { DroppedMessage, Round } from "./converge.js";
import { describeAction } from "./describeAction.js";

export interface ConvergenceSummary {
  /** Per round, each change as `rule: change (reason)`. */
  rounds: string[][];
  dropped: DroppedMessage[];
  /** False when the last round still changed something (an oscillation or the round limit). */
  settled: boolean;
}

export function summariseConvergence(convergence: { rounds: Round[]; dropped: DroppedMessage[] }): ConvergenceSummary {
  return {
    rounds: convergence.rounds.filter((r) => r.changes.length > 0).map((r) => r.changes.map((a) => `${a.rule}: ${describeAction(a)} (${a.reason})`)),
    dropped: convergence.dropped,
    // A fixpoint's last round changes nothing; one that still changes something hit the round
    // limit or an oscillation (reported as a conflict).
    settled: convergence.rounds.length === 0 || convergence.rounds[convergence.rounds.length - 1]!.changes.length === 0,
  };
}

/** Worth showing: more than one round of changes, or a message dropped. */
export function convergenceIsNotable(summary: ConvergenceSummary): boolean {
  return summary.rounds.length > 1 || summary.dropped.length > 0;
}

export function renderConvergence(summary: ConvergenceSummary): string[] {
  const lines: string[] = [];
  if (summary.rounds.length === 0) lines.push("  no rule changes anything");
  summary.rounds.forEach((changes, i) => {
    lines.push(`  Round ${i + 1}${i === 0 ? " (the state as fetched)" : " (the state the earlier rounds leave)"}:`);
    for (const c of changes) lines.push(`    ${c}`);
  });
  if (summary.rounds.length > 0) {
    lines.push(
      summary.settled
        ? `  Round ${summary.rounds.length + 1}: no rule proposes a further change.`
        : "  The rules keep undoing each other's changes: nothing is written for what they contest (see the conflict).",
    );
  }
  for (const d of summary.dropped) lines.push(`  dropped the note of ${d.rule} (${d.marker}): ${d.why}`);
  return lines;
}
