/** What `mops-bot inbox list|retry|drop` do, loaded only when one of them runs. */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import pino from "pino";
import type { CliIo, CommandIo, ExitCodeHolder } from "../cliIo.js";
import { formatRef } from "../domain/snapshot.js";
import { openInbox } from "./openInbox.js";
import { redactRedisUrl, redisUrlProblems } from "./redisConnection.js";
import { journaledLines } from "./journal.js";
import { INBOX_FILE } from "./sqliteInbox.js";
import { INBOX_STATES, type Inbox, type InboxAdmin, type InboxEntry, type InboxState } from "./types.js";

export interface DataDirOption {
  dataDir?: string;
}

/** Where the inbox of `serve` is: Redis when REDIS_URL is set, else the SQLite file in `--data-dir` (else MOPS_DATA_DIR). */
interface InboxLocation {
  dir: string;
  redisUrl?: string;
}

async function locate(opts: DataDirOption, io: CommandIo): Promise<InboxLocation> {
  const config = await io.config();
  return { dir: resolve(opts.dataDir ?? config.dataDir), ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}) };
}

/** Opens the Redis inbox of REDIS_URL, or reports why it cannot. */
async function openShared(url: string, io: CliIo, exit: ExitCodeHolder): Promise<Inbox | undefined> {
  const problems = redisUrlProblems(url);
  if (problems.length === 0) {
    // One try per command: an unreachable Redis gets a message now, not after a minute of retries.
    const inbox = openInbox({ dataDir: ".", redisUrl: url, redisCommandRetries: 1, logger: pino({ level: "silent" }) });
    const health = await inbox.health();
    if (health.length === 0) return inbox;
    await inbox.close();
    problems.push(`${health.join("; ")}. Check REDIS_URL (${redactRedisUrl(url)}): it must be the Redis that mops-bot serve uses.`);
  }
  io.err(problems.join("\n"));
  exit.code = 1;
  return undefined;
}

/** Opens the inbox `serve` uses: Redis when REDIS_URL is set, else the SQLite file of `dir` (never creating an empty one). */
async function openExisting({ dir, redisUrl }: InboxLocation, io: CliIo, exit: ExitCodeHolder): Promise<Inbox | undefined> {
  if (redisUrl) return openShared(redisUrl, io, exit);
  if (!existsSync(join(dir, INBOX_FILE))) {
    io.err(`No inbox in ${dir}. Point --data-dir (or MOPS_DATA_DIR) at the directory mops-bot serve uses, or set REDIS_URL when the replicas share a Redis.`);
    exit.code = 1;
    return undefined;
  }
  return openInbox({ dataDir: dir, logger: pino({ level: "silent" }) });
}

async function withInbox(opts: DataDirOption, io: CommandIo, exit: ExitCodeHolder, work: (inbox: InboxAdmin, location: InboxLocation) => Promise<void>): Promise<void> {
  const location = await locate(opts, io);
  const inbox = await openExisting(location, io, exit);
  if (!inbox) return;
  try {
    await work(inbox, location);
  } finally {
    await inbox.close();
  }
}

function parseId(text: string, io: CliIo, exit: ExitCodeHolder): number | undefined {
  if (!/^\d+$/.test(text)) {
    io.err(`"${text}" is not an entry id; ids are the numbers in the first column of \`mops-bot inbox list\`.`);
    exit.code = 1;
    return undefined;
  }
  return Number(text);
}

export function formatEntry(e: InboxEntry): string {
  const parts = [`#${e.id}`, e.state.padEnd(9), formatRef(e.ref), `(${e.kind} event, received ${e.receivedAt.toISOString()})`, `attempts: ${e.attempts}`];
  if (e.state === "pending" && e.attempts > 0) parts.push(`next try: ${e.nextAttemptAt.toISOString()}`);
  if (e.lastError) parts.push(`last error: ${e.lastError}`);
  return parts.join("  ");
}

export async function inboxListCommand(opts: DataDirOption & { state?: string; limit: string }, io: CommandIo, exit: ExitCodeHolder): Promise<void> {
  if (opts.state !== undefined && !INBOX_STATES.includes(opts.state as InboxState)) {
    io.err(`--state must be one of ${INBOX_STATES.join(", ")}; got "${opts.state}".`);
    exit.code = 1;
    return;
  }
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    io.err(`--limit must be a whole number of at least 1; got "${opts.limit}".`);
    exit.code = 1;
    return;
  }
  await withInbox(opts, io, exit, async (box, location) => {
    const state = opts.state as InboxState | undefined;
    const all = await box.list(state ? { state, limit } : { limit: 100_000 });
    const entries = (state ? all : all.filter((e) => e.state !== "done")).slice(0, limit);
    // Acknowledged deliveries not yet moved from the journal into the inbox are not entries yet.
    const journaled = location.redisUrl ? 0 : journaledLines(location.dir);
    const journalNote = `${journaled} acknowledged ${journaled === 1 ? "delivery is" : "deliveries are"} still in the journal; mops-bot serve records them in a moment, or at its next start.`;
    if (entries.length === 0) {
      io.out(state ? `No ${state} entries.` : journaled > 0 ? "Nothing waiting, running or dead in the inbox yet." : "The inbox is empty: nothing waiting, running or dead.");
      if (journaled > 0) io.out(journalNote);
      return;
    }
    for (const e of entries) io.out(formatEntry(e));
    const stats = await box.stats();
    io.out(`${stats.pending} pending, ${stats.inFlight} running, ${stats.dead} dead.`);
    if (journaled > 0) io.out(journalNote);
  });
}

export async function inboxRetryCommand(idText: string | undefined, opts: DataDirOption & { allDead?: boolean }, io: CommandIo, exit: ExitCodeHolder): Promise<void> {
  if ((idText === undefined) === !opts.allDead) {
    io.err("Give either an entry id or --all-dead (not both).");
    exit.code = 1;
    return;
  }
  const id = idText === undefined ? undefined : parseId(idText, io, exit);
  if (idText !== undefined && id === undefined) return;
  await withInbox(opts, io, exit, async (box) => {
    const count = await box.retry(id ?? "all-dead");
    if (id !== undefined && count === 0) {
      io.err(`No entry #${id} that can be retried (unknown id, or it is running right now).`);
      exit.code = 1;
      return;
    }
    io.out(id !== undefined ? `Entry #${id} will run again shortly.` : `${count} dead entr${count === 1 ? "y" : "ies"} will run again shortly.`);
  });
}

export async function inboxDropCommand(idText: string, opts: DataDirOption, io: CommandIo, exit: ExitCodeHolder): Promise<void> {
  const id = parseId(idText, io, exit);
  if (id === undefined) return;
  await withInbox(opts, io, exit, async (box) => {
    if (await box.drop(id)) io.out(`Entry #${id} dropped.`);
    else {
      io.err(`No entry #${id} that can be dropped (unknown id, or it is running right now).`);
      exit.code = 1;
    }
  });
}
