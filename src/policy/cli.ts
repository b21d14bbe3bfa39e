/**
 * `mops-bot policies validate|schema`: check the team's YAML policies (every problem as
 * `file:line:col: message`) and regenerate the JSON Schema editors use. The work is in
 * ./commands.ts, imported when a command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";

export function registerPolicyCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  const policies = program.command("policies").description("Check and document the YAML policies in policies/");

  policies
    .command("validate")
    .description("Check every policy file and list every problem as file:line:col: message")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (opts: { dir?: string }) => {
      const { validateCommand } = await import("./commands.js");
      await validateCommand(opts, io, exit);
    });

  policies
    .command("schema")
    .description("Write the JSON Schema of each policy file kind to <dir>/schema/ (for editor autocompletion)")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .action(async (opts: { dir?: string }) => {
      const { schemaCommand } = await import("./commands.js");
      await schemaCommand(opts, io);
    });
}
