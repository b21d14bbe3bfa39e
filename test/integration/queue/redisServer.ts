// A private Redis for a test file or a benchmark, through scripts/redis.sh: installed with
// apt-get when missing, started on a free loopback port with its data in a temporary directory,
// stopped (and its directory removed) by `stop()`, or by the script's watchdog if this process dies.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "scripts", "redis.sh");

export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server gracefully and starts it again on the same port with the same data. */
  restart(): Promise<void>;
  /** kill -9, then start again on the same port with the same data (append-only file). */
  crashAndRestart(options?: { downMs?: number }): Promise<void>;
  /** Deletes every key (between tests). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function script(...args: string[]): Promise<string> {
  const { stdout } = await run("bash", [SCRIPT, ...args], { timeout: 900_000 });
  return stdout.trim();
}

/** Starts a Redis; rejects with the script's message when it cannot be installed or started. */
export async function startRedisServer(): Promise<RedisServer> {
  await script("install");
  const dir = mkdtempSync(join(tmpdir(), "mops-redis-"));
  const port = await freePort();
  const start = () => script("start", String(port), dir, String(process.pid));
  const url = await start();
  let stopped = false;
  return {
    url,
    port,
    async restart() {
      await script("stop", dir);
      await start();
    },
    async crashAndRestart({ downMs = 0 } = {}) {
      await script("kill", dir);
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async flush() {
      await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), "FLUSHALL"]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await script("stop", dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: a Redis, or undefined when redis-server cannot be installed on this machine,
 * which is announced loudly (a Redis that is installed but does not start fails the suite) so that a skipped Redis suite is never mistaken for a passing one.
 */
export async function redisForTests(suite: string): Promise<RedisServer | undefined> {
  try {
    await script("install");
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const line = "!".repeat(100);
    console.error(`\n${line}\n!! SKIPPED: ${suite} (Redis backend). redis-server could not be installed:\n!! ${reason.split("\n").join("\n!! ")}\n${line}\n`);
    return undefined;
  }
  // Installed but not starting is a failure, not a reason to skip.
  return startRedisServer();
}
