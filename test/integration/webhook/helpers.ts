// Shared set-up for the webhook and queue integration tests: real fixtures, a real SQLite inbox
// in a temporary directory, and a logger whose lines the test can read.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Writable } from "node:stream";
import pino from "pino";

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = join(here, "..", "..", "fixtures", "gitlab", "fixtures");

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES_DIR, name), "utf8");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fixture(name: string): any {
  return JSON.parse(fixtureText(name));
}

export const WEBHOOK_FIXTURES = {
  issue: { file: "webhook-issue-open-with-label-changes.json", header: "Issue Hook", ref: "gitlabhq/gitlab-test#23" },
  mergeRequest: { file: "webhook-merge-request-open-draft-and-label-changes.json", header: "Merge Request Hook", ref: "gitlabhq/gitlab-test!1" },
  noteIssue: { file: "webhook-note-issue.json", header: "Note Hook", ref: "gitlab-org/gitlab-test#17" },
  noteMergeRequest: { file: "webhook-note-merge-request.json", header: "Note Hook", ref: "gitlab-org/gitlab-test!1" },
  milestone: { file: "webhook-milestone-create.json", header: "Milestone Hook", ref: "gitlabhq/gitlab-test%61" },
} as const;

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `mops-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A pino logger that keeps its lines in memory, so tests can check what was (not) logged. */
export function capturingLogger(): { logger: pino.Logger; lines: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString("utf8"));
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines: () => chunks.join("") };
}

export function silentLogger(): pino.Logger {
  return pino({ level: "silent" });
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
