// The fake GitLab with a realistic board (realisticBoard.ts), in a process of its own, so a
// benchmark measures the bot's memory without the fake's. Configured by the environment:
// BOARD_SIZE (issues), BOARD_LATENCY (ms), BOARD_NOW (ISO time), BOARD_TOKEN, BOARD_POLICIES.
// Prints "READY <json>" with its URL and the open issues once listening; ends with its stdin.
import { loadPolicies } from "../../src/policy/load.js";
import { startFakeGitlab } from "../../test/support/fakeGitlab/index.js";
import { seedRealisticBoard } from "./realisticBoard.js";

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set: the benchmark that starts this process sets it.`);
  return value;
};

const now = new Date(env("BOARD_NOW"));
const policy = await loadPolicies(env("BOARD_POLICIES"));
const fake = await startFakeGitlab({ token: env("BOARD_TOKEN"), botUsername: policy.scope.botUsername, now: () => now, rateLimit: { perMinute: 1_000_000 } });
const board = seedRealisticBoard(fake, policy, now, Number(env("BOARD_SIZE")));
fake.setLatency(Number(env("BOARD_LATENCY")));
process.stdout.write(`READY ${JSON.stringify({ url: fake.url, open: board.open.length })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  process.stdout.write(`REQUESTS ${JSON.stringify(fake.countsByRoute())}\n`);
  void fake.close().then(() => process.exit(0));
});
