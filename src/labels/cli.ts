/**
 * `mops-bot labels sync` and `mops-bot labels migrate`: keep GitLab's labels equal to
 * policies/labels.yml, and move issues and merge requests off alias labels. The work is in
 * ./commands.ts, imported when a command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import type { CommonOptions, MigrateCliOptions } from "./commands.js";

export function registerLabelCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  const labels = program.command("labels").description("Keep GitLab's labels equal to policies/labels.yml");
  const common = (c: Command) =>
    c
      .option("--dry-run", "show what would change without writing to GitLab")
      .option("--report <file>", "also write the full report as JSON to this file")
      .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)");

  common(
    labels
      .command("sync")
      .description(
        "Create missing labels in the group (and in projects outside it) with labels.yml's colour and description, update those that differ, set board priorities, and report labels labels.yml does not know. Deletes nothing.",
      ),
  ).action(async (options: CommonOptions) => {
    const { labelSyncCommand } = await import("./commands.js");
    exit.code = await labelSyncCommand(options, io);
  });

  common(
    labels
      .command("migrate")
      .description("Replace alias labels with their canonical label on open issues and merge requests (one update each; safe to rerun after a crash)")
      .option("--include-closed", "also closed issues and closed or merged merge requests")
      .option("--delete-aliases", "then delete alias labels that no issue or merge request (open or closed) carries any more"),
  ).action(async (options: MigrateCliOptions) => {
    const { labelMigrateCommand } = await import("./commands.js");
    exit.code = await labelMigrateCommand(options, io);
  });
}
