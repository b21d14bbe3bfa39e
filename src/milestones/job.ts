/**
 * The `milestones` job: keeps the team's milestones in the shape the handbook describes.
 * 1. The current milestone and the ones allowed ahead exist (created in the top group when no
 *    iteration of the team covers the fortnight: one titled like theirs, or one titled otherwise
 *    that the team's issues use; another team's milestone never counts); milestones created further
 *    ahead are listed in the report.
 * 2. A team milestone closed while its milestone merge request is open is reactivated.
 * 3. Rollover: open issues of every iteration that ended and is still active move to the current
 *    one, each with at most one note asking for the context (within rollout.yml's attention budget:
 *    past it, the item goes to the person's daily list); finished issues are listed for
 *    closing and future work stays. One Slack message lists the moves (recorded by a marker in
 *    each ended milestone's description, so it is posted once).
 * 4. The current milestone has exactly one milestone merge request (draft, labelled, in the
 *    milestone): created with its branch when missing; duplicates are reported.
 */
import type { ReportedAction } from "../domain/actions.js";
import { descriptionMarkersIn, markerComment, markerKey } from "../domain/markers.js";
import { planIsEmpty } from "../domain/plan.js";
import { formatRef } from "../domain/snapshot.js";
import { renderTemplate, templateText } from "../domain/templates.js";
import { botUsernameFrom, createRuleContext } from "../engine/context.js";
import { buildPlan } from "../engine/plan.js";
import { planSnapshot } from "../engine/reconcile.js";
import { reportResource, type ReportResource, type RunReport, emptyRunReport, finishRunReport } from "../engine/report.js";
import { succeeded, type ScopeActionOutcome, type ScopePlanAction } from "../engine/scopePlan.js";
import type { TeamMilestone } from "../domain/scopeObjects.js";
import { checkLabelsToAdd } from "../gitlab/writes.js";
import { requireMilestonePlatform, type MilestonePlatform } from "../engine/scopePlatform.js";
import type { JobDeps, Job } from "../jobs/types.js";
import { openNotifier, rolloverMessage, type MovedIssue, type Notifier } from "../notify/index.js";
import type { MilestonePolicy } from "../policy/model.js";
import { buildRules } from "../rules/registry.js";
import { guardClosedMilestone } from "./closeGuard.js";
import { decideMilestoneMr, milestoneMrBranch, milestoneMrMarker } from "./mergeRequest.js";
import { fixMilestone, milestonesToCheckUsage, planMilestones, type MilestonePlan } from "../rules/milestones/plan.js";
import { milestoneGroup, milestoneMrProject, teamProjects } from "./project.js";
import { ROLLOVER_RULE, rolloverDecision } from "./rollover.js";
import { disclosedTitle } from "../domain/disclosure.js";
import type { AttentionBudget } from "../engine/attention.js";
import { openAttention } from "../engine/attentionStore.js";

const RULE = "milestones";

export interface MilestonesJobOptions {
  /** Where the Slack webhook variables are read (default: the configuration's). */
  env?: NodeJS.ProcessEnv;
  /** A ready notifier (tests); otherwise one is opened from the policy and `env`. */
  notifier?: Notifier;
}

interface Run {
  deps: JobDeps;
  m: MilestonePolicy;
  gl: MilestonePlatform;
  /** The top group, where new milestones are created. */
  group: string;
  today: string;
  report: RunReport;
  notifier: Notifier;
  /** The day's attention budget shared with the sweep and the SLA job (rollout.yml), when it has one. */
  attention?: AttentionBudget;
}

function scopeEntry(run: Run, milestone: { title: string; id?: number; iid?: number; webUrl?: string; group?: string }, actions: ReportedAction[]): ReportResource {
  const key = milestone.iid ?? milestone.id;
  const group = milestone.group ?? run.group;
  return { ref: key === undefined ? `${group}%"${milestone.title}"` : `${group}%${key}`, url: milestone.webUrl ?? "", title: milestone.title, actions, conflicts: [] };
}

/** One scope write of the run; its error is thrown where the step reports it. */
async function applyOne(run: Run, action: ScopePlanAction): Promise<ScopeActionOutcome> {
  return succeeded((await run.gl.applyScope({ actions: [action] })).outcomes[0]);
}

/** Step 1: the current milestone and those ahead; returns the milestone of each planned fortnight (undefined when only planned in a dry run). */
async function ensureMilestones(run: Run, plan: MilestonePlan<TeamMilestone>): Promise<(TeamMilestone | undefined)[]> {
  const result: (TeamMilestone | undefined)[] = [];
  for (const [i, fix] of plan.fixes.entries()) {
    const which = i === 0 ? "the current milestone" : "the next milestone";
    if (fix.kind === "ok" || fix.kind === "covered") {
      result.push(fixMilestone(fix));
    } else if (fix.kind === "create") {
      const reason = `${which} did not exist yet.`;
      const milestone = { title: fix.slot.title, startDate: fix.slot.startDate, dueDate: fix.slot.dueDate };
      const created = (await applyOne(run, { type: "create_milestone", group: run.group, milestone, today: run.today, rule: RULE, reason })).milestone;
      result.push(created);
      run.report.resources.push(
        scopeEntry(run, created ?? { title: fix.slot.title }, [
          { type: "create_milestone", title: fix.slot.title, startDate: fix.slot.startDate, dueDate: fix.slot.dueDate, rule: RULE, reason },
        ]),
      );
    } else {
      const what = Object.entries(fix.changes).map(([k, v]) => `${k === "startDate" ? "start date" : k === "dueDate" ? "due date" : "title"} ${v}`).join(", ");
      const reason = `${which} did not have the cadence's title and dates.`;
      const update = { type: "update_milestone" as const, group: fix.milestone.group, id: fix.milestone.id, changes: fix.changes, today: run.today, rule: RULE, reason };
      result.push((await applyOne(run, update)).milestone ?? fix.milestone);
      run.report.resources.push(scopeEntry(run, fix.milestone, [{ type: "update_milestone", title: fix.milestone.title, what, rule: RULE, reason }]));
    }
  }
  for (const flag of plan.flags) {
    run.report.resources.push(scopeEntry(run, flag.milestone, [{ type: "flag_milestone", title: flag.milestone.title, problem: flag.problem, rule: RULE, reason: "Created further ahead than the older handbook page plans (listed here only)." }]));
  }
  return result;
}

interface EndedRollover {
  ended: TeamMilestone;
  moved: MovedIssue[];
}

/** Step 3, one ended iteration: move its open issues to `current`; finished ones are listed in the report. */
async function rollOne(run: Run, ended: TeamMilestone, current: TeamMilestone): Promise<EndedRollover> {
  const { policy } = run.deps;
  const issues = await run.gl.milestoneReads.openIssuesInMilestone(ended.group, ended.id, run.today);
  const moved: MovedIssue[] = [];
  const completed: string[] = [];
  // The move is judged with every rule, on the state it leaves: a stage that forbids the current
  // milestone objects to the move itself, which is then a conflict for the policy owners, not a
  // move followed by a complaint to the assignee on the next sweep.
  const rules = buildRules(policy);
  const ctx = {
    ...createRuleContext(policy, run.deps.calendar, run.deps.clock(), await run.gl.milestones()),
    botUsername: await botUsernameFrom(run.gl, policy),
  };
  for (const listed of issues) {
    try {
      const first = rolloverDecision(policy, run.m, listed, ended, current);
      if (first.kind === "leave") continue;
      if (first.kind === "completed") {
        completed.push(formatRef(listed.ref));
        continue;
      }
      // A listing's user_notes_count counts the issue's non-system notes, the bot's included
      // (gitlabhq lib/api/entities/issue_basic.rb exposes it from lib/gitlab/issuable_metadata.rb,
      // Note.count_for_collection): at 0 there is no earlier rollover note to read.
      const issue = listed.userNotesCount === 0 ? { ...listed, notes: [] } : { ...listed, notes: await run.gl.notes(listed) };
      const decision = rolloverDecision(policy, run.m, issue, ended, current);
      if (decision.kind !== "move") continue;
      const { actions, movedBefore } = decision;
      // Only the rollover is written here (the sweep does the rest), unless a rule objects to it.
      const judged = await planSnapshot(issue, { platform: run.gl, rules, ctx }, { external: actions });
      const objected = judged.plan.conflicts.filter((c) => c.actions.some((a) => a.rule === ROLLOVER_RULE));
      // The rollover note is scheduled work: past the person's mentions for the day it waits in their
      // daily list instead (the move itself still happens, and Slack still lists it). A move a rule
      // objects to writes nothing, so it spends no mention.
      const admitted = objected.length > 0 || run.attention === undefined ? actions : run.attention.admit(issue, actions);
      const plan = objected.length > 0 ? { ...buildPlan(issue, [], policy.taxonomy), conflicts: objected } : buildPlan(issue, admitted, policy.taxonomy);
      if (!planIsEmpty(plan)) await applyOne(run, { type: "apply_plan", plan, rule: ROLLOVER_RULE, reason: `${ended.title} ended.` });
      const entry = reportResource(plan);
      if (entry) run.report.resources.push(entry);
      if (plan.actions.some((a) => a.type === "set_milestone")) {
        moved.push({ ref: formatRef(issue.ref), url: issue.webUrl, title: disclosedTitle(issue, null), assignees: issue.assignees.map((u) => u.username), movedBefore });
      }
    } catch (e) {
      run.report.errors.push({ ref: formatRef(listed.ref), message: e instanceof Error ? e.message : String(e) });
    }
  }
  if (completed.length > 0) {
    const labels = run.m.rollover.completedLabels.join(", ");
    run.report.resources.push(
      scopeEntry(run, ended, [
        {
          type: "flag_issues",
          milestone: ended.title,
          refs: completed,
          problem: `finished (${labels}) but still open: they stay in the ended milestone, ready to be closed`,
          rule: ROLLOVER_RULE,
          reason: `${ended.title} ended; completed issues are not moved.`,
        },
      ]),
    );
  }
  return { ended, moved };
}

/** Step 3: every ended iteration still active rolls over to `current`, then one Slack message lists the moves. */
async function rollover(run: Run, endedIterations: TeamMilestone[], current: TeamMilestone): Promise<void> {
  const rolled: EndedRollover[] = [];
  for (const ended of endedIterations) {
    try {
      rolled.push(await rollOne(run, ended, current));
    } catch (e) {
      run.report.errors.push({ ref: ended.title, message: e instanceof Error ? e.message : String(e) });
    }
  }
  const pending = rolled.filter((r) => r.moved.length > 0 && !descriptionMarkersIn(r.ended.description).includes(slackMarker(r.ended)));
  if (pending.length === 0) return;
  const channel = run.m.rollover.slackChannel;
  const endedTitles = pending.map((r) => r.ended.title).join(" and ");
  const moved = pending.flatMap((r) => r.moved);
  const message = rolloverMessage(pending.map((r) => r.ended.title), current.title, moved);
  const last = pending.at(-1)!.ended;
  run.report.resources.push(
    scopeEntry(run, last, [
      { type: "post_slack", channel: `#${channel}`, marker: slackMarker(last), text: message.text, rule: RULE, reason: `${moved.length} issue(s) moved to ${current.title}.` },
    ]),
  );
  const outcome = await run.notifier.post(channel, message);
  if (!outcome.ok) {
    run.report.errors.push({ ref: endedTitles, message: `The Slack message to #${channel} listing the moved issues failed: ${outcome.error ?? "unknown error"}.` });
    return;
  }
  // Recorded in each ended milestone's description, so the message is posted once.
  for (const { ended } of pending) {
    const changes = { description: `${ended.description.trimEnd()}\n\n${markerComment(slackMarker(ended))}`.trimStart() };
    await applyOne(run, { type: "update_milestone", group: ended.group, id: ended.id, changes, today: run.today, rule: RULE, reason: `The move list of ${ended.title} was posted to Slack #${channel}.` });
  }
}

const slackMarker = (ended: TeamMilestone) => markerKey("slack", "rollover", ended.title);

/** Step 4: exactly one milestone merge request in the current milestone. */
async function ensureMilestoneMr(run: Run, current: TeamMilestone): Promise<void> {
  const { policy } = run.deps;
  const project = milestoneMrProject(policy, run.m);
  const reads = run.gl.milestoneReads;
  const decision = decideMilestoneMr(run.m, current.title, await reads.mergeRequestsInMilestone(project, current.title, run.today, milestoneMrBranch(run.m, current.title)));
  if (decision.kind === "create") {
    checkLabelsToAdd(run.m.mr.labels, policy.taxonomy, `the milestone merge request of ${current.title}`);
    const reason = "The current milestone has no milestone merge request yet.";
    const target = await reads.defaultBranch(project.path);
    await applyOne(run, { type: "ensure_branch", project: project.path, branch: decision.branch, ref: target, rule: RULE, reason });
    const body = renderTemplate(templateText(policy.templates, run.m.mr.descriptionTemplate), {
      milestone: current.title,
      date: current.dueDate ?? "the milestone's end",
      bot: policy.scope.botUsername,
    });
    const mergeRequest = {
      projectPath: project.path,
      sourceBranch: decision.branch,
      targetBranch: target,
      title: decision.title,
      description: `${body}\n\n${markerComment(milestoneMrMarker(current.title))}`,
      labels: run.m.mr.labels,
      milestoneId: current.id,
    };
    await applyOne(run, { type: "create_merge_request", mergeRequest, rule: RULE, reason });
    run.report.resources.push(
      scopeEntry(run, current, [
        { type: "create_merge_request", project: project.path, title: decision.title, branch: decision.branch, milestone: current.title, rule: RULE, reason },
      ]),
    );
    return;
  }
  if (decision.kind === "merged") return;
  const mr = decision.kind === "ok" ? decision.mr : decision.open[0]!;
  if (decision.missingLabels.length > 0) {
    checkLabelsToAdd(decision.missingLabels, policy.taxonomy, formatRef(mr.ref));
    const reason = "The handbook tags the milestone merge request with the team's labels.";
    await applyOne(run, { type: "add_merge_request_labels", project: project.path, iid: mr.iid, labels: decision.missingLabels, rule: RULE, reason });
    run.report.resources.push({
      ref: formatRef(mr.ref),
      url: mr.webUrl,
      title: mr.title,
      actions: [{ type: "add_labels", labels: decision.missingLabels, rule: RULE, reason }],
      conflicts: [],
    });
  }
  if (decision.kind === "duplicates") {
    const refs = decision.open.map((d) => formatRef(d.ref));
    run.report.resources.push(
      scopeEntry(run, current, [
        { type: "flag_merge_requests", milestone: current.title, refs, problem: `there should be one milestone merge request, not ${refs.length}: merge the changes into ${refs[0]} and close the others`, rule: RULE, reason: "Duplicate milestone merge requests." },
      ]),
    );
  }
}

export async function runMilestones(deps: JobDeps, options: MilestonesJobOptions = {}): Promise<RunReport> {
  const m = deps.policy.milestones;
  if (m === undefined) throw new Error("The milestones job needs policies/milestones.yml (the cadence, the milestone merge request, rollover and the reopen guard).");
  const gl = requireMilestonePlatform(deps.platform, "milestones");
  const notifier = options.notifier ?? openNotifier(deps.policy, { env: options.env ?? deps.config?.urlVariables ?? {}, dryRun: deps.dryRun, logger: deps.logger, require: [m.rollover.slackChannel] });
  if (notifier === null) throw new Error(`The milestones job posts the end-of-milestone list to Slack #${m.rollover.slackChannel}: add policies/notifications.yml with that channel.`);
  const started = deps.clock();
  const startedMs = performance.now();
  const today = deps.calendar.today(started);
  const report: RunReport = emptyRunReport("milestones", deps.dryRun, started);
  const run: Run = { deps, m, gl, group: milestoneGroup(deps.policy), today, report, notifier };
  // The scope's group and the groups above it: the top group's iterations and any kept lower down.
  const all = await gl.milestoneReads.teamMilestones(deps.policy.scope.group, today);
  // Another team's two-week milestone in the same group is not ours: only the team's issues make one
  // titled otherwise count as the team's iteration.
  const usedByTeam = await gl.milestoneReads.milestonesUsedByTeam(teamProjects(deps.policy), milestonesToCheckUsage(m, deps.calendar, today, all));
  const plan = planMilestones(m, deps.calendar, today, all, usedByTeam);
  const step = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      report.errors.push({ ref: what, message: e instanceof Error ? e.message : String(e) });
      deps.logger.warn({ step: what, err: e }, "milestones step failed");
    }
  };

  let planned: (TeamMilestone | undefined)[] = [];
  await step("milestones", async () => {
    planned = await ensureMilestones(run, plan);
  });
  const previous = plan.previous.milestone;
  await step("close guard", async () => {
    const guarded = new Set<number>();
    for (const milestone of [previous, ...planned]) {
      if (milestone === undefined || guarded.has(milestone.id)) continue;
      guarded.add(milestone.id);
      const entry = await guardClosedMilestone({ ...deps, platform: gl }, m, milestone);
      if (entry) report.resources.push(entry);
    }
  });
  const current = planned[0];
  if (current !== undefined && plan.ended.length > 0) {
    // Rollover notes mention the people on each issue: they count against the same daily budget
    // (same ledger, same daily list) as the sweep's and the SLA job's notes.
    await step("rollover", async () => {
      const attention = await openAttention(deps.policy, gl, today, await botUsernameFrom(gl, deps.policy));
      if (attention) run.attention = attention.budget;
      try {
        await rollover(run, plan.ended, current);
      } finally {
        // Notes already posted count, and items already held wait in the daily lists, even when a later write failed.
        if (attention) {
          const written = await attention.close();
          report.resources.push(...written.resources);
          report.errors.push(...written.errors);
        }
      }
    });
  }
  if (current !== undefined) await step("milestone merge request", () => ensureMilestoneMr(run, current));
  await notifier.idle();
  return finishRunReport(report, startedMs, deps.platform);
}

export const milestonesJob: Job = {
  name: "milestones",
  description: "Create the next milestone, keep one milestone merge request, reopen milestones closed too early, and roll open issues over at a milestone's end.",
  run: (deps) => runMilestones(deps),
};
