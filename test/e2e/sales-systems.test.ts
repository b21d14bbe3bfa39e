/**
 * The Sales Systems steps end to end against the fake GitLab: a MOps request walks from intake
 * to complete through `@mops-bot` commands and label moves by different people, with a skipped
 * step undone, an outsider's approval refused, a move to Pending Release without UAT proof
 * undone, and misspelled labels repaired. The same walk runs twice, once reconciled by the
 * webhook server (`serve`) and once by the sweep after every action: both end in the same state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { seedBoard } from "../../src/demo/seedBoard.js";
import { runSweep } from "../../src/jobs/sweep.js";
import type { CompiledPolicy } from "../../src/policy/model.js";
import { loadPolicies } from "../../src/policy/load.js";
import { openRuntime } from "../../src/runtime.js";
import { loadServeConfig } from "../../src/config.js";
import { runServe } from "../../src/server/commands.js";
import type { RunningServe } from "../../src/server/serve.js";
import { type FakeGitlab, type IssuableView, startFakeGitlab } from "../support/fakeGitlab/index.js";
import { SANDBOX_NOW, SANDBOX_TOKEN } from "../support/sandbox.js";
import { TEST_POLICIES_DIR } from "../support/policies.js";

const SECRET = "hook-secret";
const MOPS = "entapps-customer::MOPS";
const P = (v: string) => `MktgOpsPrio::${v}`;
const UPLOAD = "Tested in staging, works for all lead sources: ![UAT](/uploads/3f2a9c0d1e4b5a6978c0d1e2f3a4b5c6/uat-lead-source.png)";

/** A fake GitLab seeded with the demo board, whose clock the test moves forward a minute per action. */
interface World {
  fake: FakeGitlab;
  policy: CompiledPolicy;
  sales: string;
  iid: number;
  milestones: { temp: number; current: number };
  tick(): void;
  clock: () => Date;
  /** Reconciles whatever the last action changed: by webhook, or by a sweep. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

async function openWorld(path: "webhook" | "sweep"): Promise<World> {
  let now = SANDBOX_NOW.getTime();
  const clock = () => new Date(now);
  const policy = await loadPolicies(TEST_POLICIES_DIR);
  const fake = await startFakeGitlab({ token: SANDBOX_TOKEN, botUsername: policy.scope.botUsername, now: clock });
  const { projects } = seedBoard(fake, policy, SANDBOX_NOW);
  const sales = projects["sales-systems"];
  const temp = fake.addMilestone({ project: sales, title: "Temp - Sales Systems backlog" }).id;
  const current = fake.addMilestone({ project: sales, title: "Systems 2026-11-16", startDate: "2026-11-16", dueDate: "2026-11-27" }).id;
  const runtime = await openRuntime({
    policiesDir: TEST_POLICIES_DIR,
    connection: { url: fake.url, token: SANDBOX_TOKEN },
    dryRun: false,
    clock,
    logger: pino({ level: "silent" }),
    platform: { retry: { attempts: 6, baseMs: 1, maxMs: 5 }, sleep: async () => {} },
  });
  // The demo board's own problems are settled first, the same way on both paths.
  await runSweep({ ...runtime, dryRun: false });
  let serve: RunningServe | undefined;
  let dataDir: string | undefined;
  if (path === "webhook") {
    dataDir = mkdtempSync(join(tmpdir(), "mops-sales-"));
    serve = await runServe(
      loadServeConfig({ GITLAB_URL: fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, GITLAB_WEBHOOK_SECRET: SECRET, PORT: "0", MOPS_DATA_DIR: dataDir, MOPS_POLICIES_DIR: TEST_POLICIES_DIR }),
      { schedules: false, handleSignals: false, clock, logger: pino({ level: "silent" }) },
    );
    fake.setWebhook(`http://127.0.0.1:${serve.port}/webhooks/gitlab`, SECRET);
  }
  const issue = fake.addIssue(sales, {
    title: "SFDC: sync the marketing consent field to Marketo",
    description: "As a lifecycle marketer, I would like consent synced, so that we only email people who agreed.",
    author: "dan.fieldmktg",
    labels: [MOPS],
    createdAt: clock(),
    // GitLab sends the "issue opened" webhook.
    notify: true,
  });

  const drained = async () => {
    await fake.webhooksSettled();
    const end = Date.now() + 10_000;
    while ((await serve!.inbox.depth()) > 0) {
      if (Date.now() > end) throw new Error("the inbox did not drain");
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    fake,
    policy,
    sales,
    iid: issue.iid,
    milestones: { temp, current },
    tick: () => (now += 60_000),
    clock,
    settle: async () => {
      if (serve) {
        await drained();
        // The bot's own webhooks arrive and are ignored; nothing may be left running.
        await drained();
      } else {
        const report = await runSweep({ ...runtime, dryRun: false });
        expect(report.errors).toEqual([]);
      }
    },
    close: async () => {
      await serve?.close();
      await fake.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a person sees of the issue: its step labels, state and the bot's notes. */
function view(w: World): { labels: string[]; state: string; botNotes: string[] } {
  const i: IssuableView = w.fake.issue(w.sales, w.iid);
  return {
    labels: [...i.labels].sort(),
    state: i.state,
    // Ids in markers differ between runs of the fake; the words must not.
    botNotes: i.notes.filter((n) => n.author === w.policy.scope.botUsername).map((n) => n.body.replace(/<!-- mops-bot:[^>]*-->/g, (m) => m.replace(/\d+/g, "#"))),
  };
}

const stepOf = (w: World) => view(w).labels.filter((l) => /^M[kt][tk]gOpsPrio::/.test(l));
const lastBotNote = (w: World) => view(w).botNotes.at(-1) ?? "";

/** One person's action, then the reconcile; returns the issue as it ends. */
async function act(w: World, what: (w: World) => void): Promise<ReturnType<typeof view>> {
  w.tick();
  what(w);
  await w.settle();
  return view(w);
}

const labelsNow = (w: World) => w.fake.issue(w.sales, w.iid).labels;
const setStep = (label: string, as: string) => (w: World) =>
  w.fake.setIssueLabels(w.sales, w.iid, [...labelsNow(w).filter((l) => !/^M[kt][tk]gOpsPrio::/.test(l)), label], { as, at: w.clock() });
const say = (body: string, as: string) => (w: World) => void w.fake.comment(w.sales, w.iid, body, { as, at: w.clock() });

/** The walk; each entry is checked on the way and its resulting view recorded. */
async function walk(w: World): Promise<ReturnType<typeof view>[]> {
  const trace: ReturnType<typeof view>[] = [];
  const record = (v: ReturnType<typeof view>) => (trace.push(v), v);

  // Intake: the request gets 00.
  await w.settle();
  expect(record(view(w)).labels).toEqual([MOPS, P("00: Requested")].sort());

  // An outsider's approval is refused; a business process owner's is taken.
  record(await act(w, say("@mops-bot approve", "erin.sdr")));
  expect(stepOf(w)).toEqual([P("00: Requested")]);
  expect(lastBotNote(w)).toContain('Only members of "business-process-owners"');
  record(await act(w, say("@mops-bot approve", "amy.owner")));
  expect(stepOf(w)).toEqual([P("01: In Approved")]);
  expect(lastBotNote(w)).toContain("Approved by `amy.owner`");
  expect(lastBotNote(w)).toContain("<!-- mops-bot:approval:amy.owner -->");

  // A skipped step is undone; the business process owner queues it.
  record(await act(w, setStep(P("03: In Queue - Systems"), "mops.member1")));
  expect(stepOf(w)).toEqual([P("01: In Approved")]);
  expect(lastBotNote(w)).toContain("it skipped");
  record(await act(w, setStep(P("02: In Queue - Mops"), "christine.owner")));
  expect(stepOf(w)).toEqual([P("02: In Queue - Mops")]);

  // `next` explains what 03 needs; with the Temp milestone it moves.
  record(await act(w, say("@mops-bot next", "mops.member1")));
  expect(stepOf(w)).toEqual([P("02: In Queue - Mops")]);
  expect(lastBotNote(w)).toContain("no milestone is set");
  record(await act(w, (x) => x.fake.updateIssue(x.sales, x.iid, { milestoneId: x.milestones.temp }, { as: "mops.member1", at: x.clock() })));
  record(await act(w, say("@mops-bot next", "mops.member1")));
  expect(stepOf(w)).toEqual([P("03: In Queue - Systems")]);

  // The list's misspelling, used while still in the Temp milestone: undone, spelling and all.
  record(await act(w, (x) => x.fake.setIssueLabels(x.sales, x.iid, [...labelsNow(x), "MtkgOpsPrio::04: Actioned"], { as: "mops.member1", at: x.clock() })));
  expect(stepOf(w)).toEqual([P("03: In Queue - Systems")]);
  expect(lastBotNote(w)).toContain("/^Temp/");
  // With a real milestone the same misspelled move stands and is repaired.
  record(await act(w, (x) => x.fake.updateIssue(x.sales, x.iid, { milestoneId: x.milestones.current }, { as: "mops.member1", at: x.clock() })));
  record(await act(w, (x) => x.fake.setIssueLabels(x.sales, x.iid, [...labelsNow(x), "MtkgOpsPrio::04: Actioned"], { as: "mops.member1", at: x.clock() })));
  expect(stepOf(w)).toEqual([P("04: Actioned")]);
  expect(lastBotNote(w)).toContain("another spelling");

  // UAT, then a move to Pending Release without proof is undone.
  record(await act(w, setStep(P("05: Business Owner UAT"), "mops.member2")));
  expect(stepOf(w)).toEqual([P("05: Business Owner UAT")]);
  record(await act(w, (x) => x.fake.setIssueLabels(x.sales, x.iid, [...labelsNow(x).filter((l) => !l.startsWith("MktgOpsPrio::")), "SFDCReleaseHelp", P("06: Pending Release")], { as: "mops.member2", at: x.clock() })));
  expect(stepOf(w)).toEqual([P("05: Business Owner UAT")]);
  expect(lastBotNote(w)).toContain("no proof yet");

  // The business owner posts proof; status shows it; the prose's spelling of 06 stands, repaired.
  record(await act(w, say(UPLOAD, "dan.fieldmktg")));
  record(await act(w, say("@mops-bot status", "mops.member2")));
  expect(lastBotNote(w)).toContain("✅");
  expect(lastBotNote(w)).not.toContain("❌");
  record(await act(w, setStep("MktgOpsPrio::05: Pending Release", "mops.member2")));
  expect(stepOf(w)).toEqual([P("06: Pending Release")]);

  // The prose's "06: Completed" is 07: the issue is closed with a note.
  record(await act(w, setStep("MktgOpsPrio::06: Completed", "mops.member3")));
  expect(stepOf(w)).toEqual([P("07: Complete")]);
  expect(view(w).state).toBe("closed");
  expect(lastBotNote(w)).toContain("so I closed it");

  // Nothing left to do: another reconcile changes nothing.
  const settled = view(w);
  w.tick();
  await w.settle();
  expect(view(w)).toEqual(settled);
  return trace;
}

let worlds: World[] = [];
afterEach(async () => {
  await Promise.all(worlds.map((w) => w.close()));
  worlds = [];
});

describe("Sales Systems steps end to end", () => {
  it("walks a request from intake to complete, and the webhook path and the sweep agree at every step", async () => {
    const byWebhook = await openWorld("webhook");
    const bySweep = await openWorld("sweep");
    worlds = [byWebhook, bySweep];
    const viaWebhook = await walk(byWebhook);
    const viaSweep = await walk(bySweep);
    expect(viaWebhook).toEqual(viaSweep);

    // One note per undone attempt and one reply per command: 5 commands, 3 undone moves, 2 repairs, the close.
    const notes = view(byWebhook).botNotes;
    expect(notes.filter((n) => n.includes("mops-bot:cmd:"))).toHaveLength(5);
    expect(notes.filter((n) => n.includes(":undone:"))).toHaveLength(3);
    expect(byWebhook.fake.createdLabels.filter((l) => l.by === byWebhook.policy.scope.botUsername)).toEqual([]);
  }, 60_000);
});

describe("markers someone else pasted", () => {
  it("a member pre-posts the reply marker of the next comment: the owner's approve is still answered, once", async () => {
    const w = await openWorld("webhook");
    worlds = [w];
    await w.settle();
    const botNotes = () => w.fake.issue(w.sales, w.iid).notes.filter((n) => n.author === w.policy.scope.botUsername);
    const before = botNotes().length;

    // Note ids are sequential: the member learns the last one and marks the next few as answered.
    await act(w, say("Looking forward to this.", "mops.member1"));
    const last = w.fake.issue(w.sales, w.iid).notes.at(-1)!.id;
    const guesses = [last + 2, last + 3, last + 4];
    await act(w, say(`Noted. ${guesses.map((id) => `<!-- mops-bot:cmd:${id} -->`).join(" ")}`, "mops.member1"));
    const approveId = await (async () => {
      w.tick();
      const id = w.fake.comment(w.sales, w.iid, "@mops-bot approve", { as: "amy.owner", at: w.clock() })!;
      await w.settle();
      return id;
    })();
    expect(guesses).toContain(approveId);
    expect(stepOf(w)).toEqual([P("01: In Approved")]);
    const replies = botNotes().filter((n) => n.body.includes(`<!-- mops-bot:cmd:${approveId} -->`));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body).toContain("Approved by `amy.owner`");

    // The owner withdraws the approval; an unrelated comment does not run the approve again.
    await act(w, setStep(P("00: Requested"), "amy.owner"));
    await act(w, say("Any news?", "dan.fieldmktg"));
    expect(stepOf(w)).toEqual([P("00: Requested")]);
    expect(botNotes().filter((n) => n.body.includes(`<!-- mops-bot:cmd:${approveId} -->`))).toHaveLength(1);
    expect(botNotes().length).toBe(before + 1);
  }, 30_000);
});
