/**
 * One webhook delivery can be followed through the logs: the GitLab client's lines for the
 * requests a reconcile makes carry the ids of the events it answers (`eventId`), the same ids the
 * inbox's line for that reconcile names.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadServeConfig } from "../../src/config.js";
import { runServe } from "../../src/server/commands.js";
import type { RunningServe } from "../../src/server/serve.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";

const SECRET = "hook-secret";
let sb: Sandbox;
let serve: RunningServe;
let dataDir: string;
const lines: Record<string, unknown>[] = [];

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  lines.length = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  sb = await startSandbox();
  dataDir = mkdtempSync(join(tmpdir(), "mops-serve-events-"));
  serve = await runServe(
    loadServeConfig({ GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, GITLAB_WEBHOOK_SECRET: SECRET, PORT: "0", MOPS_DATA_DIR: dataDir, MOPS_POLICIES_DIR: TEST_POLICIES_DIR }),
    // Debug: the GitLab client logs a line for every request at that level.
    { schedules: false, handleSignals: false, clock: () => SANDBOX_NOW, logger: pino({ level: "debug" }, sink) },
  );
  sb.fake.setWebhook(`http://127.0.0.1:${serve.port}/webhooks/gitlab`, SECRET);
});

afterEach(async () => {
  await serve.close();
  await sb.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the event id in the logs of serve", () => {
  it("is on the GitLab client's line of every request a reconcile makes", async () => {
    const startedAt = lines.length;
    const project = sb.projects.mops;
    const target = sb.fake.issues(project).find((i) => i.title === "Lead scoring model refresh")!;
    // A person misspells the priority label: the bot repairs it, reconciling the event GitLab sent.
    sb.fake.setIssueLabels(project, target.iid, [...target.labels.filter((l) => !l.startsWith("MktgOpsPriority")), "MktgOpsPriority::02-Medium"], {
      as: "mops.member1",
    });
    await until(() => sb.fake.issue(project, target.iid).labels.includes("MktgOpsPriority:: 02-Medium"), "the bot's repair");
    await sb.fake.webhooksSettled();
    await until(() => lines.some((l) => l.msg === "reconciled: changes applied"), "the reconcile's line");

    const reconciled = lines.find((l) => l.msg === "reconciled: changes applied")!;
    const eventId = (reconciled.eventIds as string[]).join(",");
    expect(eventId).not.toBe("");
    const requests = lines.slice(startedAt).filter((l) => l.component === "gitlab" && l.msg === "GitLab request");
    const repair = requests.find((l) => l.route === "PUT /projects/:id/issues/:iid");
    expect(repair).toMatchObject({ eventId });
    // Every request made after start-up belongs to a reconcile of some event, and says which.
    const reconcileIds = new Set(lines.filter((l) => Array.isArray(l.eventIds)).map((l) => (l.eventIds as string[]).join(",")));
    for (const request of requests) expect(reconcileIds).toContain(request.eventId);
  });
});
