/**
 * The history cache end to end: sweeps of the demo board against the fake GitLab, with a cache
 * keyed on each resource's updated_at. A warm cache must give the same plan as no cache at all,
 * on a board where people changed labels, comments, state and milestones between runs, and after
 * the bot's own writes; it only saves reads.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { HistoryCache, MemoryHistoryStore } from "../../src/cache/historyCache.js";
import { renderReportText, type RunReport } from "../../src/engine/report.js";
import { runSweep } from "../../src/jobs/sweep.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";

const HISTORY = /resource_label_events|resource_state_events|\/notes$/;

let sb: Sandbox;
let now: Date;
beforeEach(async () => {
  now = new Date(SANDBOX_NOW);
  sb = await startSandbox({ clock: () => now });
});
afterEach(async () => {
  await sb.close();
});

async function sweep(options: { cache?: HistoryCache; dryRun?: boolean } = {}): Promise<{ report: RunReport; historyReads: number; readPaths: string[] }> {
  const dryRun = options.dryRun ?? true;
  sb.fake.resetCounters();
  const runtime = await sb.runtime({ dryRun, ...(options.cache ? { platform: { historyCache: options.cache } } : {}) });
  const report = await runSweep({ ...runtime, dryRun });
  const readPaths = sb.fake.requests.filter((r) => r.method === "GET" && HISTORY.test(r.route)).map((r) => r.path);
  return { report, historyReads: readPaths.length, readPaths };
}

/** What the rules decided, resource by resource: the part of a report a cache must not change. */
const decisions = (r: RunReport) => ({ resources: r.resources, errors: r.errors, undecided: r.undecided });

const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

describe("the history cache", () => {
  it("answers every history read of a second run on an unchanged board, with the same plan", async () => {
    const cache = new HistoryCache(new MemoryHistoryStore(), "fake", undefined, () => now);
    const cold = await sweep({ cache });
    expect(cold.historyReads).toBeGreaterThan(0);
    expect(cold.report.historyCache).toEqual({ hits: 0, misses: cold.historyReads });

    later(60);
    const warm = await sweep({ cache });
    expect(warm.historyReads).toBe(0);
    expect(warm.report.historyCache).toEqual({ hits: cold.historyReads, misses: 0 });
    expect(decisions(warm.report)).toEqual(decisions((await sweep()).report));
    expect(renderReportText(warm.report)).toContain(`History cache: ${cold.historyReads} hit(s), 0 miss(es) (100% read from the cache)`);
  });

  it("reads again exactly the resources people changed (labels, a comment, state, milestone), and plans as if there were no cache", async () => {
    const cache = new HistoryCache(new MemoryHistoryStore(), "fake", undefined, () => now);
    await sweep({ cache });
    const mops = sb.projects.mops;
    const issues = sb.fake.issues(mops).filter((i) => i.state === "opened");
    const [a, b, c, d] = issues;
    later(30);
    sb.fake.updateIssue(mops, a!.iid, { addLabels: ["Marketo"] }, { as: "mops.member2" });
    later(1);
    sb.fake.comment(mops, b!.iid, "Any news on this one?", { as: "dan.fieldmktg" });
    later(1);
    sb.fake.updateIssue(mops, c!.iid, { stateEvent: "close" }, { as: "mops.member2" });
    later(1);
    sb.fake.updateIssue(mops, c!.iid, { stateEvent: "reopen" }, { as: "mops.member2" });
    later(1);
    sb.fake.updateIssue(mops, d!.iid, { milestoneId: null }, { as: "mops.member2" });
    later(60);

    const warm = await sweep({ cache });
    const fresh = await sweep();
    expect(decisions(warm.report)).toEqual(decisions(fresh.report));
    // Each changed issue whose history a rule reads is read anew; the unchanged ones come from the cache.
    const readAgain = (iid: number) => warm.readPaths.some((p) => p.includes(`/issues/${iid}/`));
    for (const changed of [a, b, c, d]) {
      if (fresh.readPaths.some((p) => p.includes(`/issues/${changed!.iid}/`))) expect(readAgain(changed!.iid), `#${changed!.iid}`).toBe(true);
    }
    expect(warm.report.historyCache!.hits).toBeGreaterThan(0);
    expect(warm.historyReads).toBe(warm.report.historyCache!.misses);
    expect(warm.historyReads).toBeLessThan(fresh.historyReads);
  });

  it("reads the comments again when one was deleted, although GitLab leaves updated_at as it was", async () => {
    const mops = sb.projects.mops;
    const noteIds = new Map<number, number>();
    for (const i of sb.fake.issues(mops).filter((x) => x.state === "opened")) {
      // Two comments, so one is left after the deletion and the rules that read comments still read them.
      sb.fake.addNote(mops, i.iid, { body: "Budget request sent.", author: "dan.fieldmktg", createdAt: new Date(SANDBOX_NOW.getTime() - 4 * 86_400_000) });
      noteIds.set(i.iid, sb.fake.addNote(mops, i.iid, { body: "Please hold this until the budget is approved.", author: "dan.fieldmktg", createdAt: new Date(SANDBOX_NOW.getTime() - 3 * 86_400_000) }));
    }
    const cache = new HistoryCache(new MemoryHistoryStore(), "fake", undefined, () => now);
    const first = await sweep({ cache });
    // An issue whose comments a rule read: its cached comments now include the note.
    const iid = [...noteIds.keys()].find((n) => first.readPaths.some((p) => p.includes(`/issues/${n}/notes`)))!;
    expect(iid).toBeDefined();
    later(60);
    const before = sb.fake.issue(mops, iid).updatedAt;
    sb.fake.deleteNote(mops, iid, noteIds.get(iid)!);
    expect(sb.fake.issue(mops, iid).updatedAt).toBe(before);
    const warm = await sweep({ cache });
    expect(warm.readPaths.some((p) => p.includes(`/issues/${iid}/notes`))).toBe(true);
    expect(decisions(warm.report)).toEqual(decisions((await sweep()).report));
  });

  it("after the bot's own writes, the next run sees the bot's notes (their updated_at moved) and repeats nothing", async () => {
    const cache = new HistoryCache(new MemoryHistoryStore(), "fake", undefined, () => now);
    await sweep({ cache }); // fills the cache
    later(10);
    const applied = await sweep({ cache, dryRun: false });
    expect(applied.report.errors).toEqual([]);
    expect(sb.fake.writes().length).toBeGreaterThan(0);
    later(60);
    const expected = await sweep(); // no cache, nothing written
    const rerun = await sweep({ cache, dryRun: false });
    expect(rerun.report.errors).toEqual([]);
    expect(decisions(rerun.report)).toEqual(decisions(expected.report));
    // No note twice: the bot's notes of the applied run were read again, markers and all.
    expect(sb.fake.writes().filter((w) => w.route.endsWith("/notes"))).toEqual([]);
  });

  it("is only a cold cache when its store fails: every history is read from GitLab and the plan is the same", async () => {
    const broken = new MemoryHistoryStore();
    broken.get = () => Promise.reject(new Error("disk gone"));
    broken.set = () => Promise.reject(new Error("disk gone"));
    const cache = new HistoryCache(broken, "fake", undefined, () => now);
    const withBroken = await sweep({ cache });
    const without = await sweep();
    expect(withBroken.report.errors).toEqual([]);
    expect(withBroken.historyReads).toBe(without.historyReads);
    expect(decisions(withBroken.report)).toEqual(decisions(without.report));
  });

  it("`mops-bot sweep` keeps it in MOPS_CACHE_DIR between runs, and its report says how much came from it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mops-cache-cli-"));
    const names = ["GITLAB_URL", "GITLAB_TOKEN", "MOPS_CACHE", "MOPS_CACHE_DIR"] as const;
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    Object.assign(process.env, { GITLAB_URL: sb.fake.url, GITLAB_TOKEN: SANDBOX_TOKEN, MOPS_CACHE: "on", MOPS_CACHE_DIR: dir });
    const run = async () => {
      const out: string[] = [];
      sb.fake.resetCounters();
      const code = await main(["node", "mops-bot", "sweep", "--dry-run"], { out: (t) => out.push(t), err: (t) => out.push(t) });
      return { code, text: out.join("\n"), reads: sb.fake.requests.filter((r) => HISTORY.test(r.route)).length };
    };
    try {
      const first = await run();
      expect(first.code).toBe(0);
      expect(first.reads).toBeGreaterThan(0);
      expect(first.text).toContain(`History cache: 0 hit(s), ${first.reads} miss(es)`);
      const second = await run();
      expect(second.reads).toBe(0);
      expect(second.text).toContain(`History cache: ${first.reads} hit(s), 0 miss(es) (100% read from the cache)`);
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
    }
  });
});
