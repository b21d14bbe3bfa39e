/** `mops-bot sla explain <ref>`: print how each SLA clock on one issue ran (the work is in ./commands.ts, imported when it runs). */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";

export function registerSlaCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  const sla = program.command("sla").description("SLA clocks on the business calendar (policies/sla.yml)");
  sla
    .command("explain")
    .argument("<ref>", "the issue, e.g. gitlab-com/marketing/marketing-operations#123")
    .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)")
    .description("Show an issue's SLA clocks: when each started, paused, resumed and is (or was) due, in the team's time zone")
    .action(async (ref: string, opts: { dir?: string }) => {
      const { explainSlaCommand } = await import("./commands.js");
      exit.code = await explainSlaCommand(ref, opts, io);
    });
}
