/** What `mops-bot rules list` and `mops-bot rules explain` do, loaded only when one of them runs. */
import type { CommandIo } from "../cliIo.js";
import { policiesDirOf, requireGitLab } from "../config.js";
import { parseRef, type ResourceSnapshot } from "../domain/snapshot.js";
import { createRuleContext } from "../engine/context.js";
import type { Platform } from "../engine/platform.js";
import { fetchHistory, planSnapshot } from "../engine/reconcile.js";
import { describeAction } from "../engine/describeAction.js";
import { renderConvergence, summariseConvergence } from "../engine/rounds.js";
import { jobNames } from "../jobs/registry.js";
import { createLogger } from "../logging.js";
import { loadPolicies } from "../policy/load.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { buildRules, findRule } from "../rules/registry.js";
import type { Rule, RuleContext } from "../rules/types.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { explainRule } from "./explain.js";
import { listRules, renderRuleList } from "./list.js";
import { resolveAssignees } from "./sweepSupport.js";

/** The snapshot with the history the rule needs (as the engine reads it), and the bot's earlier notes when it proposes a note. */
async function snapshotFor(rule: Rule, snapshot: ResourceSnapshot, platform: Platform, ctx: RuleContext): Promise<ResourceSnapshot> {
  let s = await fetchHistory(snapshot, [rule], ctx, platform);
  if (s.notes === undefined && rule.evaluate(s, ctx).some((a) => a.type === "comment")) {
    s = { ...s, notes: (s.userNotesCount ?? 1) === 0 ? [] : await platform.notes(s) };
  }
  return s;
}

export async function explainCommand(ruleId: string, refText: string, runtime: Runtime): Promise<string> {
  const ref = parseRef(refText);
  if (ref === undefined || ref.kind === "milestone") {
    throw new Error(`"${refText}" is not an issue or merge request reference: write it as group/project#12 or group/project!12.`);
  }
  const rules = buildRules(runtime.policy);
  const rule = findRule(rules, ruleId);
  const listed = await runtime.platform.get(ref);
  if (listed === null) throw new Error(`${refText} was not found, or its project is not in policies/scope.yml.`);
  const ctx: RuleContext = {
    ...createRuleContext(runtime.policy, runtime.calendar, runtime.clock(), await runtime.platform.milestones()),
    userIds: await resolveAssignees([rule], runtime.policy, runtime.platform, runtime.logger),
  };
  const explained = explainRule(rule, await snapshotFor(rule, listed, runtime.platform, ctx), ctx);
  // With every rule: how the plan converges, and whether this rule's notes survive it.
  const { plan, convergence } = await planSnapshot(listed, { platform: runtime.platform, rules, ctx });
  const mine = plan.actions.filter((a) => a.rule === rule.id);
  const lines = ["", "With every rule (the plan a run would make, converged):", ...(convergence ? renderConvergence(summariseConvergence(convergence)) : [])];
  lines.push(mine.length > 0 ? `  In the plan from ${rule.id}: ${mine.map(describeAction).join("; ")}` : `  Nothing from ${rule.id} is in the plan.`);
  for (const c of plan.conflicts) lines.push(`  ! conflict on ${c.subject}: ${c.message}`);
  return `${explained}\n${lines.join("\n")}`;
}

export async function listRulesCommand(opts: { dir?: string }, io: CommandIo): Promise<number> {
  const config = await io.config();
  try {
    const policy = await loadPolicies(policiesDirOf(config, opts.dir), { knownJobs: jobNames() });
    io.out(renderRuleList(listRules(policy)));
    return 0;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    io.err(`The policies have problems:\n${e.problems.map(formatProblem).join("\n")}`);
    return 1;
  }
}

export async function explainRuleCommand(ruleId: string, ref: string, opts: { dir?: string }, io: CommandIo): Promise<number> {
  try {
    const config = await io.config();
    const runtime = await openRuntime({
      policiesDir: policiesDirOf(config, opts.dir),
      connection: requireGitLab(config),
      config,
      dryRun: true,
      logger: createLogger(config),
    });
    io.out(await explainCommand(ruleId, ref, runtime));
    return 0;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    io.err(`The policies have problems:\n${e.problems.map(formatProblem).join("\n")}`);
    return 1;
  }
}
