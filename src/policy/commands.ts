/** What `mops-bot policies validate|schema` do, loaded only when one of them runs. */
import path from "node:path";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import { policiesDirOf } from "../config.js";
import { jobNames } from "../jobs/registry.js";
import { slackEnvWarnings } from "../notify/config.js";
import { buildRules } from "../rules/registry.js";
import { writeJsonSchemas } from "./jsonSchema.js";
import { validatePolicies, type PolicySummary } from "./load.js";
import { formatProblem, formatWarning } from "./problems.js";

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function formatSummary(dir: string, s: PolicySummary, rules?: number): string {
  const parts = [
    ...(rules === undefined ? [] : [count(rules, "rule")]),
    count(s.files, "file"),
    count(s.labels, "label"),
    count(s.scopedSets, "scoped set"),
    count(s.aliases, "alias", "aliases"),
    count(s.workflows, "workflow"),
    count(s.peopleGroups, "people group"),
    count(s.schedules, "schedule"),
    count(s.templates, "template"),
  ];
  return `${dir}: policies OK — ${parts.join(", ")}`;
}

export async function validateCommand(opts: { dir?: string }, io: CommandIo, exit: ExitCodeHolder): Promise<void> {
  const config = await io.config();
  const dir = policiesDirOf(config, opts.dir);
  const result = await validatePolicies(dir, { knownJobs: jobNames() });
  for (const warning of result.warnings) io.err(formatWarning(warning));
  if (result.problems.length > 0) {
    for (const p of result.problems) io.out(formatProblem(p));
    io.err(`${result.problems.length} problem(s) in ${dir}: fix them and run 'mops-bot policies validate' again.`);
    exit.code = 1;
    return;
  }
  io.out(formatSummary(dir, result.summary, result.policy ? buildRules(result.policy).length : undefined));
  for (const warning of slackEnvWarnings(result.policy?.notifications, config.urlVariables)) io.err(`warning: ${warning}`);
}

export async function schemaCommand(opts: { dir?: string }, io: CommandIo): Promise<void> {
  const dir = policiesDirOf(await io.config(), opts.dir);
  for (const file of await writeJsonSchemas(dir)) io.out(`wrote ${path.relative(process.cwd(), file) || file}`);
}
