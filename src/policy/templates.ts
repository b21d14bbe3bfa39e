/** Loads policies/templates/*.md and checks that they use only known placeholders. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { PLACEHOLDERS, isPlaceholder, placeholderUses } from "./placeholders.js";
import type { ProblemSink } from "./source.js";
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
    const text = await readFile(path.join(templatesDir, name), "utf8");
    if (text.trim() === "") sink.add(file, { line: 1, col: 1 }, "the template is empty: write the note's text");
    for (const use of placeholderUses(text)) {
      if (!use.closed) {
        sink.add(file, use, "placeholder is not closed: write {{name}} on one line");
      } else if (!isPlaceholder(use.name)) {
        const hint = didYouMean(use.name, PLACEHOLDERS) || ` — allowed: ${PLACEHOLDERS.join(", ")}`;
        sink.add(file, use, `unknown placeholder '{{${use.name}}}'${hint}`);
      }
    }
    templates[name.slice(0, -3)] = text;
  }
  return templates;
}
