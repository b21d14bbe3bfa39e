/**
 * A sweep keeps each summarized issue until the summaries are written at its end: what the summary
 * shows (listed fields, the facts found), never the comments and events read for the rules, so a
 * large board's history is not all held in memory at once.
 */
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/rules/triage/rule.js";
import { SummaryCollector } from "../../../src/triage/sweepSupport.js";
import { BOT, CURRENT, NOW, issue, labelEvent, note } from "../../support/builders.js";
import { mopsRuleSet } from "../../support/policies.js";

describe("the sweep's summary collector", () => {
  it("keeps a summarized issue without the history read for its rules", async () => {
    const { rules, context } = await mopsRuleSet({ now: NOW, milestones: [CURRENT], botUsername: BOT.username });
    const collector = new SummaryCollector(rules);
    const s = issue({
      labels: ["MktgOps::02: Ready for Assignment"],
      createdAt: new Date("2026-08-01T10:00:00Z"),
      updatedAt: new Date("2026-09-01T10:00:00Z"),
      labelEvents: [labelEvent("MktgOps::02: Ready for Assignment", "2026-08-02T10:00:00Z")],
      notes: [note("A long comment ".repeat(50), "2026-09-01T10:00:00Z", "dan.fieldmktg")],
      stateEvents: [],
    });
    collector.collect(s, context);
    const held = [...(collector as unknown as { findings: Map<string, Finding[]> }).findings.values()].flat();
    expect(held.length).toBeGreaterThan(0);
    for (const f of held) {
      expect(f.snapshot.labels).toEqual(s.labels);
      expect(f.snapshot.notes).toBeUndefined();
      expect(f.snapshot.labelEvents).toBeUndefined();
      expect(f.snapshot.stateEvents).toBeUndefined();
    }
  });
});
