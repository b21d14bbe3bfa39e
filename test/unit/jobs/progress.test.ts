import { afterEach, describe, expect, it, vi } from "vitest";
import { startProgress } from "../../../src/jobs/progress.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("progress of a long run", () => {
  it("in CI writes a line every 30 seconds while the run goes on, also when nothing finished meanwhile", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const p = startProgress({ write: (t) => lines.push(t), isTTY: false }, { now: () => Date.now() });
    p.onProgress(120);
    vi.advanceTimersByTime(30_000);
    vi.advanceTimersByTime(30_000);
    expect(lines).toEqual(["progress: 120 resources reconciled in 30 s (4.0/s)\n", "progress: 120 resources reconciled in 60 s (2.0/s)\n"]);
    p.stop();
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
  });

  it("for a job that reports no resources, says it still runs rather than counting zero", () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const p = startProgress({ write: (t) => lines.push(t), isTTY: false }, { now: () => Date.now() });
    vi.advanceTimersByTime(30_000);
    p.stop();
    expect(lines).toEqual(["progress: still running after 30 s\n"]);
  });

  it("on a terminal rewrites one line, at most ten times a second, and clears it at the end", () => {
    let t = 0;
    const out: string[] = [];
    const p = startProgress({ write: (s) => out.push(s), isTTY: true }, { now: () => t });
    t = 200;
    p.onProgress(1);
    t = 250;
    p.onProgress(2); // within 100 ms of the last: not drawn
    t = 2000;
    p.onProgress(40);
    p.stop();
    expect(out).toEqual(["\r  1 resources reconciled in 0 s...", "\r  40 resources reconciled in 2 s (20.0/s)...", "\r\x1b[K"]);
  });
});
