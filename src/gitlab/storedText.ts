/**
 * Text as GitLab stores it. Descriptions and comments pass through GitLab's quick-action extractor
 * on every create and edit (app/services/issuable_base_service.rb `merge_quick_actions_into_params!`,
 * app/services/notes/quick_actions_service.rb), which deletes every carriage return and strips
 * trailing whitespace (lib/gitlab/quick_actions/extractor.rb `perform_regex`: `content.delete!("\r")`,
 * `content.rstrip`). The bot compares what it would write in that form with what GitLab returns, so
 * a text that differs only there is not written again on every run.
 */

/** Ruby's `String#rstrip` set: whitespace and NUL, nothing else (JavaScript's trimEnd strips more). */
const TRAILING = /[ \t\n\v\f\r\0]+$/;

export function asGitLabStores(text: string): string {
  return text.replace(/\r/g, "").replace(TRAILING, "");
}

/** Whether writing `wanted` over `stored` would leave GitLab's text as it is. */
export function sameStoredText(stored: string, wanted: string): boolean {
  return asGitLabStores(stored) === asGitLabStores(wanted);
}
