/**
 * Turns zod issues into problems a MOps editor can act on: located at the YAML node, naming what
 * was expected (type, allowed values, allowed keys with the nearest one suggested).
 */
import type { z } from "zod";
import type { DataPath, PolicySource, ProblemSink } from "./source.js";
import { didYouMean, listOf } from "./suggest.js";

type AnySchema = z.ZodType;
type Issue = z.core.$ZodIssue;

interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  entries?: Record<string, string>;
  values?: unknown[];
}

function defOf(schema: AnySchema): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Strip optional/default/nullable wrappers. */
function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (;;) {
    const d = defOf(s);
    if ((d.type === "optional" || d.type === "default" || d.type === "nullable" || d.type === "readonly" || d.type === "prefault") && d.innerType) s = d.innerType;
    else if (d.type === "pipe" && d.in) s = d.in;
    else return s;
  }
}

/** The schema that validates the value at `path` below `schema` (first matching union branch). */
export function schemaAt(schema: AnySchema, path: DataPath): AnySchema | undefined {
  let s: AnySchema | undefined = unwrap(schema);
  for (const segment of path) {
    if (!s) return undefined;
    const d = defOf(s);
    if (d.type === "object" && d.shape) s = d.shape[String(segment)];
    else if (d.type === "array" && d.element) s = d.element;
    else if (d.type === "record" && d.valueType) s = d.valueType;
    else if (d.type === "union" && d.options) {
      s = d.options.map((o) => schemaAt(o, [segment])).find((x) => x !== undefined);
    } else return undefined;
    if (s) s = unwrap(s);
  }
  return s;
}

function objectKeys(schema: AnySchema | undefined): string[] {
  if (!schema) return [];
  const d = defOf(unwrap(schema));
  if (d.type === "object" && d.shape) return Object.keys(d.shape);
  if (d.type === "union" && d.options) return d.options.flatMap((o) => objectKeys(o));
  return [];
}

/** A short description of what a schema accepts, for "expected ..." messages. */
export function describeSchema(schema: AnySchema | undefined): string {
  if (!schema) return "a value";
  const d = defOf(unwrap(schema));
  switch (d.type) {
    case "string":
      return "text";
    case "number":
      return "a number";
    case "boolean":
      return "true or false";
    case "null":
      return "null";
    case "array":
      return "a list";
    case "record":
      return "a mapping of names to values";
    case "object":
      return `a mapping with keys ${listOf(Object.keys(d.shape ?? {}))}`;
    case "enum":
      return `one of ${listOf(Object.values(d.entries ?? {}).map(String))}`;
    case "literal":
      return listOf((d.values ?? []).map(String));
    case "union":
      return (d.options ?? []).map((o) => describeSchema(o)).join(", or ");
    default:
      return "a value";
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the text '${value}'`;
  return `${typeof value === "number" ? "the number" : "the value"} ${String(value)}`;
}

function valueAt(data: unknown, path: DataPath): { found: boolean; value: unknown } {
  let v: unknown = data;
  for (const segment of path) {
    if (v === null || typeof v !== "object" || !(String(segment) in (v as object))) return { found: false, value: undefined };
    v = (v as Record<string, unknown>)[String(segment)];
  }
  return { found: true, value: v };
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  null: "null",
};

/** Report every zod issue for `source` against `schema`. */
export function reportIssues(issues: readonly Issue[], schema: AnySchema, source: PolicySource, sink: ProblemSink, base: DataPath = []): void {
  for (const issue of issues) reportIssue(issue, schema, source, sink, base);
}

function reportIssue(issue: Issue, root: AnySchema, source: PolicySource, sink: ProblemSink, base: DataPath): void {
  const path: DataPath = [...base, ...(issue.path as (string | number)[])];
  const here = valueAt(source.data, path);
  const rel = issue.path as (string | number)[];
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = objectKeys(schemaAt(root, rel));
      for (const key of issue.keys) {
        const hint = didYouMean(key, allowed) || ` — allowed keys here: ${listOf(allowed)}`;
        sink.at(source, [...path, key], `unknown key '${key}'${hint}`, "key");
      }
      return;
    }
    case "invalid_type": {
      const target = schemaAt(root, rel);
      const expected = target ? describeSchema(target) : (TYPE_WORDS[issue.expected] ?? issue.expected);
      const last = path[path.length - 1];
      if (!here.found && typeof last === "string") {
        sink.at(source, path.slice(0, -1), `missing required key '${last}' (expected ${expected})`);
      } else {
        sink.at(source, path, `expected ${expected}, found ${describeValue(here.value)}`);
      }
      return;
    }
    case "invalid_value": {
      const allowed = issue.values.map(String);
      const found = typeof here.value === "string" ? didYouMean(here.value, allowed) : "";
      sink.at(source, path, `expected one of ${listOf(allowed)}, found ${describeValue(here.value)}${found}`);
      return;
    }
    case "invalid_union": {
      const union = schemaAt(root, rel);
      const options = union ? (defOf(union).options ?? []) : [];
      // Follow the one branch whose top-level type matched: its issues are the useful ones.
      const matching = issue.errors
        .map((errs, i) => ({ errs, option: options[i] }))
        .filter(({ errs }) => !errs.some((e) => e.path.length === 0 && (e.code === "invalid_type" || e.code === "invalid_value")));
      if (matching.length === 1 && matching[0]!.option) {
        reportIssues(matching[0]!.errs, matching[0]!.option, source, sink, path);
        return;
      }
      const custom = issue.message && issue.message !== "Invalid input" ? issue.message : `expected ${describeSchema(union)}`;
      sink.at(source, path, `${custom}, found ${describeValue(here.value)}`);
      return;
    }
    case "invalid_key": {
      const why = issue.issues.map((i) => i.message).join("; ");
      sink.at(source, path, `the name '${String(path[path.length - 1])}' is not allowed here: ${why}`, "key");
      return;
    }
    case "too_small": {
      const min = Number(issue.minimum);
      const what = issue.origin === "array" ? `at least ${min} item(s)` : issue.origin === "string" ? (min === 1 ? "a non-empty text" : `at least ${min} characters`) : `at least ${min}`;
      sink.at(source, path, `expected ${what}`);
      return;
    }
    case "too_big": {
      const max = Number(issue.maximum);
      const what = issue.origin === "array" ? `at most ${max} item(s)` : issue.origin === "string" ? `at most ${max} characters` : `at most ${max}`;
      sink.at(source, path, `expected ${what}`);
      return;
    }
    default:
      sink.at(source, path, issue.message);
  }
}
