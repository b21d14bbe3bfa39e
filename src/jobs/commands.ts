/** What `mops-bot sweep` and `mops-bot run <job>` do, loaded only when one of them runs. */
import { writeFile } from "node:fs/promises";
import type { CommandIo } from "../cliIo.js";
import { renderReportText, type RunReport } from "../engine/report.js";
import { withJobRuntime } from "./jobRuntime.js";
import { findJob } from "./registry.js";

export interface RunOptions {
  dryRun?: boolean;
  report?: string;
  only?: string[];
  dir?: string;
}

export async function runJobCommand(name: string, options: RunOptions, io: CommandIo): Promise<number> {
  const job = findJob(name);
  const outcome = await withJobRuntime(options, io, (deps) => job.run(deps));
  if ("exitCode" in outcome) return outcome.exitCode;
  const report: RunReport = outcome.result;
  io.out(renderReportText(report));
  if (options.report) {
    await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    io.out(`\nFull report written to ${options.report}`);
  }
  return report.errors.length > 0 ? 1 : 0;
}
