/**
 * Making text safe to post into GitLab.
 *
 * GitLab runs quick actions (`/close`, `/label ~x`, ...) found at the start of a line in notes and
 * descriptions created through the API, and turns `@name` into a notification. The bot posts text
 * that mixes its own words with text people wrote (titles, descriptions, usernames), so:
 * - user text is made inline (no line breaks) and its `@` cannot form a mention;
 * - the final body has no line that starts with `/`, inside code fences or not.
 */

/** Zero-width space: invisible, but GitLab no longer sees a command or a mention behind it. */
const ZWSP = "\u200B";

/** User-written text placed inside a bot sentence: one line, no mentions, no quick actions. */
export function neutraliseInline(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .replace(/@/g, `@${ZWSP}`)
    .replace(/^(\s*)\//, `$1${ZWSP}/`)
    .trim();
}

/**
 * Break every quick action in a body the bot is about to post: a line whose first non-blank
 * character is `/` gets a zero-width space before the slash. This holds inside code fences too:
 * GitLab's extractor (lib/gitlab/quick_actions/extractor.rb) exempts only what its own regex takes
 * for code (a ``` block starting in column 0, a `>>>` quote, an HTML block, text between backticks),
 * not `~~~` fences or indented ``` lines, so any exemption here would be a guess about GitLab that
 * can be wrong. The zero-width space is invisible, and copying code out of a bot note is rare.
 * GitLab deletes `\r` before matching, so `\r` counts as blank here.
 */
export function neutraliseQuickActions(body: string): string {
  return body
    .split("\n")
    .map((line) => line.replace(/^(\s*)\//, `$1${ZWSP}/`))
    .join("\n");
}

/**
 * `@a @b` for the people a note is for: each person once (GitLab usernames are case-insensitive),
 * in the order given, and never the bot itself (`bot`), so a note never mentions someone twice
 * because they hold two roles (assignee and DRI) and never pings the bot's own account.
 */
export function mentionEach(usernames: Iterable<string>, bot?: string): string {
  const seen = new Set<string>(bot ? [bot.toLowerCase()] : []);
  const out: string[] = [];
  for (const u of usernames) {
    const key = u.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(mention(u));
  }
  return out.join(" ");
}

/** `@username` for a GitLab username the bot got from the API (not from free text). */
export function mention(username: string): string {
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(username)) return neutraliseInline(username);
  return `@${username}`;
}

/**
 * The people a note mentions: GitLab notifies each `@username` in a note (and in an issue's
 * description) that is not inside code. Usernames follow GitLab's rules (letters, digits, `_`,
 * `.`, `-`); an `@` inside a word (an email address) is no mention.
 */
const MENTION = /(^|[^A-Za-z0-9_.`@-])@([A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9_])/g;

/** Usernames mentioned in `text`, lower-cased, once each, in order; code spans and blocks do not count. */
export function mentionedIn(text: string): string[] {
  const plain = text.replace(/```[\s\S]*?```/g, " ").replace(/`[^`\n]*`/g, " ");
  const out: string[] = [];
  for (const m of plain.matchAll(MENTION)) {
    const name = m[2]!.toLowerCase();
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
