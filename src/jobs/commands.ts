/** What `mops-bot sweep` and `mops-bot run <job>` do, loaded only when one of them runs. */
import { writeFile } from "node:fs/promises";
import type { CliIo } from "../cli.js";
import { renderReportText, type RunReport } from "../engine/report.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { PolicyError, formatProblem } from "../policy/problems.js";
import { gitlabConnectionFromEnv, openRuntime } from "../runtime.js";
import { findJob } from "./registry.js";

export interface RunOptions {
  dryRun?: boolean;
  report?: string;
  only?: string[];
  dir?: string;
}

function progressPrinter(): ((done: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done) => {
    if (done % 25 === 0) process.stderr.write(`\r  reconciled ${done} resources...`);
  };
}

export async function runJobCommand(name: string, options: RunOptions, io: CliIo): Promise<number> {
  const job = findJob(name);
  let report: RunReport;
  try {
    const runtime = await openRuntime({
      policiesDir: options.dir ?? defaultPoliciesDir(),
      connection: gitlabConnectionFromEnv(),
      dryRun: options.dryRun === true,
      logger: createLogger(),
    });
    const onProgress = progressPrinter();
    report = await job.run({ ...runtime, dryRun: options.dryRun === true, only: options.only, onProgress });
    if (onProgress) process.stderr.write("\r\x1b[K");
  } catch (e) {
    if (e instanceof PolicyError) {
      io.err(`The policies have problems, so nothing was done:\n${e.problems.map(formatProblem).join("\n")}`);
      return 1;
    }
    throw e;
  }
  io.out(renderReportText(report));
  if (options.report) {
    await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    io.out(`\nFull report written to ${options.report}`);
  }
  return report.errors.length > 0 ? 1 : 0;
}
