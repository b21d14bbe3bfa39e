import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jobNames } from "../../../src/jobs/registry.js";
import { loadPolicies } from "../../../src/policy/load.js";
import { buildRules, findRule, ruleFactories } from "../../../src/rules/registry.js";
import { testPolicy } from "../../support/builders.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

/** Files in src/rules/ that are helpers, not rule kinds. */
const NOT_RULES = new Set(["types.ts", "registry.ts", "labelRefs.ts", "workflowRequirements.ts"]);

describe("rule registry", () => {
  it("lists every rule factory exported by a file in src/rules/", async () => {
    const dir = join(import.meta.dirname, "../../../src/rules");
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !NOT_RULES.has(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const mod = (await import(join(dir, f))) as Record<string, unknown>;
      const factories = Object.values(mod).filter((v): v is (typeof ruleFactories)[number] => typeof v === "object" && v !== null && "create" in v && "kind" in v);
      expect(factories.length, `${f} exports no rule factory`).toBeGreaterThan(0);
      for (const factory of factories) expect(ruleFactories, `${f}: ${factory.kind} is not registered`).toContain(factory);
    }
  });

  it("gives every rule a unique id", () => {
    const ids = buildRules(testPolicy()).map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("filters with --only by id or prefix and rejects unknown ids with the list of known ones", () => {
    expect(buildRules(testPolicy(), ["workflow"]).map((r) => r.id)).toEqual(["workflow:mktgops-stage"]);
    expect(() => buildRules(testPolicy(), ["nope"])).toThrow(/Unknown rule "nope". Known rules: scoped-exclusivity/);
  });

  it("takes with --only every id `rules explain` takes, triage rules by their own id included, and selects that rule", async () => {
    const policy = await loadPolicies(TEST_POLICIES_DIR, { knownJobs: jobNames() });
    const rules = buildRules(policy);
    const triage = rules.filter((r) => r.id.startsWith("triage:"));
    expect(triage.length).toBeGreaterThan(0);
    const ids = [...rules.map((r) => r.id), ...triage.map((r) => r.id.slice("triage:".length))];
    for (const id of ids) {
      const explained = findRule(rules, id);
      expect(buildRules(policy, [id]).map((r) => r.id), id).toContain(explained.id);
    }
    // A triage rule by its own id is that rule alone.
    const own = triage[0]!.id.slice("triage:".length);
    expect(buildRules(policy, [own]).map((r) => r.id)).toEqual([triage[0]!.id]);
  });

  it("names the unknown id and lists the valid ones, for --only and for rules explain alike", () => {
    const rules = buildRules(testPolicy());
    const known = rules.map((r) => r.id).join(", ");
    for (const fail of [() => buildRules(testPolicy(), ["workflow", "nope"]), () => findRule(rules, "nope")]) {
      expect(fail).toThrow(`Unknown rule "nope". Known rules: ${known} (see \`mops-bot rules list\`; triage rules also by their own id).`);
    }
  });
});
