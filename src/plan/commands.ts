/** What `mops-bot plan` does, loaded only when it runs. */
import { writeFile } from "node:fs/promises";
import type { Logger } from "pino";
import type { CliIo } from "../cliIo.js";
import { createMergeRequestCommenter, type MergeRequestCommenterOptions } from "../gitlab/index.js";
import { loadConfig, policiesDirOf, requireGitLab, type Config } from "../config.js";
import { createLogger } from "../logging.js";
import { computePlan, type PlanOptions } from "./plan.js";
import { computeReplay, type ReplayOutcome } from "./replay/compute.js";
import { parseReplayDays } from "./replay/moments.js";
import { DEFAULT_MAX_RESOURCES } from "./replay/read.js";
import { renderReplayMarkdown } from "./replay/render.js";
import { PLAN_MARKER, renderInvalidMarkdown, renderPlan } from "./render.js";

export interface PlanCommandOptions {
  base?: string;
  replay?: string;
  maxResources?: string;
  dir?: string;
  format?: string;
  report?: string;
  commentOnMr?: string;
  project?: string;
}

/** The configuration, and what tests replace: the clock and retry timing. */
export interface PlanCommandDeps {
  /** Default: that of an empty environment. */
  config?: Config;
  now?: Date;
  logger?: Logger;
  platform?: PlanOptions["platform"];
  commenter?: Pick<MergeRequestCommenterOptions, "retry" | "sleep">;
}

const FORMATS = ["markdown", "json"] as const;

/** The guide to the comment, on the default branch of the project running the pipeline. */
function guideUrl(ci: Config["ci"]): string | undefined {
  const project = ci.projectUrl;
  const branch = ci.defaultBranch;
  return project && branch ? `${project}/-/blob/${branch}/docs/plan-comment.md` : undefined;
}

function mergeRequestTarget(options: PlanCommandOptions, ci: Config["ci"]): { project: string; iid: number } | undefined {
  if (options.commentOnMr === undefined) return undefined;
  const iid = Number(options.commentOnMr);
  if (!Number.isInteger(iid) || iid < 1) {
    throw new Error(`--comment-on-mr must be a merge request number such as 42 (got "${options.commentOnMr}"); in CI use $CI_MERGE_REQUEST_IID.`);
  }
  const project = options.project?.trim() || ci.projectPath;
  if (!project) {
    throw new Error("--comment-on-mr needs the project holding the merge request: give --project group/project (in CI, CI_PROJECT_PATH is used).");
  }
  return { project, iid };
}

function maxResourcesOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_RESOURCES;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--max-resources must be a whole number of issues and merge requests such as ${DEFAULT_MAX_RESOURCES} (got "${text}").`);
  return n;
}

/** The replay section: the whole output on its own, a section of the plan comment with --base. */
function replayMarkdown(replay: ReplayOutcome, inPlan: boolean): string {
  if (replay.status === "invalid") return renderInvalidMarkdown(replay);
  return renderReplayMarkdown(replay, inPlan ? { heading: `#### Replay: what the new policies would have done over the last ${replay.days} days` } : {});
}

export async function runPlanCommand(options: PlanCommandOptions, io: CliIo, deps: PlanCommandDeps = {}): Promise<number> {
  const config = deps.config ?? loadConfig({});
  const format = options.format ?? "markdown";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format must be one of ${FORMATS.join(", ")} (got "${format}").`);
  }
  if (options.base === undefined && options.replay === undefined) {
    throw new Error("mops-bot plan needs --base (the policies to compare with), --replay 30d (replay these policies over the board's history), or both.");
  }
  // Check the arguments before reading anything, so a typo fails in a second, not after a sweep.
  const days = options.replay === undefined ? undefined : parseReplayDays(options.replay);
  const maxResources = maxResourcesOf(options.maxResources);
  // MOPS_SETTLE_SECONDS as `serve` reads it, so the replay waits as the webhook path does.
  const settleMs = config.settleMs;
  const target = mergeRequestTarget(options, config.ci);
  const logger = deps.logger ?? createLogger(config);
  const connection = () => requireGitLab(config);
  const dir = policiesDirOf(config, options.dir);
  const now = deps.now ?? new Date();
  const platform = deps.platform ? { platform: deps.platform } : {};
  const outcome =
    options.base === undefined ? undefined : await computePlan({ dir, base: options.base, connection, now, logger, ...platform });
  const replay =
    days === undefined || outcome?.status === "invalid"
      ? undefined
      : await computeReplay({ dir, ...(options.base !== undefined ? { base: options.base } : {}), days, maxResources, connection, now, logger, ...platform, ...(settleMs !== undefined ? { settleMs } : {}) });
  const guide = guideUrl(config.ci);
  const sections = [
    ...(outcome ? [renderPlan(outcome, guide ? { guideUrl: guide } : {})] : []),
    ...(replay ? [replayMarkdown(replay, outcome !== undefined)] : []),
  ];
  const markdown = sections.join("\n\n");
  const json = outcome ? { ...outcome, ...(replay ? { replay } : {}) } : replay;
  io.out(format === "json" ? JSON.stringify(json, null, 2) : markdown);
  if (options.report) await writeFile(options.report, `${JSON.stringify(json, null, 2)}\n`);

  if (target) {
    const commenter = createMergeRequestCommenter({ ...connection(), logger, ...deps.commenter });
    const posted = await commenter.ensureComment(target.project, target.iid, PLAN_MARKER, markdown);
    io.err(`Plan comment ${posted.action} on ${posted.webUrl}`);
  }
  const invalid = outcome?.status === "invalid" ? outcome : replay?.status === "invalid" ? replay : undefined;
  if (invalid) {
    io.err(`${invalid.problems.length} problem(s) in ${invalid.dir}: fix them and run 'mops-bot policies validate' again.`);
    return 1;
  }
  if (outcome?.status === "ok" && outcome.errors.length > 0) {
    io.err(`${outcome.errors.length} resource(s) could not be compared; see the list at the end of the plan.`);
    return 1;
  }
  if (replay?.status === "ok" && replay.source.sampled) {
    io.err(`The replay sampled ${replay.source.sampled.kept} of ${replay.source.sampled.of} issues and merge requests (--max-resources ${maxResources}).`);
  }
  return 0;
}
