/**
 * The store thread: owns the inbox's SQLite connections. Started by ./sqliteInbox.ts through
 * ./sqliteThreadEntry.mjs. Whatever arrived while the last group ran is taken as the next group,
 * so the busier the inbox, the more events share one commit.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import type { StoreAnswers, StoreMessage, StoreRequest, StoreResponse, StoreThreadData } from "./sqliteProtocol.js";
import { SqliteStore } from "./sqliteStore.js";

const data = workerData as StoreThreadData;
const port = parentPort!;
const store = new SqliteStore(data.file, data.durability);
lowerThreadPriority();

/**
 * Importing deliveries comes second to answering GitLab: on Linux this thread gets a lower CPU
 * priority (nice 10) than the event loop, so under load it uses the CPU the event loop leaves
 * and catches up when the burst is over (the journal holds what it has not imported yet).
 * Lowering one's own priority needs no privilege; elsewhere the thread keeps the default.
 */
function lowerThreadPriority(): void {
  if (process.platform !== "linux") return;
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not important enough to stop the inbox.
  }
}

function close(message: Exclude<StoreMessage, StoreRequest>): StoreResponse {
  try {
    store.close();
    return { id: message.id, ok: true, value: undefined };
  } catch (e) {
    return { id: message.id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } };
  }
}

port.on("message", (first: StoreMessage) => {
  const messages = [first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) messages.push(next.message as StoreMessage);
  const answers: StoreAnswers = [];
  let group: StoreRequest[] = [];
  const runGroup = (): void => {
    if (group.length > 0) answers.push(...store.run(group));
    group = [];
  };
  for (const message of messages) {
    if (message.op === "close") {
      runGroup();
      answers.push(close(message));
    } else {
      group.push(message);
    }
  }
  runGroup();
  port.postMessage(answers);
});
