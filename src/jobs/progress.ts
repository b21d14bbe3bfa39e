/**
 * Progress of a long run, so nobody stares at a silent terminal or CI log for minutes: on a
 * terminal one line rewritten in place; elsewhere (CI) a line at least every 30 seconds while the
 * run goes on, even when a paced write holds up every resource.
 */

export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

export interface Progress {
  /** Called with the number of resources done so far. */
  onProgress(done: number): void;
  /** Clears the terminal line, or ends the periodic lines. */
  stop(): void;
}

export function startProgress(out: ProgressOutput, options: { intervalMs?: number; now?: () => number } = {}): Progress {
  const now = options.now ?? Date.now;
  const started = now();
  let done = 0;
  let shownAt = 0;
  const rate = () => {
    const seconds = (now() - started) / 1000;
    // Jobs that reconcile no resource one by one (sla, digest…) report only that they still run.
    if (done === 0) return `still running after ${Math.round(seconds)} s`;
    return `${done} resources reconciled in ${Math.round(seconds)} s${seconds >= 1 ? ` (${(done / seconds).toFixed(1)}/s)` : ""}`;
  };
  if (out.isTTY) {
    return {
      onProgress(n) {
        done = n;
        // Redrawn at most ten times a second.
        if (now() - shownAt < 100) return;
        shownAt = now();
        out.write(`\r  ${rate()}...`);
      },
      stop: () => out.write("\r\x1b[K"),
    };
  }
  const timer = setInterval(() => out.write(`progress: ${rate()}\n`), options.intervalMs ?? 30_000);
  timer.unref();
  return {
    onProgress(n) {
      done = n;
    },
    stop: () => clearInterval(timer),
  };
}
