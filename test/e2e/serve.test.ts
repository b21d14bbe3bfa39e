/**
 * `serve` end to end: the fake GitLab sends its webhooks to the real server, whose inbox and
 * worker reconcile through the same engine as the sweep and write back to the fake.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunningServe } from "../../src/server/serve.js";
import { loadServeConfig } from "../../src/config.js";
import { runServe } from "../../src/server/commands.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const SECRET = "hook-secret";
let sb: Sandbox;
let serve: RunningServe;
let dataDir: string;
/** The server's log lines, parsed. */
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
  dataDir = mkdtempSync(join(tmpdir(), "mops-serve-"));
  serve = await runServe(
    loadServeConfig({
      GITLAB_URL: sb.fake.url,
      GITLAB_TOKEN: SANDBOX_TOKEN,
      GITLAB_WEBHOOK_SECRET: SECRET,
      PORT: "0",
      MOPS_DATA_DIR: dataDir,
      MOPS_POLICIES_DIR: TEST_POLICIES_DIR,
    }),
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

describe("mops-bot serve against the fake GitLab", () => {
  it("reconciles the issue a person changed, once, and does not loop on its own change", async () => {
    const project = sb.projects.mops;
    const target = sb.fake.issues(project).find((i) => i.title === "Lead scoring model refresh")!;
    sb.fake.resetCounters();

    // A person misspells the priority label: the bot repairs it.
    sb.fake.setIssueLabels(project, target.iid, [...target.labels.filter((l) => !l.startsWith("MktgOpsPriority")), "MktgOpsPriority::02-Medium"], {
      as: "mops.member1",
    });
    await until(() => sb.fake.issue(project, target.iid).labels.includes("MktgOpsPriority:: 02-Medium"), "the bot's repair");
    await sb.fake.webhooksSettled();
    // Let the bot's own webhook arrive and be ignored, then check nothing else happened.
    await new Promise((r) => setTimeout(r, 300));
    await sb.fake.webhooksSettled();

    const puts = sb.fake.writes().filter((w) => w.route === "PUT /projects/:id/issues/:iid");
    expect(puts).toHaveLength(1);
    expect(sb.fake.issue(project, target.iid).labels).not.toContain("MktgOpsPriority::02-Medium");
    const botNotes = sb.fake.issue(project, target.iid).notes.filter((n) => n.author === "mops-bot");
    expect(botNotes).toHaveLength(1);
    expect(await serve.inbox.depth()).toBe(0);
    // /metrics counts the GitLab API requests the reconcile made, by route and status.
    const metrics = await (await fetch(`http://127.0.0.1:${serve.port}/metrics`)).text();
    expect(metrics).toMatch(/route="PUT \/projects\/:id\/issues\/:iid",status="200"\} 1\b/);
  });

  it("answers 401 to a delivery with the wrong secret and reconciles nothing", async () => {
    sb.fake.setWebhook(`http://127.0.0.1:${serve.port}/webhooks/gitlab`, "wrong");
    const project = sb.projects.mops;
    const target = sb.fake.issues(project).find((i) => i.title === "Lead scoring model refresh")!;
    sb.fake.resetCounters();
    sb.fake.setIssueLabels(project, target.iid, ["MktgOps::0 - To Be Triaged"], { as: "mops.member1" });
    await sb.fake.webhooksSettled();
    await new Promise((r) => setTimeout(r, 200));
    expect(sb.fake.writes().filter((w) => w.user === "mops-bot")).toEqual([]);
    expect(sb.fake.webhookFailures).toBeGreaterThan(0);
  });
});

describe("the event id in the logs of serve", () => {
  // One webhook delivery can be followed through the logs: the GitLab client's lines for the
  // requests a reconcile makes carry the ids of the events it answers, as the inbox's line names them.
  it("is on the GitLab client's line of every request a reconcile makes", async () => {
    const startedAt = lines.length;
    const project = sb.projects.mops;
    const target = sb.fake.issues(project).find((i) => i.title === "Lead scoring model refresh")!;
    // A person misspells the priority label: the bot repairs it, reconciling the event GitLab sent.
    sb.fake.setIssueLabels(project, target.iid, [...target.labels.filter((l) => !l.startsWith("MktgOpsPriority")), "MktgOpsPriority::02-Medium"], {
      as: "mops.member1",
    });
    await until(() => lines.some((l) => l.msg === "reconciled: changes applied"), "the reconcile's line");
    await sb.fake.webhooksSettled();

    const reconciled = lines.find((l) => l.msg === "reconciled: changes applied")!;
    const eventId = (reconciled.eventIds as string[]).join(",");
    expect(eventId).not.toBe("");
    const requests = lines.slice(startedAt).filter((l) => l.component === "gitlab" && l.msg === "GitLab request");
    expect(requests.find((l) => l.route === "PUT /projects/:id/issues/:iid")).toMatchObject({ eventId });
    // Every request made after start-up belongs to a reconcile of some event, and says which.
    const reconcileIds = new Set(lines.filter((l) => Array.isArray(l.eventIds)).map((l) => (l.eventIds as string[]).join(",")));
    for (const request of requests) expect(reconcileIds).toContain(request.eventId);
  });
});
