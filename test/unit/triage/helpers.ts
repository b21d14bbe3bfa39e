/** Triage rules for tests, written as the YAML a MOps editor writes and compiled for real. */
import { createBusinessCalendar } from "../../../src/domain/calendar.js";
import { compileTriage, type TriageRuleDef } from "../../../src/policy/compile/triage.js";
import type { CompiledPolicy } from "../../../src/policy/model.js";
import { triageSchema } from "../../../src/policy/schemas/triage.js";
import { ProblemSink, readPolicySource } from "../../../src/policy/source.js";
import type { RuleContext } from "../../../src/rules/types.js";
import { createTriageRule, type TriageRule } from "../../../src/rules/triage/rule.js";
import { ctx as baseCtx, testPolicy } from "../../support/builders.js";

export const TEMPLATES = {
  ping: "{{recipient}} please look: {{reason}} ({{title}}, {{ref}})",
  "triage-summary": "Rule {{rule}} — {{reason}}\n\n{{count}}:\n\n{{items}}",
};

export function policyWith(over: Partial<CompiledPolicy> = {}): CompiledPolicy {
  const base = testPolicy();
  return { ...base, people: { ...base.people, "triage-dri": ["dri.person"] }, templates: { ...base.templates, ...TEMPLATES }, ...over };
}

export function compileRules(yamlText: string, policy = policyWith()): { rules: TriageRuleDef[]; problems: string[] } {
  const sink = new ProblemSink();
  const source = readPolicySource("policies/triage/test.yml", yamlText, sink);
  const parsed = triageSchema.safeParse(source.data);
  if (!parsed.success) return { rules: [], problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) };
  const rules = compileTriage(source, parsed.data, policy.taxonomy, sink);
  return { rules, problems: sink.problems.map((p) => `${p.line}:${p.col} ${p.message}`) };
}

/** One rule from `when` and `then` blocks (YAML, indented as under a rule). */
export function rule(when: string, then = "add_labels: [\"MktgOps - FYI\"]", extra = "", policy = policyWith()): TriageRule {
  const indent = (block: string) => block.trim().split("\n").map((l) => `      ${l}`).join("\n");
  const applies = extra.includes("applies_to:") ? "" : "    applies_to: [issues, merge_requests]\n";
  const text = `rules:\n  - id: test-rule\n    description: A test rule.\n${applies}${extra}    when:\n${indent(when)}\n    then:\n${indent(then)}\n`;
  const { rules, problems } = compileRules(text, policy);
  if (problems.length > 0 || rules.length !== 1) throw new Error(`rule did not compile:\n${problems.join("\n")}\n${text}`);
  return createTriageRule(rules[0]!);
}

export function tctx(over: Partial<RuleContext> = {}): RuleContext {
  const policy = over.policy ?? policyWith();
  return baseCtx({ policy, calendar: createBusinessCalendar(policy.calendar), ...over });
}
