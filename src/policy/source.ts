/**
 * A policy file read with positions: parsing (the `yaml` package with a LineCounter), YAML-level
 * problems (syntax, duplicate keys, custom tags, empty file) and `locate`, which maps a path in
 * the parsed data back to the line and column of its YAML node so every later check can report
 * `file:line:col`.
 */
import { stat, readFile } from "node:fs/promises";
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import type { PolicyProblem } from "./problems.js";

export type DataPath = readonly (string | number)[];

export interface Position {
  line: number;
  col: number;
}

export interface PolicySource {
  /** Path shown in problems, e.g. `policies/labels.yml`. */
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Plain data (null when the file is empty or unusable). */
  data: unknown;
  /** Whether YAML-level problems make the data unfit for schema checks. */
  usable: boolean;
}

/** Where to point for a path: the value (default) or, for mapping entries, the key. */
export type Anchor = "value" | "key";

export class ProblemSink {
  readonly problems: PolicyProblem[] = [];

  add(file: string, pos: Position, message: string): void {
    this.problems.push({ file, line: pos.line, col: pos.col, message });
  }

  /** A problem at the YAML node the data path names (or the nearest enclosing node). */
  at(source: PolicySource, path: DataPath, message: string, anchor: Anchor = "value"): void {
    this.add(source.file, locate(source, path, anchor), message);
  }

  get count(): number {
    return this.problems.length;
  }
}

/** What to check, by yaml error code; yaml's own message says what it found. */
const YAML_HINTS: Record<string, string> = {
  BAD_INDENT: "check that items of the same mapping or list start in the same column",
  MISSING_CHAR: "check the indentation of this line against the lines above, and closing quotes or brackets",
  MULTILINE_IMPLICIT_KEY: "a key must fit on one line: is a ':' or a closing quote missing on the line before?",
  BLOCK_AS_IMPLICIT_KEY: "check the indentation: a nested block cannot be used as a key",
  TAB_AS_INDENT: "use spaces, not tabs, for indentation",
  UNEXPECTED_TOKEN: "check the indentation and quoting of this line",
};

const MIB = 1024 * 1024;

/**
 * The largest policy file or template read: the team's largest file is a few KiB, and a 50 MB file
 * took 13.6 s and 1.8 GB to parse. Larger files are a problem, not read.
 */
export const MAX_POLICY_FILE_BYTES = 1 * MIB;

/** Aliases expanded while turning YAML into data: enough for any real reuse, not for an alias bomb. */
const MAX_ALIAS_COUNT = 1000;

/** A policy file's text, or undefined (with a problem) when it is too large to be a policy. */
export async function readPolicyText(absolutePath: string, file: string, sink: ProblemSink): Promise<string | undefined> {
  const { size } = await stat(absolutePath);
  if (size > MAX_POLICY_FILE_BYTES) {
    sink.add(file, { line: 1, col: 1 }, `the file is ${(size / MIB).toFixed(1)} MiB; policy files and templates may be at most ${MAX_POLICY_FILE_BYTES / MIB} MiB: split it or remove what does not belong in a policy`);
    return undefined;
  }
  return readFile(absolutePath, "utf8");
}

/** Parse a policy file; YAML-level problems go to `sink`. */
export function readPolicySource(file: string, text: string, sink: ProblemSink): PolicySource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: true, version: "1.2" });
  const source: PolicySource = { file, text, doc, lineCounter, data: null, usable: true };
  const pos = (offset: number): Position => {
    const lp = lineCounter.linePos(offset);
    return { line: lp.line, col: lp.col };
  };

  for (const e of doc.errors) {
    const hint = YAML_HINTS[e.code];
    let message = `YAML syntax error: ${e.message.split("\n")[0]}${hint ? ` — ${hint}` : ""}`;
    if (e.code === "DUPLICATE_KEY") {
      const key = keyTextAt(text, e.pos[0]);
      message = `duplicate key '${key}': each key may appear only once in a mapping (remove or merge one of them)`;
    }
    sink.add(file, pos(e.pos[0]), message);
    source.usable = false;
  }

  // Custom tags could ask a YAML loader to build objects or run code; policies are plain data.
  visit(doc, {
    Node(_key, node) {
      if (node.tag && node.range) {
        sink.add(file, pos(tagStart(text, node.range[0])), `YAML tags like '${shortTag(node.tag)}' are not allowed in policies: write the plain value without the tag`);
        source.usable = false;
      }
    },
  });

  if (doc.contents === null && doc.errors.length === 0) {
    sink.add(file, { line: 1, col: 1 }, "the file is empty: it must contain the policy mapping (see the schema named on the first line)");
    source.usable = false;
  }
  if (source.usable) {
    try {
      source.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      // yaml refuses an "alias bomb" (aliases of aliases expanding exponentially) with a ReferenceError.
      if (!(e instanceof ReferenceError)) throw e;
      sink.add(file, pos(firstAliasOffset(doc)), `the aliases (*name) in this file expand to more than ${MAX_ALIAS_COUNT} values: write the values out, or use fewer aliases of aliases`);
      source.usable = false;
    }
  }
  return source;
}

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = 0;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  return offset;
}

function shortTag(tag: string): string {
  return tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
}

/** The `!` that starts the tag written before a node's value. */
function tagStart(text: string, valueStart: number): number {
  let i = valueStart - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return Math.max(0, i);
}

function keyTextAt(text: string, offset: number): string {
  const rest = text.slice(offset).split("\n")[0] ?? "";
  const m = /^\s*(?:"([^"]*)"|'([^']*)'|([^:#]*?))\s*:/.exec(rest);
  return (m?.[1] ?? m?.[2] ?? m?.[3] ?? rest).trim();
}

/** Line and column of the node a data path names; the closest existing ancestor when missing. */
export function locate(source: PolicySource, path: DataPath, anchor: Anchor = "value"): Position {
  const { doc, lineCounter } = source;
  let node: unknown = doc.contents;
  let keyNode: unknown = null;
  for (const segment of path) {
    node = resolveAlias(source, node);
    keyNode = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      node = node.items[segment];
    } else {
      break;
    }
  }
  const target = anchor === "key" && isNode(keyNode) ? keyNode : isNode(node) ? node : isNode(keyNode) ? keyNode : null;
  const offset = target && isNode(target) && target.range ? target.range[0] : 0;
  const lp = lineCounter.linePos(offset);
  return { line: lp.line, col: lp.col };
}

function resolveAlias(source: PolicySource, node: unknown): unknown {
  return isAlias(node) ? (node.resolve(source.doc) as YamlNode | undefined) : node;
}
