/**
 * `mops-bot sweep` and `mops-bot run <job>`: the scheduled side of the bot, as run from a GitLab
 * CI schedule or by hand. The jobs' code is imported when one runs (./commands.ts), not to
 * print the help.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import type { RunOptions } from "./commands.js";
import { JOB_NAMES } from "./names.js";

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];

export function registerJobCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  const withRunOptions = (c: Command) =>
    c
      .option("--dry-run", "show what would change without writing to GitLab")
      .option("--report <file>", "also write the full report as JSON to this file")
      .option("--only <rule>", "run only this rule: an id from `mops-bot rules list` (triage rules also by their own id) or a kind such as workflow; repeatable or comma-separated", collect)
      .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)");

  const run = async (name: string, options: RunOptions): Promise<void> => {
    const { runJobCommand } = await import("./commands.js");
    exit.code = await runJobCommand(name, options, io);
  };

  withRunOptions(program.command("sweep").description("Reconcile every open issue and merge request in scope with every rule")).action((options: RunOptions) =>
    run("sweep", options),
  );

  withRunOptions(
    program
      .command("run")
      .argument("<job>", `the job to run once: ${JOB_NAMES.join(", ")}`)
      .description("Run one scheduled job once (what the CI schedules call)"),
  ).action((name: string, options: RunOptions) => run(name, options));
}
