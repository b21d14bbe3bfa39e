// Replaced by the policy module's real commands.
import type { Command } from "commander";
import type { CliIo, ExitCodeHolder } from "../cli.js";

export function registerPolicyCommands(program: Command, _io: CliIo, _exit: ExitCodeHolder): void {
  program.command("policies").description("Check and document the YAML policies in policies/");
}
