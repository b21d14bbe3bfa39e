/**
 * `mops-bot report --out DIR`: the board, SLAs, the current milestone, the Sales Systems steps and
 * tool audits as a static web page (GitLab Pages publishes it nightly). Reads GitLab, writes nothing.
 */
import type { Command } from "commander";
import type { Logger } from "pino";
import type { CliIo, ExitCodeHolder } from "../cli.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { gitlabConnectionFromEnv, openRuntime, type Runtime } from "../runtime.js";
import { gitlabWebBase } from "./links.js";
import { writeReport } from "./run.js";

export interface ReportCommandOptions {
  out: string;
  dir?: string;
  stuckDays?: string;
  historyLimit?: string;
}

export interface ReportCommandDeps {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** A runtime already open (tests); otherwise one is opened from the environment, in dry-run. */
  runtime?: Runtime;
}

function wholeNumber(value: string | undefined, option: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${option} must be a whole number of at least ${min} (got "${value}").`);
  return n;
}

export async function runReportCommand(options: ReportCommandOptions, io: CliIo, deps: ReportCommandDeps = {}): Promise<number> {
  const stuckAfterDays = wholeNumber(options.stuckDays, "--stuck-days", 1);
  const historyLimit = wholeNumber(options.historyLimit, "--history-limit", 0);
  const env = deps.env ?? process.env;
  const connection = gitlabConnectionFromEnv(env);
  const runtime =
    deps.runtime ??
    (await openRuntime({ policiesDir: options.dir ?? defaultPoliciesDir(), connection, dryRun: true, logger: deps.logger ?? createLogger() }));
  const written = await writeReport(runtime, {
    out: options.out,
    gitlabUrl: gitlabWebBase(connection.url),
    ...(stuckAfterDays !== undefined ? { settings: { stuckAfterDays } } : {}),
    ...(historyLimit !== undefined ? { historyLimit } : {}),
  });
  io.out(`Report written to ${written.index} (${written.openIssues} open issues, ${written.apiRequests.total} GitLab requests).`);
  if (written.model.historyNotRead.length > 0) {
    io.err(`${written.model.historyNotRead.length} issue(s) were counted without their label history (--history-limit): the page says which.`);
  }
  return 0;
}

export function registerReportCommands(program: Command, io: CliIo, exit: ExitCodeHolder): void {
  program
    .command("report")
    .description("Write the MOps report (stage board, SLAs, current milestone, Sales Systems steps, tool audits) as a static web page; reads GitLab, changes nothing")
    .requiredOption("--out <dir>", "folder to write index.html into (created when missing), e.g. public for GitLab Pages")
    .option("--dir <dir>", "the policies folder (default: $MOPS_POLICIES_DIR or ./policies)")
    .option("--stuck-days <n>", "business days in one stage after which an issue counts as stuck", "10")
    .option("--history-limit <n>", "read the label history of at most this many issues", "2000")
    .action(async (options: ReportCommandOptions) => {
      exit.code = await runReportCommand(options, io);
    });
}
