/**
 * `mops-bot policies validate|schema`: check the team's YAML policies (every problem as
 * `file:line:col: message`) and regenerate the JSON Schema editors use.
 */
import path from "node:path";
import type { Command } from "commander";
import type { CliIo, ExitCodeHolder } from "../cli.js";
import { writeJsonSchemas } from "./jsonSchema.js";
import { jobNames } from "../jobs/registry.js";
import { buildRules } from "../rules/registry.js";
import { validatePolicies } from "./load.js";
import { slackEnvWarnings } from "../notify/config.js";
import type { PolicySummary } from "./load.js";
import { formatProblem } from "./problems.js";

/** `--dir`, else MOPS_POLICIES_DIR, else ./policies. */
export function defaultPoliciesDir(): string {
  return process.env.MOPS_POLICIES_DIR ?? "policies";
}

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

export function registerPolicyCommands(program: Command, io: CliIo, exit: ExitCodeHolder): void {
  const policies = program.command("policies").description("Check and document the YAML policies in policies/");

  policies
    .command("validate")
    .description("Check every policy file and list every problem as file:line:col: message")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (opts: { dir?: string }) => {
      const dir = opts.dir ?? defaultPoliciesDir();
      const result = await validatePolicies(dir, { knownJobs: jobNames() });
      if (result.problems.length > 0) {
        for (const p of result.problems) io.out(formatProblem(p));
        io.err(`${result.problems.length} problem(s) in ${dir}: fix them and run 'mops-bot policies validate' again.`);
        exit.code = 1;
        return;
      }
      io.out(formatSummary(dir, result.summary, result.policy ? buildRules(result.policy).length : undefined));
      for (const warning of slackEnvWarnings(result.policy?.notifications, process.env)) io.err(`warning: ${warning}`);
    });

  policies
    .command("schema")
    .description("Write the JSON Schema of each policy file kind to <dir>/schema/ (for editor autocompletion)")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (opts: { dir?: string }) => {
      const dir = opts.dir ?? defaultPoliciesDir();
      for (const file of await writeJsonSchemas(dir)) io.out(`wrote ${path.relative(process.cwd(), file) || file}`);
    });
}
