/**
 * The cases of GitLab's own extractor spec (spec/lib/gitlab/quick_actions/extractor_spec.rb), run
 * against the fake GitLab's port of lib/gitlab/quick_actions/extractor.rb: first that the port finds
 * the commands GitLab finds (so it can stand for GitLab), then that nothing is left for it to find
 * once the bot's neutraliser has run, inside code fences or not.
 */
import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../../src/domain/templates.js";
import { neutraliseQuickActions } from "../../../src/domain/text.js";
import { extractQuickActions } from "../../support/fakeGitlab/quickActions.js";

const commandsIn = (text: string) => extractQuickActions(text).commands.map((c) => (c.args ? [c.name, c.args] : [c.name]));

/** [case, text, the commands GitLab extracts from it as written]. */
const EXTRACTOR_CASES: [string, string, string[][]][] = [
  ["no argument at the start", "/reopen\nworld", [["reopen"]]],
  ["no argument in the middle", "hello\n/reopen\nworld", [["reopen"]]],
  ["no argument at the end", "hello\n/reopen", [["reopen"]]],
  ["one argument at the start", "/assign @joe\nworld", [["assign", "@joe"]]],
  ["slash in arguments", "/assign @joe / @jane\nworld", [["assign", "@joe / @jane"]]],
  ["one argument in the middle", "hello\n/assign @joe\nworld", [["assign", "@joe"]]],
  ["several arguments", 'hello\n/label ~foo ~"bar baz" label\nworld', [["label", '~foo ~"bar baz" label']]],
  ["case insensitive", 'hello\n/LaBeL ~"bar baz.2"\nworld', [["label", '~"bar baz.2"']]],
  ["several commands", "hello\n/close\nworld\n/due tomorrow", [["close"], ["due", "tomorrow"]]],
  ["CRLF line ends", "hello\r\n/close\r\nworld", [["close"]]],
  ["in the middle of a line", "hello\nworld /reopen", []],
  ["argument not separated by a space", "hello\n/assign@joe\nworld", []],
  ["no command", "Fixes #123", []],
  ["inside a ``` block", "Hello\r\n```\r\nThis is some text\r\n/close\r\n/assign @user\r\n```\r\n\r\nWorld", []],
  ["inside a >>> quote", "Hello\r\n>>>\r\nThis is some text\r\n/close\r\n/assign @user\r\n>>>\r\n\r\nWorld", []],
  ["inside an HTML block", "Hello\r\n<div>\r\nThis is some text\r\n/close\r\n/assign @user\r\n</div>\r\n\r\nWorld", []],
  // Not code to GitLab's regex, though markdown renders them as code blocks:
  ["inside a ~~~ fence", "Template:\n~~~\n/close\n/due in 2 days\n~~~", [["close"], ["due", "in 2 days"]]],
  ["inside an indented >>> quote", "List:\n  >>>\n/close\n  >>>", [["close"]]],
  ["after a ``` block whose closing line has text after the marker", "Code:\n```sh\n``` end\n/close", [["close"]]],
];

describe("GitLab's quick action extractor, as the fake GitLab ports it", () => {
  it.each(EXTRACTOR_CASES)("%s", (_, text, expected) => {
    expect(commandsIn(text)).toEqual(expected);
  });
});

describe("neutraliseQuickActions", () => {
  it.each(EXTRACTOR_CASES)("leaves GitLab nothing to run: %s", (_, text) => {
    expect(commandsIn(neutraliseQuickActions(text))).toEqual([]);
  });

  it("breaks every line that starts with a slash, in fences or not, indented or not", () => {
    const body = "a\n/close\n  /label ~x\n```\n/in-code\n```\n~~~\n/due today\n~~~\n\t/reopen";
    const lines = neutraliseQuickActions(body).split("\n");
    expect(lines.filter((l) => /^\s*\//.test(l))).toEqual([]);
    // Only the slash lines changed, and only by the invisible space.
    expect(lines.join("\n").replace(/\u200B/g, "")).toBe(body);
  });

  it("is idempotent, so a note compared with what GitLab stored is unchanged", () => {
    const once = neutraliseQuickActions("~~~\n/close\n~~~");
    expect(neutraliseQuickActions(once)).toBe(once);
  });

  it("keeps a template's /close inside ~~~ and a title that opens a fence from running", () => {
    const out = renderTemplate("{{title}}\n~~~\n/close\n~~~\n/due tomorrow", { title: "~~~" });
    expect(commandsIn(out)).toEqual([]);
  });
});
