/**
 * What every command that runs a job once (`run <job>`, `sweep`, `adopt`) does around the job: open
 * the runtime with the history cache, show progress on stderr, and turn broken policies into the
 * list of problems a MOps user fixes, with exit code 1, instead of a stack trace.
 */
import type { CommandIo } from "../cliIo.js";
import { openHistoryCache } from "../cache/open.js";
import { policiesDirOf, requireGitLab } from "../config.js";
import { createLogger } from "../logging.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { openRuntime } from "../runtime.js";
import { startProgress } from "./progress.js";
import type { JobDeps } from "./types.js";

export interface JobRuntimeOptions {
  dryRun?: boolean;
  dir?: string;
  only?: string[];
}

/** The job's result, or `{ exitCode: 1 }` when the policies could not be loaded (the problems are printed). */
export async function withJobRuntime<T>(options: JobRuntimeOptions, io: CommandIo, job: (deps: JobDeps) => Promise<T>): Promise<{ result: T } | { exitCode: number }> {
  const config = await io.config();
  const logger = createLogger(config);
  const connection = requireGitLab(config);
  // What earlier runs read of each resource's history, still valid while its updated_at is unchanged.
  const historyCache = openHistoryCache(config.historyCache, { gitlabUrl: connection.url, logger });
  try {
    const runtime = await openRuntime({
      policiesDir: policiesDirOf(config, options.dir),
      connection,
      config,
      dryRun: options.dryRun === true,
      logger,
      platform: historyCache ? { historyCache } : {},
    });
    const progress = startProgress({ write: (t) => process.stderr.write(t), isTTY: process.stderr.isTTY === true });
    try {
      return { result: await job({ ...runtime, dryRun: options.dryRun === true, only: options.only, onProgress: progress.onProgress }) };
    } finally {
      progress.stop();
    }
  } catch (e) {
    if (e instanceof PolicyError) {
      io.err(`The policies have problems, so nothing was done:\n${e.problems.map(formatProblem).join("\n")}`);
      return { exitCode: 1 };
    }
    throw e;
  } finally {
    await historyCache?.close();
  }
}
