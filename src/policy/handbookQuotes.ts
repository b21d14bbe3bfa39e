/**
 * Handbook quotes in policy comments. A policy says which handbook sentence it enforces as
 *   # 000_3a3b18768e4599ed.txt:212 "no milestone, and not assigned to MktgOps team member yet"
 * (a line range `:263-269` is allowed; a quote may wrap over comment lines and leave words out
 * with "..."). When the handbook pages sit beside the policies (`docs/handbook/` next to
 * `policies/`), `policies validate` warns about a quote that is not on the line it cites and about a
 * policy file that quotes nothing, so a team changing a rule sees when its stated reason drifted.
 * Warnings, not problems: the bot still runs.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { ProblemSink } from "./source.js";

export interface HandbookQuote {
  page: string;
  from: number;
  to: number;
  quote: string;
  /** 1-based line of the policy file where the quote starts. */
  line: number;
}

const QUOTE = /(\d{3}_[0-9a-f]{16}\.txt):(\d+)(?:-(\d+))?\s+"([^"]+)"/g;

/** Where the handbook pages are for a policies directory: `docs/handbook/` beside it. */
function handbookDirFor(policiesDir: string): string {
  return path.join(path.dirname(path.resolve(policiesDir)), "docs", "handbook");
}

/** The quotes in `text`: YAML comments, or the whole text for Markdown. */
export function quotesIn(text: string, kind: "yaml" | "markdown"): HandbookQuote[] {
  const lines = text.split("\n");
  // One running text with the offset each source line starts at, so a match maps back to its line.
  let prose = "";
  const starts: number[] = [];
  for (const line of lines) {
    starts.push(prose.length);
    const part = kind === "markdown" ? line : (/#(.*)$/.exec(line)?.[1] ?? "");
    prose += `${part} `;
  }
  const out: HandbookQuote[] = [];
  for (const m of prose.matchAll(QUOTE)) {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= m.index) line++;
    const from = Number(m[2]);
    out.push({ page: m[1]!, from, to: m[3] ? Number(m[3]) : from, quote: m[4]!.replace(/\s+/g, " ").trim(), line: line + 1 });
  }
  return out;
}

/** Markdown emphasis, code ticks and label tildes are formatting, not words. */
function normaliseQuote(text: string): string {
  return text
    .replace(/[`*~]/g, "")
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/** The parts of a quote between its "..." elisions, as written. */
export function quoteFragments(quote: string): string[] {
  return quote
    .split(/\.\.\.|…/)
    .map((words) => words.trim())
    .filter((words) => words.length > 0);
}

/** The handbook pages of `dir` (file name -> lines); empty when there are none. */
export async function readHandbookPages(dir: string): Promise<Map<string, string[]>> {
  const pages = new Map<string, string[]>();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".txt"));
  } catch {
    return pages;
  }
  for (const name of names) pages.set(name, (await readFile(path.join(dir, name), "utf8")).split("\n"));
  return pages;
}

/** What is wrong with a quote, or undefined when its words are on the cited lines. */
export function quoteProblem(q: HandbookQuote, pages: Map<string, string[]>): string | undefined {
  const lines = pages.get(q.page);
  if (!lines) return `quotes ${q.page}, which is not one of the handbook pages (${[...pages.keys()].sort().join(", ")})`;
  const where = `${q.page}:${q.from}${q.to !== q.from ? `-${q.to}` : ""}`;
  if (q.from < 1 || q.to < q.from || q.to > lines.length) return `quotes ${where}, outside the page (it has ${lines.length} lines)`;
  const cited = normaliseQuote(lines.slice(q.from - 1, q.to).join(" "));
  const missing = quoteFragments(q.quote).filter((words) => !cited.includes(normaliseQuote(words)));
  if (missing.length === 0) return undefined;
  const said = lines.slice(q.from - 1, q.to).join(" ").trim();
  return `the handbook quote "${missing.join('" / "')}" is not on ${where}, which says: "${said.length > 160 ? `${said.slice(0, 157)}...` : said}". Fix the line number or the words.`;
}

/** Warnings for the quotes of every policy YAML file, when the handbook pages are beside the policies. */
export async function checkHandbookQuotes(policiesDir: string, files: { file: string; text: string }[], warnings: ProblemSink): Promise<void> {
  const pages = await readHandbookPages(handbookDirFor(policiesDir));
  if (pages.size === 0) return;
  for (const { file, text } of files) {
    const quotes = quotesIn(text, "yaml");
    if (quotes.length === 0) {
      warnings.add(file, { line: 1, col: 1 }, `quotes no handbook sentence: say which sentence this file enforces, e.g. # 000_3a3b18768e4599ed.txt:212 "no milestone" (the pages are in docs/handbook/), or move it to docs/examples/ if the handbook does not ask for it`);
      continue;
    }
    for (const q of quotes) {
      const problem = quoteProblem(q, pages);
      if (problem) warnings.add(file, { line: q.line, col: 1 }, problem);
    }
  }
}
