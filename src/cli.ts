/**
 * The `mops-bot` command line. Each area registers its own sub-commands so this file stays a
 * table of contents; `main` returns the exit code instead of calling process.exit, so tests can
 * run commands in-process. Registering loads only commander and each area's cli.ts: a command's
 * code is imported by its action when it runs, so `--help` starts in a fraction of a second
 * (test/unit/cli/lazyLoading.test.ts keeps it so).
 */
import { Command, CommanderError } from "commander";
import type { CliIo, CommandIo, ExitCodeHolder } from "./cliIo.js";
import type { Env } from "./config.js";
import { registerJobCommands } from "./jobs/cli.js";
import { registerLabelCommands } from "./labels/cli.js";
import { registerPlanCommands } from "./plan/cli.js";
import { registerPolicyCommands } from "./policy/cli.js";
import { registerInboxCommands } from "./queue/cli.js";
import { registerReportCommands } from "./report/cli.js";
import { registerAdoptCommands } from "./rollout/cli.js";
import { registerServeCommands } from "./server/cli.js";
import { registerSlaCommands } from "./sla/cli.js";
import { registerRuleCommands } from "./triage/cli.js";

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t.endsWith("\n") ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith("\n") ? t : `${t}\n`),
};

export function buildProgram(io: CommandIo, exit: ExitCodeHolder): Command {
  const program = new Command()
    .name("mops-bot")
    .description("Keeps the Marketing Operations team's GitLab issues, merge requests and milestones in the shape the handbook describes.")
    .version("0.1.0")
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride()
    .showHelpAfterError();
  registerPolicyCommands(program, io, exit);
  registerJobCommands(program, io, exit);
  registerAdoptCommands(program, io, exit);
  registerServeCommands(program, io, exit);
  registerRuleCommands(program, io, exit);
  registerInboxCommands(program, io, exit);
  registerLabelCommands(program, io, exit);
  registerPlanCommands(program, io, exit);
  registerSlaCommands(program, io, exit);
  registerReportCommands(program, io, exit);
  return program;
}

/** Reads the configuration once, on first use; its module is loaded then too, not for `--help`. */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= read());
}

/** The entry point: the one place, with the demo's, that hands the process environment to the configuration. */
export async function main(argv: string[], io: CliIo = defaultIo, env: Env = process.env): Promise<number> {
  const exit: ExitCodeHolder = { code: 0 };
  const config = once(() => import("./config.js").then((m) => m.loadConfig(env)));
  const serveConfig = once(() => import("./config.js").then((m) => m.loadServeConfig(env)));
  const program = buildProgram({ ...io, config, serveConfig }, exit);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors with 1.
      return e.exitCode;
    }
    io.err(`mops-bot: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  return exit.code;
}
