import { describe, expect, it } from "vitest";
import { MAX_MATCHED_CHARS, policyRegex, tryPolicyRegex } from "../../../src/policy/regex.js";

describe("policy regular expressions", () => {
  it("answer a catastrophic-backtracking pattern on a long input", () => {
    const re = policyRegex("^(\\w+\\s?)+$");
    expect(re.test(`${"a".repeat(30)}!`)).toBe(false);
    expect(re.test(`${"ab ".repeat(20_000)}!`)).toBe(false);
    expect(re.test("ab cd")).toBe(true);
  });

  it("support the flags policies use", () => {
    expect(policyRegex("lead scoring", "i").test("Update the Lead Scoring model")).toBe(true);
    expect(policyRegex("^b$", "m").test("a\nb\nc")).toBe(true);
    expect(policyRegex("a.b", "s").test("a\nb")).toBe(true);
    expect(tryPolicyRegex("x", "g")).toEqual({ ok: false, why: "unsupported regular expression flags 'g': use i, m, s or u" });
  });

  it("reject lookaround and backreferences with what to write instead", () => {
    for (const pattern of ["^(?=Temp)", "a(?!b)", "(?<=a)b", "(a)\\1"]) {
      const result = tryPolicyRegex(pattern);
      expect(result.ok, pattern).toBe(false);
    }
    const lookahead = tryPolicyRegex("^(?=Temp)");
    expect(!lookahead.ok && lookahead.why).toMatch(/lookahead, lookbehind and backreferences are not supported/);
  });

  it("say how to write a character by its code when the JavaScript form \\u is used", () => {
    const result = tryPolicyRegex("Q4\\u2014review");
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.why).toContain("write a character by its code as \\x{2014}, not \\u2014");
    const written = tryPolicyRegex("Q4\\x{2014}review");
    expect(written.ok && written.regex.test("Q4\u2014review")).toBe(true);
  });

  it("match only the first 64 KiB of a text", () => {
    const re = policyRegex("needle");
    expect(re.test(`${"x".repeat(MAX_MATCHED_CHARS - 6)}needle`)).toBe(true);
    expect(re.test(`${"x".repeat(MAX_MATCHED_CHARS)}needle`)).toBe(false);
  });
});
