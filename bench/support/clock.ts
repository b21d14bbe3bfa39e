// A clock shared by the processes of a benchmark or test run: it reads a fixed date at a given
// real instant and runs on with real time, so rules see the same dates in every run while
// pacing (notes per minute, rate-limit windows) still sees time pass.

/** `anchor` is "<ISO time>@<epoch ms>". */
export function anchoredClock(anchor: string): () => Date {
  const m = /^(.+)@(\d+)$/.exec(anchor);
  const at = m ? Date.parse(m[1]!) : NaN;
  if (!m || Number.isNaN(at)) throw new Error(`MOPS_CLOCK_ANCHOR must be "<ISO time>@<epoch ms>", got "${anchor}"`);
  const realStart = Number(m[2]);
  return () => new Date(at + (Date.now() - realStart));
}

export function clockAnchor(start: Date, realStart = Date.now()): string {
  return `${start.toISOString()}@${realStart}`;
}
