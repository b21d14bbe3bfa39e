/**
 * The sweep streams the listing through the reconcile: a large board is never held whole. The
 * listing is read only a bounded number of resources ahead of those already decided, so the
 * sweep's memory does not grow with the board (bench/memory.ts measures it on 10,000 issues).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatRef, type ResourceSnapshot } from "../../src/domain/snapshot.js";
import type { ListQuery, Platform } from "../../src/engine/platform.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(async () => {
  await sb.close();
});

const BOARD = 2000;

describe("mops-bot sweep on a large board", () => {
  it("lists at most a bounded number of issues ahead of those decided, whatever the board's size", async () => {
    const runtime = await sb.runtime({ dryRun: true });
    const real = runtime.platform;
    // A demo issue the bot would change, listed BOARD times under other numbers. Its (dry-run)
    // plan waits a turn of the event loop, as a request would, so the listing could run ahead.
    const changed = new Set((await runSweep({ ...runtime, dryRun: true })).resources.map((r) => r.ref));
    let listed = 0;
    let decided = 0;
    let ahead = 0;
    const platform: Platform = Object.assign(Object.create(real) as Platform, {
      list: async function* (query: ListQuery): AsyncIterable<ResourceSnapshot> {
        if (query.kind !== "issue") return;
        let template: ResourceSnapshot | undefined;
        for await (const s of real.list(query)) if (changed.has(formatRef(s.ref))) template ??= s;
        for (let i = 1; i <= BOARD; i++) {
          const iid = 100_000 + i;
          listed++;
          ahead = Math.max(ahead, listed - decided);
          yield { ...template!, id: iid, iid, ref: { ...template!.ref, iid } };
        }
      },
      apply: async (plan: Parameters<Platform["apply"]>[0]) => {
        await new Promise((resolve) => setImmediate(resolve));
        return real.apply(plan);
      },
    });

    const report = await runSweep({ ...runtime, platform, dryRun: true, onProgress: (n) => (decided = n) });

    expect(report.errors).toEqual([]);
    expect(report.read.issues).toBe(BOARD);
    expect(report.resources.filter((r) => r.ref.endsWith(`#${100_000 + BOARD}`))).toHaveLength(1);
    // The sweep waits while more than 200 listed issues wait for one of its 16 workers (src/jobs/sweep.ts).
    expect(ahead).toBeLessThanOrEqual(200 + 2 * 16);
  });
});
