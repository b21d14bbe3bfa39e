/**
 * The Slack messages the bot posts, in Slack's incoming-webhook format. Pure: rules and jobs build
 * messages with these and the notifier only sends them. People's text (titles) is escaped so it
 * cannot form links or @-notifications in Slack.
 */
import type { SlackMessage } from "../domain/actions.js";

/** Slack's three control characters in text (`&`, `<`, `>`), and no line breaks. */
export function escapeSlack(text: string): string {
  return text.replace(/[\r\n]+/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `<url|text>`: a link whose text is escaped; `|` would end the link text early. */
export function slackLink(url: string, text: string): string {
  return `<${url.replace(/[<>|\s]/g, encodeURIComponent)}|${escapeSlack(text).replace(/\|/g, "¦")}>`;
}

export interface MergeRequestFacts {
  title: string;
  url: string;
  ref: string;
  author: string;
  labels: string[];
}

/** A handbook-update merge request, merged (or just created), for the team's channel. */
export function handbookUpdateMessage(mr: MergeRequestFacts, when: "merged" | "created"): SlackMessage {
  const verb = when === "merged" ? "Handbook update merged" : "New handbook merge request";
  const labels = mr.labels.map((l) => `\`${escapeSlack(l)}\``).join(" ");
  return {
    text: `${verb}: ${escapeSlack(mr.title)} by ${escapeSlack(mr.author)} ${mr.url}`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${verb}:* ${slackLink(mr.url, mr.title)}` } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `${escapeSlack(mr.ref)} · by ${escapeSlack(mr.author)}${labels ? ` · ${labels}` : ""}` }],
      },
    ],
  };
}

export interface MovedIssue {
  ref: string;
  url: string;
  title: string;
  assignees: string[];
  /** The issue had already moved at the end of the milestone before. */
  movedBefore: boolean;
}

/** The end-of-milestone thread: which issues moved to the next milestone (the why is in each issue). */
/** `ended`: the milestone that ended, or several when runs were missed (oldest first). */
export function rolloverMessage(ended: string | string[], next: string, moved: MovedIssue[]): SlackMessage {
  const titles = typeof ended === "string" ? [ended] : ended;
  const head = `${titles.map(escapeSlack).join(" and ")} ${titles.length === 1 ? "has" : "have"} ended: ${moved.length} open ${moved.length === 1 ? "issue moves" : "issues move"} to ${escapeSlack(next)}. The reason for each move is in the issue.`;
  const lines = moved.map(
    (m) =>
      `• ${slackLink(m.url, m.title)} (${escapeSlack(m.ref)})${m.assignees.length ? ` · ${m.assignees.map(escapeSlack).join(", ")}` : " · unassigned"}${m.movedBefore ? " · :warning: moved twice in a row" : ""}`,
  );
  const text = [head, ...moved.map((m) => `• ${escapeSlack(m.title)} ${m.url}${m.movedBefore ? " (moved twice in a row)" : ""}`)].join("\n");
  // Slack limits a section to 3000 characters: long lists are split over several sections.
  const sections: string[] = [];
  let current = "";
  for (const line of lines) {
    if (current.length + line.length + 1 > 2900) {
      sections.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push(current);
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `*${head}*` } }, ...sections.map((s) => ({ type: "section", text: { type: "mrkdwn", text: s } }))],
  };
}
