/**
 * Hidden markers are the bot's memory in GitLab: `<!-- mops-bot:KEY -->` in a note or in the
 * description of an issue it created. Finding the marker again is how a rerun knows the work
 * was already done.
 */

/** The characters a marker key may hold. */
const KEY_CHARS = "A-Za-z0-9_.:/@#%!=+-";
const MARKER_SOURCE = `<!--\\s*mops-bot:([${KEY_CHARS}]+)\\s*-->`;
const MARKER_RE = new RegExp(MARKER_SOURCE, "g");
const KEY_RE = new RegExp(`^[${KEY_CHARS}]+$`);
const NOT_KEY_RE = new RegExp(`[^${KEY_CHARS}]+`, "g");
/** A line holding one marker and nothing else: where the bot puts the markers of what it wrote. */
const MARKER_LINE_RE = new RegExp(`^\\s*${MARKER_SOURCE}\\s*$`);

export function markerComment(key: string): string {
  if (!KEY_RE.test(key)) {
    throw new Error(`Invalid marker key "${key}": use letters, digits and _.:/@#%!=+- only.`);
  }
  return `<!-- mops-bot:${key} -->`;
}

export function markersIn(text: string): string[] {
  return [...text.matchAll(MARKER_RE)].map((m) => m[1]!);
}

/**
 * Markers in the description of an issue or merge request the bot wrote: only those on a line of
 * their own, which is where the bot puts them. The bot's reports list issue titles inline, so a
 * person's title carrying a marker never stands for the report's own.
 */
export function descriptionMarkersIn(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => MARKER_LINE_RE.test(line))
    .flatMap(markersIn);
}

/** Anything a reader could take for a marker, in any spelling GitLab would keep hidden. */
const MARKER_LIKE_RE = /<!--\s*mops-bot\s*:[\s\S]*?-->/gi;

/**
 * Text people wrote (a title, a description, a comment) without anything that looks like a marker.
 * The bot quotes such text in its own notes and issues, where a marker would count as its own.
 */
export function stripMarkers(text: string): string {
  return text.replace(MARKER_LIKE_RE, "");
}

/**
 * Builds a marker key from free-form parts (label names, rule ids): each part is reduced to the
 * characters a marker allows, so `MktgOps::04: In Progress` becomes `MktgOps::04:-In-Progress`.
 */
export function markerKey(...parts: string[]): string {
  return parts.map((p) => p.replace(NOT_KEY_RE, "-")).join(":");
}

/**
 * Markers of the report issues the bot keeps up to date itself (triage summaries, the SLA report,
 * weekly digests). Those issues are documents, not work: no rule acts on them, or the bot would
 * triage its own reports.
 */
export const REPORT_MARKER_PREFIXES = ["triage-summary", "sla-report", "digest", "adoption-report", "daily-list"] as const;

export function isBotReport(resource: { description: string; author: { username: string } }, botUsername: string): boolean {
  // GitLab usernames are case-insensitive: the same test as isBotMade, then a report's marker.
  if (!isBotMade(resource, botUsername)) return false;
  return descriptionMarkersIn(resource.description).some((m) => REPORT_MARKER_PREFIXES.some((p) => m === p || m.startsWith(`${p}:`)));
}

/**
 * Whether the bot created this issue or merge request itself (a tool audit, a report, a digest, a
 * milestone merge request): the bot is its author and its description carries one of the bot's
 * markers. Such resources are documents, not work: workflow, triage, SLA and intake rules leave
 * them alone (see Rule.onBotDocuments), or the bot would triage, prioritise and chase itself.
 * A person's issue that merely quotes a marker is not one: the author must be the bot.
 */
export function isBotMade(resource: { description: string; author: { username: string } }, botUsername: string): boolean {
  if (resource.author.username.toLowerCase() !== botUsername.toLowerCase()) return false;
  return descriptionMarkersIn(resource.description).length > 0;
}
