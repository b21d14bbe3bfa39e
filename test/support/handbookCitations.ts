import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Citations of the handbook in policy comments and docs, written as
 *   000_3a3b18768e4599ed.txt:136 "no action items for MktgOps"
 * or with a line range (`:263-269`). A quote may wrap over several comment lines, and may leave
 * words out with "..." (or "…"); each remaining fragment must appear on the cited lines.
 */
export interface Citation {
  file: string;
  from: number;
  to: number;
  quote: string;
  /** Where the citation was written, for the failure message. */
  at: string;
}

export const HANDBOOK_DIR = "docs/handbook";

const CITATION = /(\d{3}_[0-9a-f]{16}\.txt):(\d+)(?:-(\d+))?\s+"([^"]+)"/g;

/** The comment text of a YAML file (or a whole Markdown file), wrapped lines joined with one space. */
function proseOf(text: string, kind: "yaml" | "markdown"): string {
  if (kind === "markdown") return text.replace(/\s+/g, " ");
  return text
    .split("\n")
    .map((line) => /#(.*)$/.exec(line)?.[1] ?? "")
    .join(" ")
    .replace(/\s+/g, " ");
}

export function citationsIn(text: string, kind: "yaml" | "markdown", at: string): Citation[] {
  const out: Citation[] = [];
  for (const m of proseOf(text, kind).matchAll(CITATION)) {
    const from = Number(m[2]);
    out.push({ file: m[1]!, from, to: m[3] ? Number(m[3]) : from, quote: m[4]!, at });
  }
  return out;
}

/** Markdown emphasis, code ticks and label tildes are formatting, not words. */
export function normalise(text: string): string {
  return text
    .replace(/[`*~]/g, "")
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

export function fragmentsOf(quote: string): string[] {
  return quote
    .split(/\.\.\.|…/)
    .map(normalise)
    .filter((f) => f.length > 0);
}

const pages = new Map<string, string[]>();

async function pageLines(file: string): Promise<string[] | undefined> {
  if (!pages.has(file)) {
    try {
      pages.set(file, (await readFile(path.join(HANDBOOK_DIR, file), "utf8")).split("\n"));
    } catch {
      return undefined;
    }
  }
  return pages.get(file);
}

/** What is wrong with a citation (undefined when its words are on the cited lines of the page). */
export async function checkCitation(c: Citation): Promise<string | undefined> {
  const lines = await pageLines(c.file);
  if (!lines) return `${c.at}: ${c.file} is not a handbook page under ${HANDBOOK_DIR}/`;
  if (c.from < 1 || c.to < c.from || c.to > lines.length) return `${c.at}: ${c.file}:${c.from}-${c.to} is outside the page (${lines.length} lines)`;
  const cited = normalise(lines.slice(c.from - 1, c.to).join(" "));
  const missing = fragmentsOf(c.quote).filter((f) => !cited.includes(f));
  if (missing.length === 0) return undefined;
  return `${c.at}: ${c.file}:${c.from}${c.to !== c.from ? `-${c.to}` : ""} does not say "${missing.join('" / "')}" (it says: ${cited.slice(0, 200)})`;
}
