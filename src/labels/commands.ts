/** What `mops-bot labels sync` and `labels migrate` do, loaded only when one of them runs. */
import { writeFile } from "node:fs/promises";
import type { CommandIo } from "../cliIo.js";
import { policiesDirOf, requireGitLab } from "../config.js";
import { createLogger } from "../logging.js";
import { formatProblem, PolicyError } from "../policy/problems.js";
import { openRuntime, type Runtime } from "../runtime.js";
import { runLabelMigration } from "./migrate.js";
import { renderMigrationReport, renderSyncReport } from "./render.js";
import { runLabelSync } from "./sync.js";

export interface CommonOptions {
  dryRun?: boolean;
  dir?: string;
  report?: string;
}

export interface MigrateCliOptions extends CommonOptions {
  includeClosed?: boolean;
  deleteAliases?: boolean;
}

async function withRuntime(options: CommonOptions, io: CommandIo, work: (runtime: Runtime) => Promise<{ text: string; json: unknown; failed: boolean }>): Promise<number> {
  let runtime: Runtime;
  try {
    const config = await io.config();
    runtime = await openRuntime({
      policiesDir: policiesDirOf(config, options.dir),
      connection: requireGitLab(config),
      config,
      dryRun: options.dryRun === true,
      logger: createLogger(config),
    });
  } catch (e) {
    if (e instanceof PolicyError) {
      io.err(`The policies have problems, so nothing was done:\n${e.problems.map(formatProblem).join("\n")}`);
      return 1;
    }
    throw e;
  }
  const result = await work(runtime);
  io.out(result.text);
  if (options.report) {
    await writeFile(options.report, `${JSON.stringify(result.json, null, 2)}\n`);
    io.out(`\nFull report written to ${options.report}`);
  }
  return result.failed ? 1 : 0;
}

export function labelSyncCommand(options: CommonOptions, io: CommandIo): Promise<number> {
  return withRuntime(options, io, async (runtime) => {
    const report = await runLabelSync({ ...runtime, dryRun: options.dryRun === true });
    return { text: renderSyncReport(report), json: report, failed: report.errors.length > 0 };
  });
}

export function labelMigrateCommand(options: MigrateCliOptions, io: CommandIo): Promise<number> {
  return withRuntime(options, io, async (runtime) => {
    const report = await runLabelMigration(
      { ...runtime, dryRun: options.dryRun === true },
      { includeClosed: options.includeClosed === true, deleteAliases: options.deleteAliases === true },
    );
    return { text: renderMigrationReport(report), json: report, failed: report.errors.length > 0 };
  });
}
