/**
 * `mops-bot serve`: the webhook server with its durable inbox and the in-process schedules. The
 * server's code is in ./commands.ts, imported when the command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";

export function registerServeCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  program
    .command("serve")
    .description("Receive GitLab webhooks and reconcile what they name; run the scheduled jobs in-process")
    .option("--no-schedules", "do not run policies/schedules.yml in-process (when CI schedules run the jobs)")
    .option("--new-inbox", "start with an empty webhook inbox although the data directory had one that is now missing")
    .action(async (options: { schedules: boolean; newInbox?: boolean }) => {
      const { serveCommand } = await import("./commands.js");
      exit.code = await serveCommand(options, io);
    });
}
