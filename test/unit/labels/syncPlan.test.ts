import { describe, expect, it } from "vitest";
import { boardPriorities, desiredLabels } from "../../../src/labels/desired.js";
import { loadPolicies } from "../../../src/policy/load.js";
import type { LabelInventory } from "../../../src/labels/inventory.js";
import { manualPriorities, planLabelSync } from "../../../src/labels/syncPlan.js";
import { asDefined, gl, smallTaxonomy } from "./taxonomy.js";
import { TEST_POLICIES_DIR } from "../../support/policies.js";

const t = smallTaxonomy();
const desired = desiredLabels(t);
const names = t.definitions.map((d) => d.name);

function inventory(over: Partial<LabelInventory> = {}): LabelInventory {
  return { group: "mktg", groupLabels: [], projects: [], ...over };
}

describe("board priorities", () => {
  it("number the values of board_priority sets in order, and leave other labels without one", () => {
    expect([...boardPriorities(t)]).toEqual([
      ["Prio::High", 1],
      ["Prio::Low", 2],
    ]);
    expect(desired.find((d) => d.name === "Stage::00: Triage")!.priority).toBeNull();
  });
});

describe("board_priority in the shipped labels.yml", () => {
  it("puts the MktgOps priorities first, then the ABM priorities, in the handbook's order", async () => {
    const policy = await loadPolicies(TEST_POLICIES_DIR);
    const order = [...boardPriorities(policy.taxonomy)].map(([name]) => name);
    expect(order).toEqual([...policy.taxonomy.set("MktgOpsPriority")!.labels, ...policy.taxonomy.set("ABM-Priority")!.labels]);
    expect(order[0]).toBe("MktgOpsPriority:: 00-Urgent");
    expect(policy.taxonomy.set("MktgOps")!.boardPriority).toBeUndefined();
  });
});

describe("planLabelSync", () => {
  it("creates every label in an empty group, once, with the taxonomy's colour and description", () => {
    const fixes = planLabelSync(desired, inventory());
    expect(fixes.map((f) => [f.type, f.owner.kind, f.name])).toEqual(names.map((n) => ["create", "group", n]));
    const marketo = fixes.find((f) => f.name === "Marketo")!;
    expect(marketo.type === "create" && marketo.label).toEqual({ name: "Marketo", color: "#0033cc", description: "A tool" });
  });

  it("plans nothing when GitLab already matches (colour case and trailing spaces do not count)", () => {
    const groupLabels = names.map((n) => asDefined(t, n, { color: t.definition(n)!.color.toUpperCase(), description: `${t.definition(n)!.description}  ` }));
    const project = { path: "mktg/ops", insideGroup: true, labels: groupLabels.map((l) => ({ ...l, priority: boardPriorities(t).get(l.name) ?? null })) };
    expect(planLabelSync(desired, inventory({ groupLabels, projects: [project] }))).toEqual([]);
  });

  it("updates only the fields that differ, by label id", () => {
    const wrong = asDefined(t, "Marketo", { color: "#ff0000" });
    const groupLabels = [...names.filter((n) => n !== "Marketo").map((n) => asDefined(t, n)), wrong];
    const fixes = planLabelSync(desired, inventory({ groupLabels }));
    expect(fixes).toEqual([
      { type: "update", owner: { kind: "group", path: "mktg" }, name: "Marketo", target: wrong.id, changes: [{ field: "color", from: "#ff0000", to: "#0033cc" }], reason: "differs from labels.yml" },
    ]);
  });

  it("plans no write for group labels in projects inside the group: their board priorities are a manual step", () => {
    // GitLab's project label API finds only the project's own labels (label_helpers.rb,
    // update_label with include_ancestor_groups: false): a PUT there would answer 404.
    const inv = inventory({ projects: [{ path: "mktg/ops", insideGroup: true, labels: [] }] });
    expect(planLabelSync(desired, inv).filter((f) => f.owner.kind === "project")).toEqual([]);
    expect(manualPriorities(desired, inv)).toEqual([
      { project: "mktg/ops", name: "Prio::High", from: null, to: 1 },
      { project: "mktg/ops", name: "Prio::Low", from: null, to: 2 },
    ]);
  });

  it("lists no manual step for a group label a person already ranked as labels.yml says, and names the current rank otherwise", () => {
    const high = asDefined(t, "Prio::High", { priority: 1 });
    const low = asDefined(t, "Prio::Low", { priority: 5 });
    const inv = inventory({ groupLabels: names.map((n) => asDefined(t, n)), projects: [{ path: "mktg/ops", insideGroup: true, labels: [high, low] }] });
    expect(manualPriorities(desired, inv)).toEqual([{ project: "mktg/ops", name: "Prio::Low", from: 5, to: 2 }]);
  });

  it("lists no manual step where the priority comes with a project copy (outside the group)", () => {
    const inv = inventory({ groupLabels: names.map((n) => asDefined(t, n)), projects: [{ path: "sales/systems", insideGroup: false, labels: [] }] });
    expect(manualPriorities(desired, inv)).toEqual([]);
  });

  it("creates project labels, priority included, in a project outside the group", () => {
    const fixes = planLabelSync(desired, inventory({ groupLabels: names.map((n) => asDefined(t, n)), projects: [{ path: "sales/systems", insideGroup: false, labels: [] }] }));
    expect(fixes.map((f) => [f.type, f.owner.path, f.name])).toEqual(names.map((n) => ["create", "sales/systems", n]));
    const high = fixes.find((f) => f.name === "Prio::High")!;
    expect(high.type === "create" && high.label.priority).toBe(1);
    expect(high.reason).toContain("outside mktg");
  });

  it("does not copy a label a project outside the group already sees from its own parent group", () => {
    const inherited = asDefined(t, "Marketo");
    const fixes = planLabelSync(desired, inventory({ groupLabels: names.map((n) => asDefined(t, n)), projects: [{ path: "sales/systems", insideGroup: false, labels: [inherited] }] }));
    expect(fixes.some((f) => f.name === "Marketo")).toBe(false);
  });

  it("repairs a project's own copy in one update: colour, description and priority together", () => {
    const copy = asDefined(t, "Prio::High", { isProjectLabel: true, color: "#00ff00", description: "old", priority: 7 });
    const fixes = planLabelSync(desired, inventory({ groupLabels: names.map((n) => asDefined(t, n)), projects: [{ path: "mktg/ops", insideGroup: true, labels: [copy] }] }));
    const forCopy = fixes.filter((f) => f.name === "Prio::High");
    expect(forCopy).toHaveLength(1);
    expect(forCopy[0]).toMatchObject({ type: "update", target: copy.id, changes: [{ field: "color" }, { field: "description" }, { field: "priority", from: 7, to: 1 }] });
  });

  it("never plans a deletion, whatever GitLab has", () => {
    const fixes = planLabelSync(desired, inventory({ groupLabels: [gl("Random"), gl("Stage::0 - Old Triage")] }));
    expect(fixes.every((f) => f.type === "create" || f.type === "update")).toBe(true);
    expect(fixes.some((f) => f.name === "Random")).toBe(false);
  });
});
