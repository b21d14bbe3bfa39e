/**
 * `mops-bot plan --base DIR_OR_GIT_REF [--replay 30d] [--comment-on-mr IID]`: what a policy change
 * would do, for the person reviewing it (terminal, JSON, or one comment on the merge request, edited
 * on each push); with `--replay`, also what it would have done over the board's recent history.
 * The work is in ./commands.ts, imported when the command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import type { PlanCommandOptions } from "./commands.js";

export function registerPlanCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  program
    .command("plan")
    .description(
      "Show what a change to the policies would do to the open issues and merge requests (--base), and what the policies would have done over the last days (--replay), without changing anything",
    )
    .option("--base <dir-or-git-ref>", "the policies before the change: a folder, or a branch, tag or commit (e.g. main, $CI_MERGE_REQUEST_DIFF_BASE_SHA)")
    .option("--replay <days>", "also replay the policies over the last N days of the board's history (e.g. 30d): notes, mentions, label changes and Slack posts per day")
    .option("--max-resources <n>", "with --replay: the most issues and merge requests to replay (the most recently updated are kept)", "1000")
    .option("--dir <dir>", "the policies after the change (default: $MOPS_POLICIES_DIR or ./policies)")
    .option("--format <format>", "markdown or json", "markdown")
    .option("--report <file>", "also write the plan as JSON to this file")
    .option("--comment-on-mr <iid>", "post the plan as one comment on this merge request, edited on later runs")
    .option("--project <path>", "the project of that merge request (default: $CI_PROJECT_PATH)")
    .action(async (options: PlanCommandOptions) => {
      const { runPlanCommand } = await import("./commands.js");
      exit.code = await runPlanCommand(options, io, { config: await io.config() });
    });
}
