/**
 * `mops-bot inbox list|retry|drop`: look into the webhook inbox of `serve` and deal with events
 * that failed every attempt (dead letters). Works while `serve` runs: the worker notices a
 * retried event within a second. With REDIS_URL set, as for `serve`, it is the inbox the
 * replicas share in Redis; otherwise the SQLite file in the data directory.
 * The work is in ./commands.ts, imported when a command runs.
 */
import type { Command } from "commander";
import type { CommandIo, ExitCodeHolder } from "../cliIo.js";
import type { DataDirOption } from "./commands.js";
import { INBOX_STATES } from "./types.js";

export function registerInboxCommands(program: Command, io: CommandIo, exit: ExitCodeHolder): void {
  const inbox = program
    .command("inbox")
    .description("Look into the webhook inbox of `mops-bot serve` (in Redis when REDIS_URL is set) and retry or drop events that kept failing");

  inbox
    .command("list")
    .description("List events that are waiting, running or dead (use --state done for processed ones)")
    .option("--state <state>", `only entries in this state: ${INBOX_STATES.join(", ")}`)
    .option("--limit <n>", "at most this many entries", "200")
    .option("--data-dir <dir>", "the inbox directory (default: MOPS_DATA_DIR or ./data)")
    .action(async (opts: DataDirOption & { state?: string; limit: string }) => {
      const { inboxListCommand } = await import("./commands.js");
      await inboxListCommand(opts, io, exit);
    });

  inbox
    .command("retry")
    .description("Run a dead (or waiting) event again now, with a fresh count of attempts")
    .argument("[id]", "the entry id from `mops-bot inbox list`")
    .option("--all-dead", "retry every dead entry")
    .option("--data-dir <dir>", "the inbox directory (default: MOPS_DATA_DIR or ./data)")
    .action(async (idText: string | undefined, opts: DataDirOption & { allDead?: boolean }) => {
      const { inboxRetryCommand } = await import("./commands.js");
      await inboxRetryCommand(idText, opts, io, exit);
    });

  inbox
    .command("drop")
    .description("Delete an entry for good (for an event that can never succeed)")
    .argument("<id>", "the entry id from `mops-bot inbox list`")
    .option("--data-dir <dir>", "the inbox directory (default: MOPS_DATA_DIR or ./data)")
    .action(async (idText: string, opts: DataDirOption) => {
      const { inboxDropCommand } = await import("./commands.js");
      await inboxDropCommand(idText, opts, io, exit);
    });
}
