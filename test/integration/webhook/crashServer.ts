// A real `serve` in a child process for the crash and shutdown tests. It reconciles by appending
// "<ref> <event ids>" to OUT_FILE after a short delay, so some events are in flight when the
// test kills it. Prints "LISTENING <port>" once it accepts deliveries.
import { appendFileSync } from "node:fs";
import { destination } from "pino";
import { formatRef } from "../../../src/domain/snapshot.js";
import { loadServeConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logging.js";
import { startServe } from "../../../src/server/serve.js";

const outFile = process.env.OUT_FILE;
if (!outFile) throw new Error("OUT_FILE is required");
const delayMs = Number(process.env.RECONCILE_DELAY_MS ?? "20");

const config = loadServeConfig(process.env);
const running = await startServe({
  config,
  botUsername: "mops-bot",
  logger: createLogger({ logLevel: config.logLevel ?? "warn" }, destination(1)),
  readiness: async () => [],
  handleSignals: true,
  host: "127.0.0.1",
  reconcile: async (ref, trace) => {
    await new Promise((r) => setTimeout(r, delayMs));
    appendFileSync(outFile, `${formatRef(ref)} ${trace.eventIds.join(",")}\n`);
  },
});
process.stdout.write(`LISTENING ${running.port}\n`);
