/**
 * A sweep under a rate limit far below what it needs: the fake GitLab enforces a per-minute
 * request limit as GitLab's throttle does (429 with Retry-After and RateLimit-* headers), and the
 * sweep must still reconcile every resource, waiting out the windows instead of dropping any.
 * Time runs sixty times faster than real time for the fake's windows and the bot's pauses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/jobs/sweep.js";
import { acceleratedTime } from "../support/acceleratedTime.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { SANDBOX_NOW, type Sandbox, startSandbox } from "../support/sandbox.js";

const PER_MINUTE = 20;
const EXTRA_ISSUES = 80;

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

describe("a sweep under a tight GitLab rate limit", () => {
  it("reconciles every resource (0 dropped, exit 0) by waiting for the windows to reset", async () => {
    const time = acceleratedTime(SANDBOX_NOW, 60);
    // A little latency, so answers come back while other requests are in flight, as they do from GitLab.
    sb = await startSandbox({ policiesDir: TEST_POLICIES_DIR, latencyMs: 3, rateLimit: { perMinute: PER_MINUTE, enforce: true, clock: time.clock } });
    const mops = sb.projects.mops;
    for (let i = 0; i < EXTRA_ISSUES; i++) {
      // Two stages at once: scoped exclusivity reads each one's label history to see which came last.
      sb.fake.addIssue(mops, { title: `Campaign request ${i}`, author: "dan.fieldmktg", labels: ["MktgOps::00: Triage", "MktgOps::04: In Progress"] });
    }
    const open = sb.fake.issues(mops).length + sb.fake.issues(sb.projects["sales-systems"]).length;
    // Three attempts per request: 429s must not use them up.
    const runtime = await sb.runtime({ dryRun: true, platform: { sleep: time.sleep, pacingClock: time.clock, retry: { attempts: 3, baseMs: 1, maxMs: 5 } } });
    sb.fake.resetCounters();

    const report = await runSweep({ ...runtime, dryRun: true });

    expect(report.errors).toEqual([]);
    expect(report.read.issues).toBeGreaterThanOrEqual(EXTRA_ISSUES);
    expect(report.read.issues).toBeLessThanOrEqual(open);
    const answers = sb.fake.requests.map((r) => r.status);
    // The sweep needed several windows' worth of requests...
    expect(answers.length).toBeGreaterThan(3 * PER_MINUTE);
    // ...and kept to the limit: less than 1% of them were refused.
    const refused = answers.filter((s) => s === 429).length;
    expect(refused / answers.length).toBeLessThan(0.01);
    expect(sb.fake.writes()).toEqual([]);
  });

  it("outlasts a storm of 429s with no request giving up, though each may fail only three times", async () => {
    const time = acceleratedTime(SANDBOX_NOW, 60);
    sb = await startSandbox({ policiesDir: TEST_POLICIES_DIR, latencyMs: 3, rateLimit: { perMinute: 2000, enforce: true, clock: time.clock } });
    const runtime = await sb.runtime({ dryRun: true, platform: { sleep: time.sleep, pacingClock: time.clock, retry: { attempts: 3, baseMs: 1, maxMs: 5 } } });
    sb.fake.resetCounters();
    // The next 40 answers are 429 (Retry-After 2 s), whoever asks: the sweep's first request alone meets several.
    sb.fake.faults = { next: Array.from({ length: 40 }, () => 429 as const), retryAfterSeconds: 2 };

    const report = await runSweep({ ...runtime, dryRun: true });

    expect(report.errors).toEqual([]);
    expect(sb.fake.requests.filter((r) => r.status === 429)).toHaveLength(40);
    expect(report.read.issues).toBe(sb.fake.issues(sb.projects.mops).length + sb.fake.issues(sb.projects["sales-systems"]).length);
  });
});
