/** What `mops-bot sweep` and `mops-bot run <job>` do, loaded only when one of them runs. */
import { writeFile } from "node:fs/promises";
import type { CliIo } from "../cli.js";
import { renderReportText, type RunReport } from "../engine/report.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { gitlabConnectionFromEnv, openRuntime } from "../runtime.js";
import { historyCacheSettings, openHistoryCache } from "../cache/open.js";
import { startProgress } from "./progress.js";
import { findJob } from "./registry.js";

export interface RunOptions {
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
