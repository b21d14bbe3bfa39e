/** The adoption report's references: a merge request on the backlog is listed, and stays ticked, as a merge request. */
import { describe, expect, it } from "vitest";
import { listedIssue, tickedRefs } from "../../../src/rollout/report.js";
import { issue } from "../../support/builders.js";

describe("adoption report references", () => {
  it("lists a merge request as path!iid and keeps its ticked box", () => {
    const mr = issue({ iid: 9, kind: "merge_request", ref: { kind: "merge_request", path: "mops/tracker", iid: 9 }, projectPath: "mops/tracker" });
    expect(listedIssue(mr, []).ref).toBe("mops/tracker!9");
    expect([...tickedRefs("- [x] mops/tracker!9 [Fix](https://x) — why\n- [X] mops/tracker#3 [A](https://y) — why\n- [ ] mops/tracker#4 [B](https://z) — why")]).toEqual(["mops/tracker!9", "mops/tracker#3"]);
  });
});
