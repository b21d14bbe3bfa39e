/** The replay table as markdown: before → after cells, the sampling warning, names that ping nobody. */
import { describe, expect, it } from "vitest";
import type { ReplayReport } from "../../../src/plan/replay/compute.js";
import type { ReplayRun } from "../../../src/plan/replay/replay.js";
import { renderReplayMarkdown } from "../../../src/plan/replay/render.js";
import { ReplayCounter } from "../../../src/plan/replay/tally.js";
import type { ResourcePlan } from "../../../src/domain/plan.js";

function plan(note: string | null, labels: string[] = [], rule = "triage:x"): ResourcePlan {
  return {
    ref: { kind: "issue", path: "g/p", iid: 1 },
    webUrl: "https://gitlab.example.com/g/p/-/issues/1",
    title: "t",
    projectId: 1,
    iid: 1,
    kind: "issue",
    actions: [...(note ? [{ type: "comment" as const, body: note, marker: "m", rule, reason: "" }] : []), ...(labels.length ? [{ type: "add_labels" as const, labels, rule, reason: "" }] : [])],
    update: { addLabels: labels, removeLabels: [] },
    note: note ? { body: note, markers: ["m"] } : null,
    conflicts: [],
  };
}

function run(record: (c: ReplayCounter) => void): ReplayRun {
  const counter = new ReplayCounter([
    { date: "2026-11-13", sweep: true },
    { date: "2026-11-14", sweep: false },
  ]);
  record(counter);
  return { tally: counter.result(), sweeps: 1, events: 0, sweepAt: "02:00 America/New_York", resources: 3, errors: [] };
}

const report = (before?: ReplayRun): ReplayReport => ({
  status: "ok",
  days: 2,
  from: "2026-11-12T15:00:00.000Z",
  to: "2026-11-14T15:00:00.000Z",
  group: "g",
  dir: "policies",
  ...(before ? { before, base: "abc1234 Quieter pings" } : {}),
  after: run((c) => {
    c.record("2026-11-13", plan("@amy.owner and @bob please look", ["A"]));
    c.record("2026-11-13", plan("@amy.owner again"));
  }),
  source: { relevant: 5, maxResources: 3, sampled: { kept: 3, of: 5 }, unreadable: [] },
  apiRequests: 10,
});

describe("the replay table", () => {
  it("counts notes, mentions and label changes per day, and says when it sampled", () => {
    const md = renderReplayMarkdown(report());
    expect(md).toContain("| 2026-11-13 Fri | 2 | 3 | 1 | 0 |");
    expect(md).toContain("| 2026-11-14 Sat (no sweep) | 0 | 0 | 0 | 0 |");
    expect(md).toContain("| **Total** | **2** | **3** | **1** | **0** |");
    expect(md).toContain("**Sampled:** 5 issues and merge requests were open during the window, more than the maximum of 3");
    expect(md).toContain("most-mentioned person `amy.owner` (2 mentions, at most 2 on one day)");
    expect(md).not.toMatch(/@amy/);
  });

  it("shows before → after where the two policy sets differ", () => {
    const md = renderReplayMarkdown(report(run(() => {})));
    expect(md).toContain("| 2026-11-13 Fri | 0 → 2 | 0 → 3 | 0 → 1 | 0 |");
    expect(md).toContain("Before: busiest day none (no notes); most-mentioned person nobody.");
    expect(md).toContain("compares `abc1234 Quieter pings` with `policies`");
  });
});
