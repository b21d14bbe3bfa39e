/**
 * Regular expressions written in policies (triage `matches`, milestone title patterns, proof
 * headings, workflow requirements) run on RE2JS, a port of RE2: matching takes time linear in the
 * input whatever the pattern, so a pattern like `^(\w+\s?)+$` cannot stall the server on a long
 * description the way a backtracking engine (JavaScript's RegExp) does. Patterns that need
 * backtracking (backreferences, lookaround) do not compile and are reported by `policies validate`.
 * Inputs are capped as well, so one huge description costs a bounded amount of work.
 */
import { RE2JS } from "re2js";

/** Only the first 64 KiB of a text is matched: more than any title or real description. */
export const MAX_MATCHED_CHARS = 64 * 1024;

/** The JavaScript-style flags policies may use: i, m, s (u is accepted: RE2 is always Unicode). */
const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

export interface PolicyRegex {
  /** Whether the pattern matches somewhere in the text (its first MAX_MATCHED_CHARS). */
  test(text: string): boolean;
}

export type PolicyRegexResult = { ok: true; regex: PolicyRegex } | { ok: false; why: string };

// Compiled patterns by flags and source; policies hold a few dozen, and rules ask for them often.
const compiled = new Map<string, PolicyRegex>();

/** Compiles a pattern, or says why RE2 cannot run it and what to write instead. */
export function tryPolicyRegex(pattern: string, flags = ""): PolicyRegexResult {
  const key = `${flags}/${pattern}`;
  const hit = compiled.get(key);
  if (hit !== undefined) return { ok: true, regex: hit };
  const unknown = [...flags].filter((f) => !(f in FLAG_BITS));
  if (unknown.length > 0) return { ok: false, why: `unsupported regular expression flags '${flags}': use i, m, s or u` };
  let bits = 0;
  for (const f of flags) bits |= FLAG_BITS[f]!;
  try {
    const re = RE2JS.compile(pattern, bits);
    const regex: PolicyRegex = { test: (text) => re.test(text.length > MAX_MATCHED_CHARS ? text.slice(0, MAX_MATCHED_CHARS) : text) };
    compiled.set(key, regex);
    return { ok: true, regex };
  } catch (e) {
    return { ok: false, why: explain(e) };
  }
}

/** For patterns `policies validate` has accepted: a pattern that does not compile here is a bug. */
export function policyRegex(pattern: string, flags = ""): PolicyRegex {
  const result = tryPolicyRegex(pattern, flags);
  if (!result.ok) throw new Error(`Policy pattern /${pattern}/${flags} was not validated: ${result.why}`);
  return result.regex;
}

function explain(e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e)).replace(/^error parsing regexp: /, "");
  if (/\(\?[=!<]|\\[1-9]|Perl syntax/.test(message)) {
    return `${message}; lookahead, lookbehind and backreferences are not supported (policy patterns run in linear time): match the text itself, e.g. write ^Temp instead of ^(?=Temp)`;
  }
  // JavaScript's \u2014 is written \x{2014} in RE2.
  if (message.includes("`\\u`")) return `${message}; write a character by its code as \\x{2014}, not \\u2014`;
  return message;
}
