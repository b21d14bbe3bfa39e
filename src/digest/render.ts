/**
 * The weekly digest's content, built purely: the week's key, the sections as markdown for the
 * digest issue, and the Slack message that links to it. Every line links to its issue.
 */
import type { SlackMessage } from "../domain/actions.js";
import { epochDay, fromEpochDay, isoWeekdayOfEpochDay, parseIsoDate } from "../domain/calendar/dates.js";
import { neutraliseInline } from "../domain/text.js";
import { escapeSlack, slackLink } from "../notify/messages.js";

export interface DigestItem {
  /** `group/project#12`, or empty for an item with no issue (a renewal not opened yet). */
  ref: string;
  url: string;
  title: string;
  /** What makes it worth reading, e.g. "in triage for 7 business days". */
  detail: string;
}

export interface DigestSection {
  title: string;
  items: DigestItem[];
  /** Said when the section is empty. */
  none: string;
  /** The full list in GitLab, linked when the section is cut short. */
  moreUrl?: string;
}

/** The ISO week of a local date, `2026-W47` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekKey(date: string): string {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new Error(`"${date}" is not a date written YYYY-MM-DD.`);
  const day = epochDay(parsed);
  const thursday = day - isoWeekdayOfEpochDay(day) + 4;
  const year = fromEpochDay(thursday).year;
  const firstThursdayWeekStart = epochDay({ year, month: 1, day: 4 });
  const week = Math.floor((thursday - (firstThursdayWeekStart - isoWeekdayOfEpochDay(firstThursdayWeekStart) + 4)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

function markdownItem(i: DigestItem): string {
  const title = neutraliseInline(i.title).replace(/[[\]]/g, "");
  const link = i.url ? `[${title}](${i.url})` : title;
  return `- ${link}${i.ref ? ` (${i.ref})` : ""} — ${neutraliseInline(i.detail)}`;
}

/** The sections as markdown, each list cut at `max` items with a link to the full list. */
export function renderSectionsMarkdown(sections: DigestSection[], max: number): string {
  return sections
    .map((s) => {
      const head = `### ${s.title} (${s.items.length})`;
      if (s.items.length === 0) return `${head}\n\n${s.none}`;
      const shown = s.items.slice(0, max).map(markdownItem);
      const rest = s.items.length - shown.length;
      if (rest > 0) shown.push(s.moreUrl ? `- ... and [${rest} more](${s.moreUrl})` : `- ... and ${rest} more`);
      return `${head}\n\n${shown.join("\n")}`;
    })
    .join("\n\n");
}

/** The Slack message: one line per section with its count, the first items linked, and the digest issue. */
export function digestSlackMessage(week: string, sections: DigestSection[], issueUrl: string | null, perSection = 5): SlackMessage {
  const head = `*Marketing Operations digest, week ${escapeSlack(week)}*${issueUrl ? ` — ${slackLink(issueUrl, "full digest issue")}` : ""}`;
  const lines = sections.map((s) => {
    const items = s.items.slice(0, perSection).map((i) => `    • ${i.url ? slackLink(i.url, i.title) : escapeSlack(i.title)} — ${escapeSlack(i.detail)}`);
    const more = s.items.length > perSection ? [`    • ... and ${s.items.length - perSection} more in the digest issue`] : [];
    return [`• ${escapeSlack(s.title)}: *${s.items.length}*`, ...items, ...more].join("\n");
  });
  const text = [`Marketing Operations digest, week ${week}: ${sections.map((s) => `${s.title.toLowerCase()} ${s.items.length}`).join(", ")}.`, issueUrl ?? ""].filter(Boolean).join(" ");
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: [head, ...lines].join("\n") } }] };
}
