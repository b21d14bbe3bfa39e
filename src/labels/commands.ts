/** What `mops-bot labels sync` and `labels migrate` do, loaded only when one of them runs. */
import { writeFile } from "node:fs/promises";
import type { CliIo } from "../cliIo.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { formatProblem, PolicyError } from "../policy/problems.js";
import { gitlabConnectionFromEnv, openRuntime, type Runtime } from "../runtime.js";
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

async function withRuntime(options: CommonOptions, io: CliIo, work: (runtime: Runtime) => Promise<{ text: string; json: unknown; failed: boolean }>): Promise<number> {
  let runtime: Runtime;
  try {
    runtime = await openRuntime({
      policiesDir: options.dir ?? defaultPoliciesDir(),
      connection: gitlabConnectionFromEnv(),
      dryRun: options.dryRun === true,
      logger: createLogger(),
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

export function labelSyncCommand(options: CommonOptions, io: CliIo): Promise<number> {
  return withRuntime(options, io, async (runtime) => {
    const report = await runLabelSync({ ...runtime, dryRun: options.dryRun === true });
    return { text: renderSyncReport(report), json: report, failed: report.errors.length > 0 };
  });
}

export function labelMigrateCommand(options: MigrateCliOptions, io: CliIo): Promise<number> {
  return withRuntime(options, io, async (runtime) => {
    const report = await runLabelMigration(
      { ...runtime, dryRun: options.dryRun === true },
      { includeClosed: options.includeClosed === true, deleteAliases: options.deleteAliases === true },
    );
    return { text: renderMigrationReport(report), json: report, failed: report.errors.length > 0 };
  });
}
