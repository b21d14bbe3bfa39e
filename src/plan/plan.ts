/**
 * `mops-bot plan`: what a change to the policies would do. Loads the policies before (a folder or
 * a git commit) and after (the working tree), evaluates both on the same read-only view of GitLab,
 * and reports the difference. Broken policies are reported instead, with every problem located.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import { createBusinessCalendar } from "../domain/calendar.js";
import { jobNames } from "../jobs/registry.js";
import type { Job } from "../jobs/types.js";
import { validatePolicies } from "../policy/load.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { PolicyProblem } from "../policy/problems.js";
import type { GitLabConnection } from "../config.js";
import { resolveBase } from "./baseSource.js";
import { diffEvaluations, type PlanDiff } from "./diff.js";
import { evaluatePolicySets, type EvaluateOptions, type PolicySet } from "./evaluate.js";

export interface PlanOptions {
  /** The policies as changed (the working tree's folder). */
  dir: string;
  /** A folder of policies, or a git branch, tag or commit holding the same folder. */
  base: string;
  /** Resolved only when the policies load: a broken change needs no GitLab to be reported. */
  connection: () => GitLabConnection;
  now: Date;
  logger: Logger;
  jobs?: readonly Job[];
  platform?: EvaluateOptions["platform"];
}

export interface PlanReport extends PlanDiff {
  status: "ok";
  /** How the base is named: a folder, or `abc1234 commit subject`. */
  base: string;
  dir: string;
  at: string;
  group: string;
  /** Policy files added, removed or edited, relative to the policies folder. */
  filesChanged: string[];
  /** The base could not be loaded, so everything the new policies do counts as new. */
  baseProblems: PolicyProblem[];
  baseMissing: boolean;
  apiRequests: number;
}

export interface InvalidPlan {
  status: "invalid";
  dir: string;
  problems: PolicyProblem[];
}

export type PlanOutcome = PlanReport | InvalidPlan;

async function filesOf(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.set(child, await readFile(path.join(root, child), "utf8"));
    }
  };
  await walk("").catch(() => undefined);
  return out;
}

/** Files that differ between two policy folders (`null` base: every file is new). */
export async function changedFiles(baseDir: string | null, dir: string): Promise<string[]> {
  const [before, after] = await Promise.all([baseDir === null ? new Map<string, string>() : filesOf(baseDir), filesOf(dir)]);
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}

function policySet(policy: CompiledPolicy): PolicySet {
  return { policy, calendar: createBusinessCalendar(policy.calendar) };
}

export async function computePlan(options: PlanOptions): Promise<PlanOutcome> {
  const known = { knownJobs: jobNames() };
  const head = await validatePolicies(options.dir, known);
  if (!head.policy) return { status: "invalid", dir: options.dir, problems: head.problems };

  const base = await resolveBase(options.base, options.dir);
  try {
    const baseResult = base.dir === null ? null : await validatePolicies(base.dir, known);
    const before = baseResult?.policy ? policySet(baseResult.policy) : null;
    const evaluation = await evaluatePolicySets({
      before,
      after: policySet(head.policy),
      connection: options.connection(),
      now: options.now,
      logger: options.logger,
      ...(options.jobs ? { jobs: options.jobs } : {}),
      ...(options.platform ? { platform: options.platform } : {}),
    });
    return {
      status: "ok",
      base: base.label,
      dir: options.dir,
      at: options.now.toISOString(),
      group: head.policy.scope.group,
      filesChanged: await changedFiles(base.dir, options.dir),
      baseProblems: baseResult?.problems ?? [],
      baseMissing: base.dir === null,
      apiRequests: evaluation.apiRequests,
      ...diffEvaluations(evaluation.before, evaluation.after),
    };
  } finally {
    await base.cleanup();
  }
}
