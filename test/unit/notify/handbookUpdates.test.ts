/** Handbook-update notifications through the engine: one post per channel, recorded by a note marker, given back when Slack fails. */
import { beforeAll, describe, expect, it } from "vitest";
import type { SlackMessage } from "../../../src/domain/actions.js";
import type { ResourcePlan } from "../../../src/domain/plan.js";
import type { NoteInfo, ResourceSnapshot } from "../../../src/domain/snapshot.js";
import type { Platform } from "../../../src/engine/platform.js";
import { reconcileSnapshot } from "../../../src/engine/reconcile.js";
import type { Notifier, PostOptions, SlackPostOutcome } from "../../../src/notify/types.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { handbookUpdates } from "../../../src/rules/handbookUpdates.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { gitlabNote, issue, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
let rule: Rule;
const NOW = new Date("2026-11-18T15:00:00Z");
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  rule = handbookUpdates.create(policy)[0]!;
});
const ctx = (): RuleContext => ({ policy, calendar: undefined as never, now: NOW, milestones: [] });

const merged = (labels: string[], over: Partial<ResourceSnapshot> = {}): ResourceSnapshot =>
  issue({
    kind: "merge_request",
    ref: { kind: "merge_request", path: "gitlab-com/content-sites/handbook", iid: 71 },
    iid: 71,
    title: "Update the MOps page",
    state: "merged",
    mergedAt: new Date("2026-11-18T14:00:00Z"),
    labels,
    author: user("amy.owner"),
    ...over,
  });

/** An in-memory merge request: apply() appends the planned note, notes() returns them. */
function memoryPlatform(notes: NoteInfo[]): Platform & { applied: ResourcePlan[] } {
  const applied: ResourcePlan[] = [];
  return {
    applied,
    list: () => (async function* () {})(),
    get: async () => null,
    labelEvents: async () => [],
    notes: async () => notes,
    milestones: async () => [],
    apply: async (plan) => {
      applied.push(plan);
      if (plan.note) notes.push(gitlabNote(plan.note.body, NOW.toISOString(), "mops-bot"));
      return { writes: 1 };
    },
    requestStats: () => ({ total: 0, byRoute: {}, retries: 0 }),
  };
}

function recordingNotifier(fail = false, failure = "Slack answered 500"): Notifier & { posts: { channel: string; message: SlackMessage }[] } {
  const posts: { channel: string; message: SlackMessage }[] = [];
  const pending: Promise<unknown>[] = [];
  return {
    posts,
    dryRun: false,
    channels: Object.keys(policy.notifications!.channels),
    post(channel: string, message: SlackMessage, options: PostOptions = {}): Promise<SlackPostOutcome> {
      posts.push({ channel, message });
      const p = (async () => {
        if (fail) await options.onFailure?.(new Error(failure));
        return { channel, ok: !fail, dryRun: false, attempts: 1 };
      })();
      pending.push(p);
      return p;
    },
    idle: async () => {
      await Promise.all(pending);
    },
    outcomes: () => [],
  };
}

describe("handbook-updates rule", () => {
  it("routes a merged MR to every channel of its labels, and nothing before the merge or long after", () => {
    const actions = rule.evaluate(merged(["MktgOps - HB Update", "FMM-HB Update"]), ctx());
    expect(actions.map((a) => a.type === "notify_slack" && `${a.channel} ${a.marker}`)).toEqual([
      "hbupdate-mktgops slack:hb-update:merged:hbupdate-mktgops",
      "mktgops slack:hb-update:merged:mktgops",
      "fieldmarketing-FYI slack:hb-update:merged:fieldmarketing-FYI",
    ]);
    const first = actions[0]!;
    expect(first.type === "notify_slack" && first.message.text).toBe(
      "Handbook update merged: Update the MOps page by amy.owner https://gitlab.example.com/mktg/marketing-operations/-/issues/71",
    );
    expect(rule.evaluate(merged(["SDR-HB Update"], { mergedAt: new Date("2026-11-01T00:00:00Z") }), ctx())).toEqual([]);
    expect(rule.evaluate(merged(["Marketo"]), ctx())).toEqual([]);
  });

  it("announces a MktgOps MR when it is created (while open), and the merge later", () => {
    const open = merged(["MktgOps - HB Update"], { state: "opened", mergedAt: null, createdAt: new Date("2026-11-18T10:00:00Z") });
    expect(rule.evaluate(open, ctx()).map((a) => a.type === "notify_slack" && a.marker)).toEqual(["slack:hb-update:created:hbupdate-mktgops"]);
  });
});

describe("Slack posts through the engine", () => {
  it("posts once per channel, records the posts in one note, and a rerun posts nothing", async () => {
    const notes: NoteInfo[] = [];
    const platform = memoryPlatform(notes);
    const notifier = recordingNotifier();
    const mr = merged(["MktgOps - HB Update"], { userNotesCount: 0 });
    await reconcileSnapshot(mr, { platform, rules: [rule], ctx: ctx(), notifier });
    await notifier.idle();
    expect(notifier.posts.map((p) => p.channel)).toEqual(["hbupdate-mktgops", "mktgops"]);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.botMarkers).toEqual(["slack:hb-update:merged:hbupdate-mktgops", "slack:hb-update:merged:mktgops"]);
    expect(notes[0]!.body).toContain("Posted to Slack: #hbupdate-mktgops, #mktgops.");

    await reconcileSnapshot({ ...mr, userNotesCount: 1 }, { platform, rules: [rule], ctx: ctx(), notifier });
    await notifier.idle();
    expect(notifier.posts).toHaveLength(2);
    expect(platform.applied).toHaveLength(1);
  });

  it("a Slack marker someone else posted does not stand for the post", async () => {
    const notes = [gitlabNote("<!-- mops-bot:slack:hb-update:merged:hbupdate-abm -->", "2026-11-18T14:10:00Z", "amy.owner")];
    const notifier = recordingNotifier();
    await reconcileSnapshot(merged(["ABM-HB Update"], { userNotesCount: 1 }), { platform: memoryPlatform(notes), rules: [rule], ctx: ctx(), notifier });
    await notifier.idle();
    expect(notifier.posts.map((p) => p.channel)).toEqual(["hbupdate-abm"]);
  });

  it("retry markers someone else posted buy no extra post", async () => {
    const marker = "slack:hb-update:merged:hbupdate-abm";
    const notes = [
      gitlabNote(`<sub>Posted to Slack: #hbupdate-abm.</sub>\n\n<!-- mops-bot:${marker} -->`, "2026-11-18T14:05:00Z", "mops-bot"),
      ...["14:10", "14:11", "14:12"].map((t) => gitlabNote(`<!-- mops-bot:slack-retry:${marker} -->`, `2026-11-18T${t}:00Z`, "amy.owner")),
    ];
    const notifier = recordingNotifier();
    await reconcileSnapshot(merged(["ABM-HB Update"], { userNotesCount: 4 }), { platform: memoryPlatform(notes), rules: [rule], ctx: ctx(), notifier });
    await notifier.idle();
    expect(notifier.posts).toEqual([]);
  });

  it("without a notifier (the sweep) nothing is posted or recorded", async () => {
    const platform = memoryPlatform([]);
    const { plan } = await reconcileSnapshot(merged(["ABM-HB Update"]), { platform, rules: [rule], ctx: ctx() });
    expect(plan.actions).toEqual([]);
    expect(platform.applied).toEqual([]);
  });

  it("a post that fails for good is given back by a note, and the next run posts it again", async () => {
    const notes: NoteInfo[] = [];
    const platform = memoryPlatform(notes);
    const failing = recordingNotifier(true);
    const mr = merged(["ABM-HB Update"], { userNotesCount: 1 });
    await reconcileSnapshot(mr, { platform, rules: [rule], ctx: ctx(), notifier: failing });
    await failing.idle();
    expect(notes.map((n) => n.botMarkers)).toEqual([["slack:hb-update:merged:hbupdate-abm"], ["slack-retry:slack:hb-update:merged:hbupdate-abm"]]);
    expect(notes[1]!.body).toContain("The Slack post to #hbupdate-abm failed (Slack answered 500)");

    const working = recordingNotifier();
    await reconcileSnapshot(mr, { platform, rules: [rule], ctx: ctx(), notifier: working });
    await working.idle();
    expect(working.posts.map((p) => p.channel)).toEqual(["hbupdate-abm"]);
    await reconcileSnapshot(mr, { platform, rules: [rule], ctx: ctx(), notifier: working });
    await working.idle();
    expect(working.posts).toHaveLength(1);
  });

  it("while Slack is unreachable, ten reconciles leave one failure note per post, naming no host, port or URL", async () => {
    const notes: NoteInfo[] = [];
    const platform = memoryPlatform(notes);
    const down = recordingNotifier(true, "Slack could not be reached (connect ECONNREFUSED 10.20.30.40:8443 https://hooks.slack.example/services/T0/B0/secret)");
    for (let i = 0; i < 10; i++) {
      await reconcileSnapshot(merged(["ABM-HB Update"], { userNotesCount: notes.length }), { platform, rules: [rule], ctx: ctx(), notifier: down });
      await down.idle();
    }
    const failures = notes.filter((n) => n.botMarkers.some((m) => m.startsWith("slack-retry:")));
    expect(failures).toHaveLength(1);
    // The first post and the one retry it gave back; then the post stands as given up.
    expect(down.posts).toHaveLength(2);
    expect(notes).toHaveLength(3);
    expect(failures[0]!.body).toContain("failed (Slack could not be reached)");
    for (const n of notes) expect(n.body).not.toMatch(/10\.20\.30\.40|8443|hooks\.slack|secret/);
  });
});
