import { describe, expect, it } from "vitest";
import { markerComment } from "../../../src/domain/markers.js";
import { decideDigestIssue } from "../../../src/digest/job.js";
import type { DigestPolicy } from "../../../src/policy/model.js";

const project = { path: "mktg/marketing-operations", roles: ["mops"] };
const NOW = new Date("2026-11-18T15:00:00Z");

describe("decideDigestIssue", () => {
  it("keeps the week's issue by the week's marker, looked up by the digest's labels among the last two weeks' issues", () => {
    const plan = decideDigestIssue({ labels: ["MOps Digest"] } as DigestPolicy, project, "2026-W47", "Sections", NOW);
    const action = plan.actions[0];
    expect(action.issue).toMatchObject({ marker: "digest:2026-W47", title: "MOps weekly digest — 2026-W47", labels: ["MOps Digest"] });
    expect(action.issue.body).toBe(`Sections\n\n${markerComment("digest:2026-W47")}`);
    expect(action.lookup).toEqual({ labels: ["MOps Digest"], createdAfter: new Date("2026-11-04T15:00:00Z") });
  });

  it("without labels, looks the issue up by the digest markers' common prefix", () => {
    const plan = decideDigestIssue({ labels: [] as string[] } as DigestPolicy, project, "2026-W47", "Sections", NOW);
    expect(plan.actions[0].lookup).toEqual({ search: "mops-bot:digest:", createdAfter: new Date("2026-11-04T15:00:00Z") });
  });
});
