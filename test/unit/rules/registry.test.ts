import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildRules, ruleFactories } from "../../../src/rules/registry.js";
import { testPolicy } from "../../support/builders.js";

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
});
