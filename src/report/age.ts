/**
 * How long an issue has carried a label, from its label events: the start of the label's current
 * stretch, in any spelling. A relabel (an alias repaired to its canonical label, which GitLab
 * records as a removal and an addition at the same moment) does not restart the stretch.
 */
import type { BusinessCalendar } from "../domain/calendar.js";
import type { LabelEvent } from "../domain/snapshot.js";

const SAME_MOMENT_MS = 1000;

/**
 * When the current stretch of labels matching `matches` began; `createdAt` when the history is
 * missing or does not show it being added (labels applied before the history was kept).
 */
export function carriedSince(events: LabelEvent[] | undefined, matches: (label: string) => boolean, createdAt: Date): Date {
  if (events === undefined) return createdAt;
  const relevant = events.filter((e) => matches(e.label)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  const present = new Set<string>();
  let since: Date | null = null;
  let i = 0;
  while (i < relevant.length) {
    const at = relevant[i]!.createdAt;
    const wasPresent = present.size > 0;
    // Every event of one moment is applied before asking whether the label is still there.
    while (i < relevant.length && relevant[i]!.createdAt.getTime() - at.getTime() < SAME_MOMENT_MS) {
      const e = relevant[i]!;
      if (e.action === "add") present.add(e.label);
      else present.delete(e.label);
      i++;
    }
    if (!wasPresent && present.size > 0) since = at;
    if (present.size === 0) since = null;
  }
  return since ?? createdAt;
}

/** Whole business days between two moments (what people count when they say "12 days in review"). */
export function businessDaysSince(calendar: BusinessCalendar, since: Date, now: Date): number {
  return Math.floor(calendar.businessDaysBetween(since, now) + 1e-9);
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
