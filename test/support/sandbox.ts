/**
 * A sandbox for end-to-end tests: the fake GitLab seeded with the demo board, the shipped
 * policies, and a runtime pointing at it with a fixed clock and instant retries.
 */
import { pino } from "pino";
import { seedBoard } from "../../src/demo/seedBoard.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { loadPolicies } from "../../src/policy/load.js";
import { type Runtime, type RuntimeOptions, openRuntime } from "../../src/runtime.js";
import { type FakeGitlab, type RateLimitOptions, startFakeGitlab } from "./fakeGitlab/index.js";
import { seededRandom } from "./fakeGitlab/seededRandom.js";
import { TEST_POLICIES_DIR } from "./policies.js";

export const SANDBOX_NOW = new Date("2026-11-18T15:00:00Z");
export const SANDBOX_TOKEN = "sandbox-token";

export interface Sandbox {
  fake: FakeGitlab;
  policy: CompiledPolicy;
  projects: { mops: string; "sales-systems": string };
  milestones: { past: string; current: string; next: string };
  /** `platform` replaces the sandbox's adapter settings (instant retries) key by key (a history cache, a rate limit's clock). */
  runtime(options?: { dryRun?: boolean; platform?: RuntimeOptions["platform"] }): Promise<Runtime>;
  close(): Promise<void>;
}

/**
 * `clock` replaces the fixed SANDBOX_NOW for both the fake GitLab and the runtime, so a test can
 * move time forward (SLA clocks); the demo board is still seeded around SANDBOX_NOW.
 */
export async function startSandbox(
  options: { latencyMs?: number; policiesDir?: string; clock?: () => Date; rateLimit?: RateLimitOptions; scopedLabelsExclusive?: boolean } = {},
): Promise<Sandbox> {
  const policiesDir = options.policiesDir ?? TEST_POLICIES_DIR;
  const policy = await loadPolicies(policiesDir);
  const clock = options.clock ?? (() => SANDBOX_NOW);
  const fake = await startFakeGitlab({
    token: SANDBOX_TOKEN,
    botUsername: policy.scope.botUsername,
    now: clock,
    latencyMs: options.latencyMs ?? 0,
    // Injected faults draw from a seeded generator: a test that sets fault rates sees the same draws every run.
    random: seededRandom(1),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    // GitLab Premium: adding a scoped label replaces the label of the same key (gitlabhq/gitlabhq
    // doc/user/project/labels.md, "Scoped labels": "the previous `key` label is replaced").
    ...(options.scopedLabelsExclusive ? { scopedLabelsExclusive: true } : {}),
  });
  const { milestones, projects } = seedBoard(fake, policy, SANDBOX_NOW);
  return {
    fake,
    policy,
    projects,
    milestones,
    runtime: ({ dryRun = false, platform } = {}) =>
      openRuntime({
        policiesDir,
        connection: { url: fake.url, token: SANDBOX_TOKEN },
        dryRun,
        clock,
        logger: pino({ level: "silent" }),
        platform: { retry: { attempts: 6, baseMs: 1, maxMs: 5 }, sleep: async () => {}, ...platform },
      }),
    close: () => fake.close(),
  };
}
