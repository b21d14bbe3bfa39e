/**
 * `mops-bot labels sync` and `mops-bot labels migrate`: keep GitLab's labels equal to
 * policies/labels.yml, and move issues and merge requests off alias labels.
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import type { CliIo, ExitCodeHolder } from "../cli.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { formatProblem, PolicyError } from "../policy/problems.js";
import { gitlabConnectionFromEnv, openRuntime, type Runtime } from "../runtime.js";
import { runLabelMigration } from "./migrate.js";
import { renderMigrationReport, renderSyncReport } from "./render.js";
import { runLabelSync } from "./sync.js";

interface CommonOptions {
  dryRun?: boolean;
  dir?: string;
  report?: string;
}

interface MigrateCliOptions extends CommonOptions {
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

export function registerLabelCommands(program: Command, io: CliIo, exit: ExitCodeHolder): void {
  const labels = program.command("labels").description("Keep GitLab's labels equal to policies/labels.yml");
  const common = (c: Command) =>
    c
      .option("--dry-run", "show what would change without writing to GitLab")
      .option("--report <file>", "also write the full report as JSON to this file")
      .option("--dir <dir>", "policies directory (default: $MOPS_POLICIES_DIR or ./policies)");

  common(
    labels
      .command("sync")
      .description(
        "Create missing labels in the group (and in projects outside it) with labels.yml's colour and description, update those that differ, set board priorities, and report labels labels.yml does not know. Deletes nothing.",
      ),
  ).action(async (options: CommonOptions) => {
    exit.code = await withRuntime(options, io, async (runtime) => {
      const report = await runLabelSync({ ...runtime, dryRun: options.dryRun === true });
      return { text: renderSyncReport(report), json: report, failed: report.errors.length > 0 };
    });
  });

  common(
    labels
      .command("migrate")
      .description("Replace alias labels with their canonical label on open issues and merge requests (one update each; safe to rerun after a crash)")
      .option("--include-closed", "also closed issues and closed or merged merge requests")
      .option("--delete-aliases", "then delete alias labels that no issue or merge request (open or closed) carries any more"),
  ).action(async (options: MigrateCliOptions) => {
    exit.code = await withRuntime(options, io, async (runtime) => {
      const report = await runLabelMigration(
        { ...runtime, dryRun: options.dryRun === true },
        { includeClosed: options.includeClosed === true, deleteAliases: options.deleteAliases === true },
      );
      return { text: renderMigrationReport(report), json: report, failed: report.errors.length > 0 };
    });
  });
}
