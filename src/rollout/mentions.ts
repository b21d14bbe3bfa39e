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
