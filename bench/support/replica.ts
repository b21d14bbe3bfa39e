// One `mops-bot serve` replica in a child process, for the replicas end-to-end test and the load
// and fault benchmarks: the real `runServe` configured from the environment (REDIS_URL or not),
// listening on loopback only. MOPS_CLOCK_ANCHOR="<ISO time>@<epoch ms>" makes its clock read
// <ISO time> at <epoch ms> and run on from there, so every process of a run (the fake GitLab
// and each replica) agrees on one clock that starts at a fixed date. Prints "LISTENING <port>".
import { runServe } from "../../src/server/commands.js";
import { createServeLogger } from "../../src/server/logger.js";
import { anchoredClock } from "./clock.js";

const anchor = process.env.MOPS_CLOCK_ANCHOR;
const running = await runServe(process.env, {
  schedules: process.env.MOPS_SCHEDULES === "1",
  handleSignals: true,
  host: "127.0.0.1",
  ...(anchor ? { clock: anchoredClock(anchor) } : {}),
  logger: createServeLogger({ level: process.env.LOG_LEVEL ?? "warn" }),
});
process.stdout.write(`LISTENING ${running.port}\n`);
