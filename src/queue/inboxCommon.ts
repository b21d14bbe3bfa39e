/** What both inbox backends check and report the same way. */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** How often processed events past the retention period are deleted. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** An error as stored with the event (`inbox list` shows it), cut to a readable length. */
export function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

export function checkedMaxAttempts(value: number | undefined): number {
  const maxAttempts = value ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be a whole number of at least 1, got ${String(value)}`);
  return maxAttempts;
}

export function checkConcurrency(concurrency: number): void {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number of at least 1, got ${String(concurrency)}`);
}
