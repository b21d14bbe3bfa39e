/** Exponential backoff between attempts of a failing reconcile. */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** No delay grows past this. */
  maxMs: number;
}

/** Delay before the next attempt after `attempts` failed ones (1-based): base, 2·base, 4·base, … capped. */
export function backoffDelayMs(policy: BackoffPolicy, attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
}
