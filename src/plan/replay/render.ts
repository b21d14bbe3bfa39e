/**
 * The replay as markdown: one row per day of the window, totals, the busiest day and the person
 * mentioned most, then what the replay cannot rebuild. Usernames are printed without `@` so the
 * merge request comment pings nobody.
 */
import { neutraliseInline, neutraliseQuickActions } from "../../domain/text.js";
import type { ReplayReport } from "./compute.js";
import type { ReplayDay, ReplayTally } from "./tally.js";

type Count = "notes" | "mentions" | "labelChanges" | "slackPosts";
const COLUMNS: [Count, string][] = [
  ["notes", "Notes"],
  ["mentions", "Mentions"],
  ["labelChanges", "Label changes"],
  ["slackPosts", "Slack posts"],
];

/** Inline code, one line: GitLab turns no mention or quick action inside it. */
const code = (text: string) => `\`${text.replace(/[\r\n]+/g, " ").replace(/`/g, "'")}\``;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `3`, or `3 → 5` when comparing (before → after). */
function cell(after: number, before: number | undefined): string {
  return before === undefined || before === after ? String(after) : `${before} → ${after}`;
}

function dayLabel(d: ReplayDay): string {
  const weekday = new Date(`${d.date}T12:00:00Z`).toLocaleDateString("en-US", { weekday: "short", timeZone: "UTC" });
  return `${d.date} ${weekday}${d.sweep ? "" : " (no sweep)"}`;
}

function summary(tally: ReplayTally): string {
  const busiest = tally.busiestDay ? `${tally.busiestDay.date} (${plural(tally.busiestDay.notes, "note")})` : "none (no notes)";
  const person = tally.mostMentioned
    ? `${code(tally.mostMentioned.username)} (${plural(tally.mostMentioned.mentions, "mention")}, at most ${tally.mostMentioned.maxOnOneDay} on one day)`
    : "nobody";
  return `busiest day ${busiest}; most-mentioned person ${person}`;
}

function byRule(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([rule, n]) => `${code(rule)} ${n}`).join(", ");
}

/** What cannot be rebuilt from GitLab's events, and what that does to the counts. */
const REPLAY_FOOTNOTE = [
  "What the replay cannot rebuild: GitLab keeps events for labels, state (closed, reopened, merged) and milestones only, so assignees, due dates, titles, descriptions and confidentiality are taken as they are today on every day replayed.",
  "Rules that look at them (a stage's missing assignee, an overdue due date) are judged on today's values: an issue assigned last week counts as assigned all month, so such notes may be under- or over-counted.",
  "The bot's own past label changes and notes in the window are set aside and replaced by what these policies would have done; people's changes are replayed as they happened.",
  "Replayed: the nightly sweep (all rules, SLA clocks included, once a day instead of hourly) and the webhook path at each recorded change (with its settle time); not replayed: the SLA report issue, triage summaries, the digest, tool audits and the milestone rollover.",
];

export function renderReplayMarkdown(report: ReplayReport, options: { heading?: string } = {}): string {
  const { after, before } = report;
  const lines: string[] = [options.heading ?? `### mops-bot plan --replay ${report.days}d: what the bot would have done`, ""];
  const compared = before ? ` Before → after compares ${code(report.base ?? "the base")} with ${code(report.dir)}.` : "";
  lines.push(
    `Replayed the policies in ${code(report.dir)} over the last ${plural(report.days, "day")} (${report.from.slice(0, 10)} to ${report.to.slice(0, 10)}) of ${code(report.group)}: ` +
      `${plural(after.resources, "issue or merge request", "issues and merge requests")}, the nightly sweep at ${after.sweepAt} on ${plural(after.sweeps, "working day")}, ` +
      `and ${plural(after.events, "recorded change")} by people. Nothing was changed in GitLab.${compared}`,
    "",
  );
  if (report.baseUnavailable) lines.push(`The base could not be replayed (${report.baseUnavailable}); only the new policies are shown.`, "");
  if (report.source.sampled) {
    lines.push(
      `**Sampled:** ${report.source.sampled.of} issues and merge requests were open during the window, more than the maximum of ${report.source.maxResources}; ` +
        `the ${report.source.sampled.kept} most recently updated were replayed, so the counts are lower than the whole board's. Raise \`--max-resources\` to replay more.`,
      "",
    );
  }
  const beforeDays = new Map((before?.tally.days ?? []).map((d) => [d.date, d]));
  lines.push(`| Day | ${COLUMNS.map(([, h]) => h).join(" | ")} |`, `| --- |${COLUMNS.map(() => " ---: |").join("")}`);
  for (const d of after.tally.days) {
    const b = before ? beforeDays.get(d.date) : undefined;
    lines.push(`| ${dayLabel(d)} | ${COLUMNS.map(([k]) => cell(d[k], before ? (b?.[k] ?? 0) : undefined)).join(" | ")} |`);
  }
  lines.push(`| **Total** | ${COLUMNS.map(([k]) => `**${cell(after.tally.totals[k], before?.tally.totals[k])}**`).join(" | ")} |`, "");
  if (before) {
    lines.push(`Before: ${summary(before.tally)}.`, "", `After: ${summary(after.tally)}.`, "");
  } else {
    lines.push(`The ${summary(after.tally)}.`, "");
  }
  lines.push(`Label changes by rule: ${byRule(after.tally.labelChangesByRule)}.`, "");
  if (before) lines.push(`Before, label changes by rule: ${byRule(before.tally.labelChangesByRule)}.`, "");
  const errors = [...(before?.errors ?? []), ...after.errors];
  if (errors.length > 0) {
    lines.push(`**${plural(errors.length, "resource")} could not be replayed at some moments** (nothing is counted for them then):`, "");
    for (const e of errors.slice(0, 10)) lines.push(`- ${neutraliseInline(e.ref)} at ${e.at.slice(0, 16)}: ${neutraliseInline(e.message)}`);
    lines.push("");
  }
  for (const u of report.source.unreadable) {
    lines.push(`GitLab did not give the ${u.history} of ${plural(u.resources, "resource")} (${neutraliseInline(u.reason)}); they were replayed as if there were none.`, "");
  }
  lines.push(...REPLAY_FOOTNOTE.map((f, i) => `${i === 0 ? "Note: " : ""}${f}`).join("\n\n").split("\n"));
  return neutraliseQuickActions(lines.join("\n").trimEnd());
}
