import { describe, expect, it } from "vitest";
import { driftPrefix, findDrift, NO_PREFIX } from "../../../src/labels/drift.js";
import { asDefined, gl, smallTaxonomy } from "./taxonomy.js";

const t = smallTaxonomy();

describe("driftPrefix", () => {
  it.each([
    ["MtkgOpsPrio::04: Actioned", "MtkgOpsPrio::"],
    ["a::b::c", "a::b::"],
    ["MktgOps - Old thing", "MktgOps - "],
    ["mktg-status-old", "mktg-"],
    ["SMOps/Systems", "SMOps/"],
    ["bug", NO_PREFIX],
  ])("%s -> %s", (name, prefix) => expect(driftPrefix(name)).toBe(prefix));
});

describe("findDrift", () => {
  it("groups unknown labels of the group and of projects by prefix, with open counts, aliases and near misses told apart", () => {
    const drift = findDrift(t, {
      group: "mktg",
      groupLabels: [
        asDefined(t, "Marketo", { openIssues: 50 }),
        gl("Stage::0 - Old Triage", { openIssues: 3, openMergeRequests: 1 }),
        gl("Stage::Parked", { openIssues: 2, openMergeRequests: 0 }),
        gl("stage::01: doing", { openIssues: 1, openMergeRequests: 0 }),
        gl("bug", { openIssues: 0, openMergeRequests: 0 }),
      ],
      projects: [
        {
          path: "sales/systems",
          insideGroup: false,
          labels: [gl("Stage::Parked", { isProjectLabel: true, openIssues: 4, openMergeRequests: 2 }), gl("Inherited junk", { isProjectLabel: false })],
        },
      ],
    });
    expect(drift.map((g) => [g.prefix, g.labels.length, g.openIssues, g.openMergeRequests])).toEqual([
      ["Stage::", 3, 9, 3],
      ["stage::", 1, 1, 0],
      [NO_PREFIX, 1, 0, 0],
    ]);
    const stage = drift[0]!.labels;
    expect(stage.map((d) => [d.name, d.owner.path, d.kind])).toEqual([
      ["Stage::Parked", "sales/systems", "unknown"],
      ["Stage::0 - Old Triage", "mktg", "alias"],
      ["Stage::Parked", "mktg", "unknown"],
    ]);
    expect(drift[1]!.labels[0]).toMatchObject({ kind: "near-miss", canonical: "Stage::01: Doing" });
  });

  it("is empty when GitLab has only taxonomy labels", () => {
    expect(findDrift(t, { group: "mktg", groupLabels: t.definitions.map((d) => asDefined(t, d.name)), projects: [] })).toEqual([]);
  });
});
