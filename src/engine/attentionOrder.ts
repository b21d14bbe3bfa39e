/**
 * Which of a person's notes the day's budget goes to, in one sweep: the most important ones
 * (noteImportance), whatever order the concurrent reconciles finish in. Admitting notes as
 * reconciles finish would let timing decide whether an SLA breach or a reminder goes out.
 *
 * So the sweep goes in two passes. In the first, a resource whose plan carries a note that would
 * mention someone is deferred: nothing is written for it, its notes are noted down as claims
 * (ref, marker, people, importance), and the snapshot it was decided on is kept with its history
 * (only these resources: the rest of the sweep keeps streaming). Once the
 * listing is done, the budget is granted to the claims most important first, then by ref and
 * marker, so the same board gives the same notes every time. The second pass reconciles the
 * deferred resources again on the state the first pass read, and their granted notes go out; the
 * others are held for the daily list as before. A board with no note to send is reconciled once,
 * as before; a deferred resource costs no history read again, and in a live run one request to see
 * that it is still open and unchanged (sweep.ts).
 */
import type { Action } from "../domain/actions.js";
import { compareNumerically } from "../domain/order.js";
import { formatRef, type ResourceRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { noteImportance, type AttentionBudget } from "./attention.js";

interface Claim {
  ref: ResourceRef;
  marker: string;
  people: string[];
  importance: number;
}

export class AttentionOrder {
  private readonly claims: Claim[] = [];
  private readonly deferred = new Map<string, ResourceSnapshot>();

  constructor(private readonly budget: AttentionBudget) {}

  /**
   * First pass: whether the resource waits for the second pass: its plan would mention someone
   * who has budget left. A note to someone already mentioned today (by an earlier run) is held
   * whatever the order, so it does not keep its resource waiting: later runs of a day defer little.
   */
  defers(snapshot: ResourceSnapshot, actions: Action[]): boolean {
    const notes = this.budget.mentioningNotes(snapshot, actions).filter((n) => this.budget.grantable(n.people));
    if (notes.length === 0) return false;
    for (const { note, people } of notes) this.claims.push({ ref: snapshot.ref, marker: note.marker, people, importance: noteImportance(note) });
    this.deferred.set(formatRef(snapshot.ref), snapshot);
    return true;
  }

  /** First pass: what goes out with a resource that was not deferred (no note mentions anyone). */
  admit(snapshot: ResourceSnapshot, actions: Action[]): Action[] {
    return this.budget.admit(snapshot, actions);
  }

  /**
   * After the first pass: grants the budget to the claims, most important first, then by ref and
   * marker; returns the deferred resources as the first pass read them (history included), in ref
   * order, for the second pass.
   */
  grantAndRelease(): ResourceSnapshot[] {
    const byRef = (a: Claim, b: Claim) => compareNumerically(formatRef(a.ref), formatRef(b.ref));
    const order = [...this.claims].sort((a, b) => a.importance - b.importance || byRef(a, b) || compareNumerically(a.marker, b.marker));
    for (const c of order) this.budget.grant(c.ref, c.marker, c.people);
    const held = [...this.deferred.entries()].sort((a, b) => compareNumerically(a[0], b[0])).map(([, snapshot]) => snapshot);
    this.deferred.clear();
    return held;
  }
}
