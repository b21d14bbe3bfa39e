// One `mops-bot serve` replica in a child process, for the replicas end-to-end test and the load
// and fault benchmarks: the real `runServe` configured from the environment (REDIS_URL or not),
// listening on loopback only. MOPS_CLOCK_ANCHOR="<ISO time>@<epoch ms>" makes its clock read
// <ISO time> at <epoch ms> and run on from there, so every process of a run (the fake GitLab
// and each replica) agrees on one clock that starts at a fixed date. Prints "LISTENING <port>".
import { destination } from "pino";
import { loadServeConfig } from "../../src/config.js";
import { createLogger } from "../../src/logging.js";
import { runServe } from "../../src/server/commands.js";
import { anchoredClock } from "./clock.js";

const anchor = process.env.MOPS_CLOCK_ANCHOR;
const config = loadServeConfig(process.env);
const running = await runServe(config, {
  schedules: process.env.MOPS_SCHEDULES === "1",
  handleSignals: true,
  host: "127.0.0.1",
  ...(anchor ? { clock: anchoredClock(anchor) } : {}),
  logger: createLogger({ logLevel: config.logLevel ?? "warn" }, destination(1)),
});
process.stdout.write(`LISTENING ${running.port}\n`);
