/**
 * Posting a triage summary to Slack, at most once per list. The summary issue is the memory: a bot
 * note on it carries a marker keyed by the list's content (`triage-summary-slack:<rule>:<hash>`).
 *
 * Order: the note is written first, then the message is posted. If the post fails for good, the
 * note is edited to give the post back (it then also carries a retry marker) and the next sweep
 * posts again. A run that dies between the note and the post loses that one post rather than
 * sending it twice: the team sees the list in the summary issue either way, and a Slack channel
 * never gets the same list twice. An unchanged list finds its note and posts nothing.
 */
import type { ScopeAction } from "../domain/actions.js";
import { markerComment } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { neutraliseInline } from "../domain/text.js";
import { slackRetryMarker } from "../engine/plan.js";
import { ensuredNoteOf } from "../engine/scopePlan.js";
import type { SummaryDef, TriageRuleDef } from "../policy/compile/triage.js";
import type { CompiledPolicy } from "../policy/model.js";
import type { Notifier } from "../notify/types.js";
import { publicSlackReason } from "../notify/publicReason.js";
import { type SlackSummary, slackSummaryMessage } from "./summaries.js";
import type { ScopePlatform } from "../engine/scopePlatform.js";

export interface SummaryPostDeps {
  platform: ScopePlatform;
  policy: CompiledPolicy;
  /** Null when the policies configure no Slack (no notifications.yml). */
  notifier: Notifier | null;
}

export interface SummaryPostOutcome {
  /** The post made (or printed in a dry run); null when nothing was posted. */
  action: ScopeAction | null;
  /** Why the post could not be made; the summary issue is kept up to date regardless. */
  error: string | null;
}

const NOTHING: SummaryPostOutcome = { action: null, error: null };

/** Whether the bot's notes on the summary issue record this list as posted (and not given back). */
async function alreadyPosted(platform: ScopePlatform, issue: ResourceSnapshot, marker: string): Promise<boolean> {
  const [me, notes] = await Promise.all([platform.currentUser(), platform.notes(issue)]);
  const retry = slackRetryMarker(marker);
  return notes.some((n) => !n.system && n.author.id === me.id && n.botMarkers.includes(marker) && !n.botMarkers.includes(retry));
}

/** The bot's note on the summary issue that records the post (or gives it back), through the scope apply. */
async function recordOnIssue(platform: ScopePlatform, issue: ResourceSnapshot, marker: string, body: string, post: ScopeAction): Promise<void> {
  ensuredNoteOf((await platform.applyScope({ actions: [{ type: "ensure_note", target: issue, marker, body, rule: post.rule, reason: post.reason }] })).outcomes[0]);
}

function missingChannelMessage(policy: CompiledPolicy, channel: string, rule: string): string {
  const variable = policy.notifications?.channels[channel]?.webhookEnv;
  if (variable === undefined) return `The summary of ${rule} posts to Slack #${channel}, but notifications.yml does not define that channel: add it. The summary issue was still kept up to date.`;
  return `The summary of ${rule} posts to Slack #${channel}, but the environment variable ${variable} (its incoming-webhook URL) is not set. Set it; the summary issue was still kept up to date, and the list is posted on the next sweep.`;
}

/**
 * Posts the list to the rule's Slack channel unless the summary issue already records this exact
 * list as posted. `issue` is the summary issue (null when a dry run would create it).
 */
export async function ensureSummaryPost(def: TriageRuleDef, summary: SummaryDef, slack: SlackSummary, issue: ResourceSnapshot | null, deps: SummaryPostDeps): Promise<SummaryPostOutcome> {
  const channel = summary.slack?.channel;
  if (channel === undefined || slack.count === 0) return NOTHING;
  const rule = `triage:${def.id}`;
  const notifier = deps.notifier;
  if (notifier === null || !notifier.channels.includes(channel)) return { action: null, error: missingChannelMessage(deps.policy, channel, rule) };
  if (issue === null && !notifier.dryRun) return NOTHING;
  if (issue !== null && (await alreadyPosted(deps.platform, issue, slack.marker))) return NOTHING;

  const message = slackSummaryMessage(slack, issue && { url: issue.webUrl, ref: `${issue.projectPath}#${issue.iid}` });
  const action: ScopeAction = { type: "post_slack", channel: `#${channel}`, marker: slack.marker, text: message.text, rule, reason: `${def.description} (${slack.count} selected); this list was not posted yet.` };
  if (notifier.dryRun) {
    await notifier.post(channel, message);
    return { action, error: null };
  }
  // Record first: a crash after this line loses one post instead of sending it twice.
  await recordOnIssue(deps.platform, issue!, slack.marker, `Posted this list (${slack.count} item(s)) to Slack #${channel}.`, action);
  const outcome = await notifier.post(channel, message);
  if (outcome.ok) return { action, error: null };
  const reason = neutraliseInline(outcome.error ?? "unknown error");
  const publicReason = publicSlackReason(outcome.error ?? "");
  await recordOnIssue(deps.platform, issue!, slack.marker, `The Slack post of this list to #${channel} failed (${publicReason}); it will be tried again on the next sweep.\n\n${markerComment(slackRetryMarker(slack.marker))}`, action);
  return { action: null, error: `Posting the summary of ${rule} to Slack #${channel} failed: ${reason}. It will be tried again on the next sweep.` };
}
