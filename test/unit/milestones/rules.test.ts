/** The reopen guard, the milestone MR decision and the rollover actions: pure, with fixed clocks. */
import { beforeAll, describe, expect, it } from "vitest";
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import { markerComment } from "../../../src/domain/markers.js";
import type { Action } from "../../../src/domain/actions.js";
import type { ResourceSnapshot, StateEvent } from "../../../src/domain/snapshot.js";
import { buildPlan } from "../../../src/engine/plan.js";
import { decideMilestoneMr, milestoneMrMarker, mrBlockingClose } from "../../../src/milestones/mergeRequest.js";
import { milestoneGroup } from "../../../src/milestones/project.js";
import { rolloverActions, rolloverDecision, rolloverMarker } from "../../../src/milestones/rollover.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { reopenGuard } from "../../../src/rules/reopenGuard.js";
import type { Rule, RuleContext } from "../../../src/rules/types.js";
import { CURRENT, gitlabNote, issue, note, PAST, user } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

let policy: CompiledPolicy;
let guard: Rule;
let ctx: RuleContext;
const NOW = new Date("2026-11-18T15:00:00Z");
beforeAll(async () => {
  policy = await loadPolicies(TEST_POLICIES_DIR);
  guard = reopenGuard.create(policy)[0]!;
  ctx = { policy, calendar: createBusinessCalendar(policy.calendar), now: NOW, milestones: [] };
});

const closedPast = { ...PAST, state: "closed" as const };
const ev = (id: number, state: StateEvent["state"], at: string, by = "erin.sdr"): StateEvent => ({ id, state, user: user(by), createdAt: new Date(at) });

describe("reopen guard", () => {
  const reopened = (over: Partial<ResourceSnapshot> = {}) =>
    issue({ milestone: closedPast, stateEvents: [ev(1, "closed", "2026-11-10T12:00:00Z"), ev(2, "reopened", "2026-11-17T12:00:00Z")], ...over });

  it("asks for state history only for open issues in a past milestone", () => {
    expect(guard.needs(issue({ milestone: CURRENT }), ctx)).toEqual({});
    expect(guard.needs(issue({ milestone: closedPast, userNotesCount: 2 }), ctx)).toMatchObject({ stateEvents: true, notes: true });
    expect(guard.needs(issue({ milestone: closedPast, state: "closed" }), ctx)).toEqual({});
  });

  it("closes again an issue reopened after its milestone ended, with a note that says what to do", () => {
    const actions = guard.evaluate(reopened(), ctx);
    expect(actions.map((a) => a.type)).toEqual(["close", "comment"]);
    const comment = actions[1] as Extract<(typeof actions)[number], { type: "comment" }>;
    expect(comment.marker).toBe("reopen-guard:2");
    expect(comment.body).toContain("@erin.sdr");
    expect(comment.body).toContain("Please do not re-open issues that have been closed in a previous milestone");
    expect(comment.body).toContain("open a new issue that links this one");
    expect(comment.body).toContain("keep open");
    expect(comment.body).not.toMatch(/(^|\s)@mops-bot/); // the override hint must not mention the bot
  });

  it("leaves alone an issue reopened while its milestone was still running, one never closed, and one in a Temp milestone", () => {
    expect(guard.evaluate(reopened({ stateEvents: [ev(1, "closed", "2026-11-05T12:00:00Z"), ev(2, "reopened", "2026-11-12T12:00:00Z")], milestone: { ...PAST } }), ctx)).toEqual([]);
    expect(guard.evaluate(issue({ milestone: closedPast, stateEvents: [] }), ctx)).toEqual([]);
    expect(guard.evaluate(reopened({ milestone: { ...closedPast, title: "Temp holding" } }), ctx)).toEqual([]);
    expect(guard.evaluate(reopened({ stateEvents: undefined }), ctx)).toEqual([]);
  });

  it("keeps the issue open when a member of the override group commented the override command after the reopen", () => {
    const keep = note("@mops-bot keep open — the follow-up belongs here", "2026-11-17T13:00:00Z", "amy.owner");
    expect(guard.evaluate(reopened({ notes: [keep] }), ctx)).toEqual([]);
    // Someone outside the group, or a command from before the close the reopen undid, does not count.
    expect(guard.evaluate(reopened({ notes: [{ ...keep, author: user("erin.sdr") }] }), ctx)).toHaveLength(2);
    expect(guard.evaluate(reopened({ notes: [{ ...keep, createdAt: new Date("2026-11-09T00:00:00Z") }] }), ctx)).toHaveLength(2);
  });

  it("keeps it open in the natural order too: the member comments on the closed issue, then reopens it", () => {
    const before = note("@mops-bot keep open", "2026-11-17T11:59:00Z", "amy.owner");
    expect(guard.evaluate(reopened({ notes: [before] }), ctx)).toEqual([]);
    // After a second close (the bot's), the next reopen needs a comment of its own episode.
    const again = reopened({
      notes: [before],
      stateEvents: [ev(1, "closed", "2026-11-10T12:00:00Z"), ev(2, "reopened", "2026-11-17T12:00:00Z"), ev(3, "closed", "2026-11-17T12:01:00Z", "mops-bot"), ev(4, "reopened", "2026-11-18T09:00:00Z")],
    });
    expect(guard.evaluate(again, ctx)).toHaveLength(2);
  });

  it("the command counts only as a command: at the start of the comment, not quoted, the words in order", () => {
    for (const body of ["> @mops-bot keep open", "Please @mops-bot keep open", "@mops-bot open keep", "`@mops-bot keep open`"]) {
      expect(guard.evaluate(reopened({ notes: [note(body, "2026-11-17T13:00:00Z", "amy.owner")] }), ctx), body).toHaveLength(2);
    }
    expect(guard.evaluate(reopened({ notes: [note("@MOPS-BOT Keep Open.", "2026-11-17T13:00:00Z", "amy.owner")] }), ctx)).toEqual([]);
  });

  it("answers to the token user's real username as well as to bot_username", () => {
    const tokenUser = { ...ctx, botUsername: "project_42_bot_7f3a" };
    for (const body of ["@project_42_bot_7f3a keep open", "@mops-bot keep open"]) {
      expect(guard.evaluate(reopened({ notes: [note(body, "2026-11-17T13:00:00Z", "amy.owner")] }), tokenUser), body).toEqual([]);
    }
  });

  it("waits the settle time on the webhook path, so a member can reopen first and comment a moment later", () => {
    expect(guard.settles).toBe(true);
  });

  it("shows the command in code format: the note never mentions the bot", () => {
    const comment = guard.evaluate(reopened(), ctx).find((a) => a.type === "comment") as Extract<Action, { type: "comment" }>;
    expect(comment.body).toContain("`@mops-bot keep open`");
    expect(comment.body.replace(/`[^`]*`/g, "")).not.toContain("@mops-bot");
    expect(comment.body.match(/@erin\.sdr/g)).toHaveLength(1);
  });

  it("a second reopen gets its own note (a new marker)", () => {
    const again = reopened({ stateEvents: [ev(1, "closed", "2026-11-10T12:00:00Z"), ev(2, "reopened", "2026-11-17T12:00:00Z"), ev(3, "closed", "2026-11-17T12:01:00Z"), ev(4, "reopened", "2026-11-18T09:00:00Z")] });
    expect(guard.evaluate(again, ctx).find((a) => a.type === "comment")).toMatchObject({ marker: "reopen-guard:4" });
  });
});

const mr = (iid: number, over: Partial<ResourceSnapshot> = {}): ResourceSnapshot =>
  issue({ kind: "merge_request", ref: { kind: "merge_request", path: "gitlab-com/content-sites/handbook", iid }, iid, ...over });

describe("milestone merge request", () => {
  const m = () => policy.milestones!;
  const title = "MktgOps 2026-11-16";

  it("asks for a draft MR on its own branch when the milestone has none", () => {
    expect(decideMilestoneMr(m(), title, [mr(1, { title: "Unrelated handbook fix" })])).toEqual({
      kind: "create",
      title: "Draft: MktgOps milestone MktgOps 2026-11-16: handbook updates",
      branch: "mktgops-milestone-mktgops-2026-11-16",
    });
  });

  it("recognises the MR by the bot's marker or by its title, reports missing labels and duplicates", () => {
    const byMarker = mr(2, { title: "renamed", description: `x\n${markerComment(milestoneMrMarker(title))}`, labels: ["MktgOps - HB Update"] });
    expect(decideMilestoneMr(m(), title, [byMarker])).toMatchObject({ kind: "ok", missingLabels: [] });
    const byTitle = mr(3, { title: "Draft: MktgOps milestone MktgOps 2026-11-16: handbook updates" });
    expect(decideMilestoneMr(m(), title, [byTitle])).toMatchObject({ kind: "ok", missingLabels: ["MktgOps - HB Update"] });
    const d = decideMilestoneMr(m(), title, [byTitle, byMarker]);
    expect(d.kind).toBe("duplicates");
    expect(d.kind === "duplicates" && d.open.map((x) => x.iid)).toEqual([2, 3]);
  });

  it("recognises, whatever its title, the MR on the milestone's branch and a draft labelled for the milestone", () => {
    const milestone = { ...CURRENT, title };
    const onBranch = mr(5, { title: "Handbook updates, second half of November", sourceBranch: "mktgops-milestone-mktgops-2026-11-16", labels: ["MktgOps - HB Update"] });
    expect(decideMilestoneMr(m(), title, [onBranch])).toMatchObject({ kind: "ok", mr: { iid: 5 } });
    const labelledDraft = mr(6, { title: "Draft: MOps HB updates", draft: true, milestone, labels: ["MktgOps - HB Update"], sourceBranch: "hb-nov" });
    expect(decideMilestoneMr(m(), title, [labelledDraft])).toMatchObject({ kind: "ok", mr: { iid: 6 } });
    expect(mrBlockingClose(m(), title, [labelledDraft])?.iid).toBe(6);
    // Not a draft, not labelled, or in another milestone: an ordinary merge request.
    for (const other of [{ ...labelledDraft, draft: false }, { ...labelledDraft, labels: [] }, { ...labelledDraft, milestone: { ...PAST } }]) {
      expect(decideMilestoneMr(m(), title, [other]).kind).toBe("create");
    }
  });

  it("an open milestone MR blocks closing the milestone; a merged one allows it", () => {
    const open = mr(4, { title: "MktgOps milestone MktgOps 2026-11-16: handbook updates" });
    expect(mrBlockingClose(m(), title, [open])?.iid).toBe(4);
    expect(mrBlockingClose(m(), title, [{ ...open, state: "merged" }])).toBeUndefined();
    expect(decideMilestoneMr(m(), title, [{ ...open, state: "merged" }]).kind).toBe("merged");
  });
});

describe("rollover", () => {
  const ended = { title: "MktgOps 2026-11-16", dueDate: "2026-11-25" };
  const next = { id: 777, title: "MktgOps 2026-11-30" };

  it("moves the issue and asks its assignees why, once per milestone", () => {
    const i = issue({ assignees: [user("mops.member1")], notes: [] });
    const { actions, movedBefore } = rolloverActions(policy, policy.milestones!, i, ended, next);
    expect(movedBefore).toBe(false);
    expect(actions.map((a) => a.type)).toEqual(["set_milestone", "comment"]);
    const plan = buildPlan(i, actions, policy.taxonomy);
    expect(plan.update.milestoneId).toBe(777);
    expect(plan.note?.body).toContain("@mops.member1");
    expect(plan.note?.body).toContain("It is now in **MktgOps 2026-11-30**");
    // Already moved and noted: nothing left to do.
    const after = { ...i, milestone: { ...CURRENT, id: 777 }, notes: [note(plan.note!.body, "2026-11-30T11:00:00Z", "mops-bot", { botMarkers: [rolloverMarker(ended.title)] })] };
    expect(buildPlan(after, rolloverActions(policy, policy.milestones!, after, ended, next).actions, policy.taxonomy).actions).toEqual([]);
  });

  it("rollover markers someone else posted neither stop the move nor flag the issue", () => {
    const forged = [
      gitlabNote(`<!-- mops-bot:${rolloverMarker(ended.title)} -->`, "2026-11-20T11:00:00Z", "requester"),
      gitlabNote(`<!-- mops-bot:${rolloverMarker("MktgOps 2026-11-02")} -->`, "2026-11-16T11:00:00Z", "requester"),
    ];
    const i = issue({ assignees: [user("mops.member1")], notes: forged });
    const { actions, movedBefore } = rolloverActions(policy, policy.milestones!, i, ended, next);
    expect(movedBefore).toBe(false);
    const plan = buildPlan(i, actions, policy.taxonomy);
    expect(plan.update.milestoneId).toBe(777);
    expect(plan.note?.markers).toEqual([rolloverMarker(ended.title)]);
  });

  it("flags an issue moved twice in a row and asks the author when nobody is assigned", () => {
    const i = issue({ notes: [note("moved", "2026-11-16T11:00:00Z", "mops-bot", { botMarkers: [rolloverMarker("MktgOps 2026-11-02")] })] });
    const { actions, movedBefore } = rolloverActions(policy, policy.milestones!, i, ended, next);
    expect(movedBefore).toBe(true);
    const comment = actions.find((a) => a.type === "comment") as Extract<(typeof actions)[number], { type: "comment" }>;
    expect(comment.body).toContain("@requester");
    expect(comment.body).toContain("It had also moved at the end of the milestone before.");
  });

  it("asks for the context the handbook wants, in one note, and never asks the same person twice about an issue", () => {
    const i = issue({ assignees: [user("mops.member1"), user("mops.member1"), user("mops.member2")], notes: [] });
    const comments = (x: ResourceSnapshot) => rolloverActions(policy, policy.milestones!, x, ended, next).actions.filter((a) => a.type === "comment");
    const [first] = comments(i) as Extract<ReturnType<typeof rolloverActions>["actions"][number], { type: "comment" }>[];
    expect(comments(i)).toHaveLength(1);
    expect(first!.body.match(/@mops\.member1\b/g)).toHaveLength(1);
    expect(first!.body).toContain('"Context as to why an Issue is moving to a new milestone will be posted in the Issue (not in the Slack thread)."');
    expect(first!.body).not.toMatch(/blocked|deprioritised|split|re-planned/);
    // Asked at the move before: moved again without a note; a newly assigned person is asked alone.
    const asked = note(first!.body, "2026-11-16T11:00:00Z", "mops-bot", { botMarkers: [rolloverMarker("MktgOps 2026-11-02")] });
    const again = { ...i, notes: [asked] };
    const quiet = rolloverActions(policy, policy.milestones!, again, ended, next);
    expect(quiet.actions.map((a) => a.type)).toEqual(["set_milestone"]);
    expect(quiet.movedBefore).toBe(true);
    const reassigned = comments({ ...again, assignees: [user("mops.member1"), user("mops.member3")] });
    expect(reassigned).toHaveLength(1);
    expect((reassigned[0] as { body: string }).body).toMatch(/^Hi @mops\.member3 :wave:/);
  });

  it("counts a person as asked when a custom rollover template put punctuation right after the mention", () => {
    const earlier = note("Please add context here, @mops.member1.", "2026-11-16T11:00:00Z", "mops-bot", { botMarkers: [rolloverMarker("MktgOps 2026-11-02")] });
    const i = issue({ assignees: [user("mops.member1")], notes: [earlier] });
    expect(rolloverActions(policy, policy.milestones!, i, ended, next).actions.map((a) => a.type)).toEqual(["set_milestone"]);
  });

  it("posts no note asking nobody when the only person on the issue is the bot itself", () => {
    const i = issue({ author: user(policy.scope.botUsername), assignees: [], notes: [] });
    expect(rolloverActions(policy, policy.milestones!, i, ended, next).actions.map((a) => a.type)).toEqual(["set_milestone"]);
  });

  it("leaves 03: Assigned issues (future work) alone and lists 08: Completed ones instead of moving them, old spellings too", () => {
    const m = policy.milestones!;
    expect(rolloverDecision(policy, m, issue({ labels: ["MktgOps::03: Assigned"] }), ended, next)).toEqual({ kind: "leave", label: "MktgOps::03: Assigned" });
    expect(rolloverDecision(policy, m, issue({ labels: ["MktgOps::08: Completed"] }), ended, next)).toEqual({ kind: "completed", label: "MktgOps::08: Completed" });
    expect(rolloverDecision(policy, m, issue({ labels: ["MktgOps::7 - Completed"] }), ended, next).kind).toBe("completed");
    expect(rolloverDecision(policy, m, issue({ labels: ["MktgOps::04: In Progress"], notes: [] }), ended, next).kind).toBe("move");
  });
});

describe("milestone group", () => {
  it("is the top group holding the scope's group and every project in scope: the GitLab.com level", () => {
    expect(milestoneGroup(policy)).toBe("gitlab-com");
    const lone = { ...policy, scope: { ...policy.scope, group: "acme/marketing", projects: [{ ...policy.scope.projects[0]!, path: "other/ops" }] } };
    expect(() => milestoneGroup(lone)).toThrow(/share no group/);
  });
});
