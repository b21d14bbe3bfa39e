// Acknowledged = stored: a `serve` process killed with SIGKILL in the middle of a stream of
// deliveries loses none of the events it answered 202 for; SIGTERM finishes running work and exits 0.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, tempDir, waitFor, WEBHOOK_FIXTURES } from "./helpers.js";

const SECRET = "crash-test-secret";
const entry = join(import.meta.dirname, "crashServer.ts");

let tmp: ReturnType<typeof tempDir>;
const children: ChildProcess[] = [];

beforeEach(() => {
  tmp = tempDir("crash");
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  tmp.remove();
});

function startChild(delayMs = 20): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    env: {
      ...process.env,
      GITLAB_URL: "https://gitlab.example.com",
      GITLAB_TOKEN: "test-token",
      GITLAB_WEBHOOK_SECRET: SECRET,
      PORT: "0",
      MOPS_DATA_DIR: join(tmp.dir, "data"),
      OUT_FILE: join(tmp.dir, "reconciled.txt"),
      RECONCILE_DELAY_MS: String(delayMs),
      LOG_LEVEL: "silent",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`serve exited early with code ${code}`)));
  });
}

function issueBody(iid: number): string {
  const body = fixture(WEBHOOK_FIXTURES.issue.file);
  body.object_attributes.iid = iid;
  return JSON.stringify(body);
}

async function deliver(port: number, iid: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/gitlab`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Gitlab-Token": SECRET, "X-Gitlab-Event": "Issue Hook", "Idempotency-Key": `evt-${iid}` },
    body: issueBody(iid),
  });
  await res.arrayBuffer();
  return res.status;
}

function reconciledKeys(): Set<string> {
  const file = join(tmp.dir, "reconciled.txt");
  if (!existsSync(file)) return new Set();
  const keys = new Set<string>();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    for (const k of line.split(" ")[1]!.split(",")) keys.add(k);
  }
  return keys;
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

describe("crash safety of serve", () => {
  it("every event answered 202 before a kill -9 is reconciled after the restart", async () => {
    const { child, port } = await startChild(20);
    const acked: number[] = [];
    const N = 120;
    let killed = false;
    // Four delivery streams in parallel; the process is killed once a third have been answered.
    const streams = [0, 1, 2, 3].map(async (s) => {
      for (let iid = 1 + s; iid <= N; iid += 4) {
        try {
          if ((await deliver(port, iid)) === 202) acked.push(iid);
        } catch {
          return; // connection refused or reset: the process is gone
        }
        if (!killed && acked.length >= N / 3) {
          killed = true;
          child.kill("SIGKILL");
        }
      }
    });
    await Promise.all(streams);
    const ended = await exited(child);
    expect(ended.signal).toBe("SIGKILL");
    expect(acked.length).toBeGreaterThanOrEqual(N / 3);
    const before = reconciledKeys();
    // The crash happened with work still waiting: otherwise this test proves nothing.
    expect(acked.some((iid) => !before.has(`idem:evt-${iid}`))).toBe(true);

    const restarted = await startChild(1);
    await waitFor(() => acked.every((iid) => reconciledKeys().has(`idem:evt-${iid}`)), 20_000, "every acknowledged event to be reconciled");
    restarted.child.kill("SIGTERM");
    expect(await exited(restarted.child)).toEqual({ code: 0, signal: null });
  });

  it("SIGTERM stops accepting, finishes the running reconciles and exits 0", async () => {
    const { child, port } = await startChild(300);
    expect(await deliver(port, 1)).toBe(202);
    await new Promise((r) => setTimeout(r, 100)); // the reconcile of #1 is now running
    child.kill("SIGTERM");
    expect(await exited(child)).toEqual({ code: 0, signal: null });
    expect(reconciledKeys()).toEqual(new Set(["idem:evt-1"]));
    await expect(deliver(port, 2)).rejects.toThrow();
  });
});
