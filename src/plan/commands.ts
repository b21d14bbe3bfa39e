/** What `mops-bot plan` does, loaded only when it runs. */
import { writeFile } from "node:fs/promises";
import type { Logger } from "pino";
import type { CliIo } from "../cli.js";
import { createMergeRequestCommenter, type MergeRequestCommenterOptions } from "../gitlab/index.js";
import { createLogger } from "../logging.js";
import { defaultPoliciesDir } from "../policy/cli.js";
import { gitlabConnectionFromEnv } from "../runtime.js";
import { computePlan, type PlanOptions } from "./plan.js";
import { PLAN_MARKER, renderPlan } from "./render.js";

export interface PlanCommandOptions {
  base: string;
  dir?: string;
  format?: string;
  report?: string;
  commentOnMr?: string;
  project?: string;
}

/** What tests replace: the clock, the environment, and retry timing. */
export interface PlanCommandDeps {
  env?: NodeJS.ProcessEnv;
  now?: Date;
  logger?: Logger;
  platform?: PlanOptions["platform"];
  commenter?: Pick<MergeRequestCommenterOptions, "retry" | "sleep">;
}

const FORMATS = ["markdown", "json"] as const;

/** The guide to the comment, on the default branch of the project running the pipeline. */
function guideUrl(env: NodeJS.ProcessEnv): string | undefined {
  const project = env.CI_PROJECT_URL?.trim();
  const branch = env.CI_DEFAULT_BRANCH?.trim();
  return project && branch ? `${project}/-/blob/${branch}/docs/plan-comment.md` : undefined;
}

function mergeRequestTarget(options: PlanCommandOptions, env: NodeJS.ProcessEnv): { project: string; iid: number } | undefined {
  if (options.commentOnMr === undefined) return undefined;
  const iid = Number(options.commentOnMr);
  if (!Number.isInteger(iid) || iid < 1) {
    throw new Error(`--comment-on-mr must be a merge request number such as 42 (got "${options.commentOnMr}"); in CI use $CI_MERGE_REQUEST_IID.`);
  }
  const project = options.project?.trim() || env.CI_PROJECT_PATH?.trim();
  if (!project) {
    throw new Error("--comment-on-mr needs the project holding the merge request: give --project group/project (in CI, CI_PROJECT_PATH is used).");
  }
  return { project, iid };
}

export async function runPlanCommand(options: PlanCommandOptions, io: CliIo, deps: PlanCommandDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const format = options.format ?? "markdown";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format must be one of ${FORMATS.join(", ")} (got "${format}").`);
  }
  // Check the arguments before reading anything, so a typo fails in a second, not after a sweep.
  const target = mergeRequestTarget(options, env);
  const logger = deps.logger ?? createLogger();
  const connection = () => gitlabConnectionFromEnv(env);
  const outcome = await computePlan({
    dir: options.dir ?? defaultPoliciesDir(),
    base: options.base,
    connection,
    now: deps.now ?? new Date(),
    logger,
    ...(deps.platform ? { platform: deps.platform } : {}),
  });
  const guide = guideUrl(env);
  const markdown = renderPlan(outcome, guide ? { guideUrl: guide } : {});
  io.out(format === "json" ? JSON.stringify(outcome, null, 2) : markdown);
  if (options.report) await writeFile(options.report, `${JSON.stringify(outcome, null, 2)}\n`);

  if (target) {
    const commenter = createMergeRequestCommenter({ ...connection(), logger, ...deps.commenter });
    const posted = await commenter.ensureComment(target.project, target.iid, PLAN_MARKER, markdown);
    io.err(`Plan comment ${posted.action} on ${posted.webUrl}`);
  }
  if (outcome.status === "invalid") {
    io.err(`${outcome.problems.length} problem(s) in ${outcome.dir}: fix them and run 'mops-bot policies validate' again.`);
    return 1;
  }
  if (outcome.errors.length > 0) {
    io.err(`${outcome.errors.length} resource(s) could not be compared; see the list at the end of the plan.`);
    return 1;
  }
  return 0;
}
