/**
 * Time running `scale` times faster than the real time, for a fake GitLab's rate-limit windows
 * and the bot's pauses alike: at 60, a one-minute window passes in a second, while requests
 * still take real time in flight and are answered out of order, as against GitLab. Used where a
 * run must pass many rate-limit windows; what is asserted or measured is never a duration.
 */
export interface AcceleratedTime {
  /** `start` at creation, then `scale` ms for every real ms. */
  clock: () => Date;
  /** Waits `ms` of this clock's time. */
  sleep: (ms: number) => Promise<void>;
}

export function acceleratedTime(start: Date, scale: number): AcceleratedTime {
  if (!(scale >= 1)) throw new Error(`The time scale must be at least 1 (got ${scale}).`);
  const realStart = Date.now();
  return {
    clock: () => new Date(start.getTime() + (Date.now() - realStart) * scale),
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms) / scale)),
  };
}
