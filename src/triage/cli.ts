/**
 * `mops-bot rules list` and `mops-bot rules explain <rule> <ref>`: what rules exist and what
 * makes them run, and why one rule does (or does not) act on one issue or merge request. The
 * work is in ./commands.ts, imported when a command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";

export function registerRuleCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  const rules = program.command("rules").description("List the rules the policies define, and explain one rule on one issue or merge request");

  rules
    .command("list")
    .description("Every rule of every policy kind, with its id, description and what makes it run")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (opts: { dir?: string }) => {
      const { listRulesCommand } = await import("./commands.js");
      exit.code = await listRulesCommand(opts, io);
    });

  rules
    .command("explain")
    .argument("<rule>", "a rule id from `mops-bot rules list` (triage rules also by their own id)")
    .argument("<ref>", "an issue (group/project#12) or merge request (group/project!12)")
    .description("Evaluate one rule on one resource and print each condition with its value and result (nothing is written)")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (ruleId: string, ref: string, opts: { dir?: string }) => {
      const { explainRuleCommand } = await import("./commands.js");
      exit.code = await explainRuleCommand(ruleId, ref, opts, io);
    });
}
