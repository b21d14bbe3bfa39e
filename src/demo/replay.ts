/**
 * `npx tsx src/demo/replay.ts [30d]`: `mops-bot plan --replay` on the demo board, with no GitLab and
 * no token. It starts the bundled sandbox GitLab, seeds the demo board (its issues were labelled
 * and commented on over the past weeks), and prints what the shipped policies would have done on
 * each day of that history: notes, mentions, label changes and Slack posts.
 */
import { startFakeGitlab } from "../../test/support/fakeGitlab/index.js";
import { loadConfig, policiesDirOf, type Config } from "../config.js";
import { createLogger } from "../logging.js";
import { loadPolicies } from "../policy/load.js";
import { runPlanCommand } from "../plan/commands.js";
import { seedBoard } from "./seedBoard.js";

const TOKEN = "demo-token";

export interface ReplayDemoOptions {
  days?: string;
  out?: (line: string) => void;
  now?: Date;
  /** The policies to replay (default: $MOPS_POLICIES_DIR or ./policies). */
  dir?: string;
  /** MOPS_POLICIES_DIR and LOG_LEVEL (default warn); GitLab is the sandbox's. */
  config?: Pick<Config, "policiesDir" | "logLevel">;
}

export async function runReplayDemo(options: ReplayDemoOptions = {}): Promise<number> {
  const { days = "30d", out = console.log, now = new Date(), config = loadConfig({}) } = options;
  const dir = policiesDirOf(config, options.dir);
  const policy = await loadPolicies(dir);
  const fake = await startFakeGitlab({ token: TOKEN, botUsername: policy.scope.botUsername, now: () => now });
  try {
    seedBoard(fake, policy, now);
    return await runPlanCommand(
      { replay: days, dir },
      { out, err: out },
      { config: loadConfig({ GITLAB_URL: fake.url, GITLAB_TOKEN: TOKEN }), now, logger: createLogger({ logLevel: config.logLevel ?? "warn" }) },
    );
  } finally {
    await fake.close();
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));
if (isMain) {
  // The replay demo's own entry point: it hands the process environment to the configuration.
  runReplayDemo({ ...(process.argv[2] ? { days: process.argv[2] } : {}), config: loadConfig(process.env) })
    .then((code) => (process.exitCode = code))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    });
}
