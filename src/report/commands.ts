/** What `mops-bot report` does, loaded only when it runs. */
import type { Logger } from "pino";
import type { CliIo } from "../cliIo.js";
import { loadConfig, policiesDirOf, requireGitLab, type Config } from "../config.js";
import { createLogger } from "../logging.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { gitlabWebBase } from "./links.js";
import { writeReport } from "./run.js";

export interface ReportCommandOptions {
  out: string;
  dir?: string;
  stuckDays?: string;
  historyLimit?: string;
}

export interface ReportCommandDeps {
  /** Default: that of an empty environment. */
  config?: Config;
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
  const config = deps.config ?? loadConfig({});
  const connection = requireGitLab(config);
  const runtime =
    deps.runtime ??
    (await openRuntime({ policiesDir: policiesDirOf(config, options.dir), connection, dryRun: true, logger: deps.logger ?? createLogger(config), config }));
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
