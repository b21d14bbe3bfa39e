/**
 * The demo's contradiction count: after a real sweep every note the bot left is still true of the
 * state the sweep left; a note whose reason that state makes false is counted.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findContradictions } from "../../src/demo/contradictions.js";
import { createRuleContext } from "../../src/engine/context.js";
import type { RunReport } from "../../src/engine/report.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { buildRules } from "../../src/rules/registry.js";
import { type Sandbox, startSandbox } from "../support/sandbox.js";

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox();
});
afterEach(async () => {
  await sb.close();
});

async function sweepAndCheck(tamper: (r: RunReport) => RunReport = (r) => r) {
  const runtime = await sb.runtime();
  const report = await runSweep({ ...runtime, dryRun: false });
  const ctx = { ...createRuleContext(sb.policy, runtime.calendar, runtime.clock(), await runtime.platform.milestones()), botUsername: sb.policy.scope.botUsername };
  return findContradictions(tamper(report), { platform: runtime.platform, rules: buildRules(sb.policy), ctx });
}

describe("contradictions", () => {
  it("finds none in the notes of a converged sweep", async () => {
    expect(await sweepAndCheck()).toEqual([]);
  });

  it("counts a note whose reason the sweep's own change made false (a triage ping on an issue it took out of triage)", async () => {
    const title = "Import booth scans from the AWS Summit";
    const found = await sweepAndCheck((report) => {
      const r = report.resources.find((x) => x.title === title)!;
      const ping = { type: "comment" as const, body: "waited in triage", marker: "triage:triage-dri-ping", rule: "triage:triage-dri-ping", reason: "in triage for 18 business days" };
      return { ...report, resources: [{ ...r, actions: [...r.actions, ping] }] };
    });
    expect(found).toEqual([{ ref: expect.stringMatching(/#\d+$/), rule: "triage:triage-dri-ping", marker: "triage:triage-dri-ping" }]);
  });
});
