/**
 * `mops-bot report --out DIR`: the board, SLAs, the current milestone, the Sales Systems steps and
 * tool audits as a static web page (GitLab Pages publishes it nightly). Reads GitLab, writes nothing.
 * The work is in ./commands.ts, imported when the command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import type { ReportCommandOptions } from "./commands.js";

export function registerReportCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  program
    .command("report")
    .description("Write the MOps report (stage board, SLAs, current milestone, Sales Systems steps, tool audits) as a static web page; reads GitLab, changes nothing")
    .requiredOption("--out <dir>", "folder to write index.html into (created when missing), e.g. public for GitLab Pages")
    .option("--dir <dir>", "the policies folder (default: $MOPS_POLICIES_DIR or ./policies)")
    .option("--stuck-days <n>", "business days in one stage after which an issue counts as stuck", "10")
    .option("--history-limit <n>", "read the label history of at most this many issues", "2000")
    .action(async (options: ReportCommandOptions) => {
      const { runReportCommand } = await import("./commands.js");
      exit.code = await runReportCommand(options, io, { config: await io.config() });
    });
}
