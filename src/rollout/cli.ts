/**
 * `mops-bot adopt`: switching the bot on for a board. `--dry-run` prints what adoption would do
 * (repairs by kind, the adoption report, how many people would be mentioned) without writing.
 * The code is imported when the command runs (./commands.ts), not to print the help.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import type { AdoptOptions } from "./commands.js";

export function registerAdoptCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  program
    .command("adopt")
    .description("Switch the bot on for the board as policies/rollout.yml says: quiet repairs on the backlog and one adoption report per project")
    .option("--dry-run", "print what adoption would do, without writing to GitLab")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (options: AdoptOptions) => {
      const { runAdoptCommand } = await import("./commands.js");
      exit.code = await runAdoptCommand(options, io);
    });
}
