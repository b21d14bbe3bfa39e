/**
 * `mops-bot sweep` and `mops-bot run <job>`: the scheduled side of the bot, as run from a GitLab
 * CI schedule or by hand.
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { CliIo, ExitCodeHolder } from "../cli.js";
import { renderReportText, type RunReport } from "../engine/report.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { gitlabConnectionFromEnv, openRuntime } from "../runtime.js";
import { historyCacheSettings, openHistoryCache } from "../cache/open.js";
import { startProgress } from "./progress.js";
import { findJob, jobs } from "./registry.js";

interface RunOptions {
  dryRun?: boolean;
  report?: string;
  only?: string[];
  dir?: string;
}

export async function runJobCommand(name: string, options: RunOptions, io: CliIo): Promise<number> {
  const job = findJob(name);
  let report: RunReport;
  const logger = createLogger();
  const connection = gitlabConnectionFromEnv();
  // What earlier runs read of each resource's history, still valid while its updated_at is unchanged.
  const historyCache = openHistoryCache(historyCacheSettings(process.env), { gitlabUrl: connection.url, logger });
  try {
    const runtime = await openRuntime({
      policiesDir: options.dir ?? defaultPoliciesDir(),
      connection,
      dryRun: options.dryRun === true,
      logger,
      platform: historyCache ? { historyCache } : {},
    });
    const progress = startProgress({ write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY === true });
    try {
      report = await job.run({ ...runtime, dryRun: options.dryRun === true, only: options.only, onProgress: progress.onProgress });
    } finally {
      progress.stop();
    }
  } catch (e) {
    if (e instanceof PolicyError) {
      io.err(`The policies have problems, so nothing was done:\n${e.problems.map(formatProblem).join("\n")}`);
      return 1;
    }
    throw e;
  } finally {
    await historyCache?.close();
  }
  io.out(renderReportText(report));
  if (options.report) {
    await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    io.out(`\nFull report written to ${options.report}`);
  }
  return report.errors.length > 0 ? 1 : 0;
}

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((v) => v.trim()).filter(Boolean)];

export function registerJobCommands(program: Command, io: CliIo, exit: ExitCodeHolder): void {
  const withRunOptions = (c: Command) =>
    c
      .option("--dry-run", "show what would change without writing to GitLab")
      .option("--report <file>", "also write the full report as JSON to this file")
      .option("--only <rule>", "run only this rule (id or prefix, repeatable or comma-separated)", collect)
      .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)");

  withRunOptions(program.command("sweep").description("Reconcile every open issue and merge request in scope with every rule")).action(
    async (options: RunOptions) => {
      exit.code = await runJobCommand("sweep", options, io);
    },
  );

  withRunOptions(
    program
      .command("run")
      .argument("<job>", `the job to run once: ${jobs.map((j) => j.name).join(", ")}`)
      .description("Run one scheduled job once (what the CI schedules call)"),
  ).action(async (name: string, options: RunOptions) => {
    exit.code = await runJobCommand(name, options, io);
  });
}
