/** Requests a label command made, as the difference of the requester's counts before and after. */
import type { RequestStats } from "../engine/platform.js";

export interface RequestCount {
  total: number;
  reads: number;
  writes: number;
  byRoute: Record<string, number>;
}

export function requestsBetween(before: RequestStats, after: RequestStats): RequestCount {
  const byRoute: Record<string, number> = {};
  let reads = 0;
  for (const [route, n] of Object.entries(after.byRoute)) {
    const made = n - (before.byRoute[route] ?? 0);
    if (made <= 0) continue;
    byRoute[route] = made;
    if (route.startsWith("GET ")) reads += made;
  }
  const total = after.total - before.total;
  return { total, reads, writes: total - reads, byRoute };
}
