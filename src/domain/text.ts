/**
 * Making text safe to post into GitLab.
 *
 * GitLab runs quick actions (`/close`, `/label ~x`, ...) found at the start of a line in notes and
 * descriptions created through the API, and turns `@name` into a notification. The bot posts text
 * that mixes its own words with text people wrote (titles, descriptions, usernames), so:
 * - user text is made inline (no line breaks) and its `@` cannot form a mention;
 * - the final body has no line that starts with `/` outside a fenced code block.
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
 * character is `/` gets a zero-width space before the slash. Lines inside ``` or ~~~ fences are
 * left alone (GitLab does not execute them, and code should stay copyable).
 */
export function neutraliseQuickActions(body: string): string {
  let fence: string | null = null;
  return body
    .split("\n")
    .map((line) => {
      const f = /^\s*(```+|~~~+)/.exec(line);
      if (f) {
        const mark = f[1]!.slice(0, 3);
        if (fence === null) fence = mark;
        else if (fence === mark) fence = null;
        return line;
      }
      if (fence !== null) return line;
      return line.replace(/^(\s*)\//, `$1${ZWSP}/`);
    })
    .join("\n");
}

/** `@username` for a GitLab username the bot got from the API (not from free text). */
export function mention(username: string): string {
  if (!/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(username)) return neutraliseInline(username);
  return `@${username}`;
}
