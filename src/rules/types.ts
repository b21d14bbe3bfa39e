/**
 * Rules are pure functions of a snapshot and a context. They do no I/O, never read the wall
 * clock, and never know whether the snapshot came from a webhook or a sweep.
 */
import type { Action } from "../domain/actions.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import type { MilestoneInfo, ResourceKind, ResourceSnapshot, SnapshotNeeds, UserRef } from "../domain/snapshot.js";
import type { CompiledPolicy } from "../policy/model.js";

export interface RuleContext {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
  /** The moment the reconcile runs, from the injected clock. */
  now: Date;
  /** The team's milestones, when the rules that run need them. */
  milestones: MilestoneInfo[];
  /**
   * The bot's GitLab username as GitLab reports it (`/user`); scope.yml's bot_username when
   * unknown. Commands address it, and its own moves and notes are told apart by it.
   */
  botUsername?: string;
  /** GitLab user ids by username, resolved once per run for rules that assign people from people.yml. */
  userIds?: Record<string, number>;
  /**
   * Label spellings the team's GitLab uses on more issues and merge requests than labels.yml's
   * (src/labels/spelling.ts): alias repair leaves them alone, so a board that already follows
   * another spelling is not relabelled issue by issue; `labels sync` proposes the policy change.
   */
  boardSpellings?: ReadonlySet<string>;
  /** Counts, per run, the resources a rule with a `limit` acts on; absent = no limit applies. */
  budget?: RuleBudget;
}

/** Shared by the rules of one run: `take` says whether the rule may act on one more resource. */
export interface RuleBudget {
  take(ruleId: string, limit: number): boolean;
}

/** The bot's username for this run. */
export function botUsernameOf(ctx: RuleContext): string {
  return ctx.botUsername ?? ctx.policy.scope.botUsername;
}

/** Whether `user` is the bot itself (GitLab usernames are case-insensitive). */
export function isBot(user: UserRef | null | undefined, ctx: RuleContext): boolean {
  return user != null && user.username.toLowerCase() === botUsernameOf(ctx).toLowerCase();
}

/** Whether `username` is in people.yml's `group` (GitLab usernames are case-insensitive). */
export function inGroup(policy: CompiledPolicy, group: string, username: string): boolean {
  return (policy.people[group] ?? []).some((u) => u.toLowerCase() === username.toLowerCase());
}

/**
 * The names a command may address the bot by: scope.yml's `bot_username` (what the README and the
 * bot's notes show, e.g. `@mops-bot`) and the token user's real username, when GitLab names it
 * differently (a project or group access token's user is called e.g. `project_42_bot_…`: gitlabhq
 * app/services/resource_access_tokens/create_service.rb, `username_prefix: "#{resource_type}_#{resource.id}_bot"`).
 */
export function botMentionNamesOf(ctx: RuleContext): string[] {
  const names = [ctx.policy.scope.botUsername, botUsernameOf(ctx)];
  return names.filter((n, i) => names.findIndex((o) => o.toLowerCase() === n.toLowerCase()) === i);
}

export interface Rule {
  /** Stable id, used in reports, markers and `--only`. */
  id: string;
  description: string;
  appliesTo: ResourceKind[];
  /**
   * Whether the rule also acts on issues and merge requests the bot created itself (audits,
   * milestone merge requests; see isBotMade): true for housekeeping that keeps labels tidy or
   * announces a merge. Absent (the default) means they are documents, not work, for this rule.
   */
  onBotDocuments?: boolean;
  /**
   * Whether the rule's notes judge a person's edits of the resource (a stage's requirements): on
   * the webhook path they wait a short settle time, so a person filling in the fields one by one
   * gets one note at most, or none. Repairs never wait.
   */
  settles?: boolean;
  /**
   * Whether the rule's notes describe the resource as it is (a stage's missing requirements): when
   * the same plan changes what they describe (a milestone rollover), the note is worded on the
   * state the plan leaves, never on the one it replaces. Absent: worded as first said (a reply to
   * a command speaks of the state the command found).
   */
  describesState?: boolean;
  /**
   * History this rule needs for this snapshot. Called before evaluate() with the listed snapshot,
   * so history is fetched only for resources whose outcome depends on it.
   */
  needs(snapshot: ResourceSnapshot, ctx: RuleContext): SnapshotNeeds;
  evaluate(snapshot: ResourceSnapshot, ctx: RuleContext): Action[];
}

/** A rule kind turns the compiled policy into concrete rules (e.g. one per workflow file). */
export interface RuleFactory {
  kind: string;
  create(policy: CompiledPolicy): Rule[];
}
