/** Loads policies/templates/*.md and checks that they use only known placeholders. */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { FREE_TEXT_PLACEHOLDERS, PLACEHOLDERS, isPlaceholder, placeholderUses } from "./placeholders.js";
import { readPolicyText, type ProblemSink } from "./source.js";
import { didYouMean } from "./suggest.js";

export async function loadTemplates(dir: string, displayDir: string, sink: ProblemSink): Promise<Record<string, string>> {
  const templatesDir = path.join(dir, "templates");
  let names: string[];
  try {
    names = (await readdir(templatesDir)).filter((n) => n.endsWith(".md")).sort();
  } catch {
    return {};
  }
  const templates: Record<string, string> = {};
  for (const name of names) {
    const file = path.join(displayDir, "templates", name);
    const text = await readPolicyText(path.join(templatesDir, name), file, sink);
    if (text === undefined) continue;
    if (text.trim() === "") sink.add(file, { line: 1, col: 1 }, "the template is empty: write the note's text");
    for (const use of placeholderUses(text)) {
      if (!use.closed) {
        sink.add(file, use, "placeholder is not closed: write {{name}} on one line");
      } else if (!isPlaceholder(use.name)) {
        const hint = didYouMean(use.name, PLACEHOLDERS) || ` — allowed: ${PLACEHOLDERS.join(", ")}`;
        sink.add(file, use, `unknown placeholder '{{${use.name}}}'${hint}`);
      }
    }
    checkQuickActionLines(file, text, sink);
    templates[name.slice(0, -3)] = text;
  }
  return templates;
}

/**
 * GitLab runs a line that starts with `/` and a command word as a quick action, at the start of the
 * line, in a ~~~ fence too (`commands_regex` in lib/gitlab/quick_actions/extractor.rb). The renderer
 * breaks every such line anyway, so a template line that starts one is a mistake to fix in the
 * template; an indented line or a path such as `/handbook/…` GitLab would not run is left alone.
 */
function checkQuickActionLines(file: string, text: string, sink: ProblemSink): void {
  text.split("\n").forEach((line, i) => {
    const lead = /^\s*/.exec(line)![0].length;
    const rest = line.slice(lead);
    if (lead === 0 && /^\/[A-Za-z]+(\s|$)/.test(line)) {
      sink.add(file, { line: i + 1, col: lead + 1 }, `this line starts with '${rest.split(/\s/)[0]}', which GitLab would run as a quick action: put it in backticks or reword the line so it does not start with '/'`);
      return;
    }
    const placeholder = /^\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/.exec(rest)?.[1];
    if (placeholder !== undefined && FREE_TEXT_PLACEHOLDERS.has(placeholder)) {
      sink.add(file, { line: i + 1, col: lead + 1 }, `{{${placeholder}}} starts the line, and its value may start with '/', which GitLab would run as a quick action: put words before it on the line`);
    }
  });
}
