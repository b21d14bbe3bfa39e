import { describe, expect, it } from "vitest";
import { emptyRunReport, finishRunReport, renderReportText, sortRunReport } from "../../../src/engine/report.js";

describe("run reports", () => {
  it("finish in reference order (numeric), with the run's requests", () => {
    const report = emptyRunReport("sweep", false, new Date("2026-11-18T15:00:00Z"));
    for (const ref of ["g/p#10", "g/p#2", "g/a#7"]) report.resources.push({ ref, url: "", title: ref, actions: [], conflicts: [] });
    report.errors.push({ ref: "g/p#9", message: "x" }, { ref: "g/p#1", message: "y" });
    const stats = { total: 3, byRoute: { "GET /groups/:id/issues": 3 }, retries: 1 };
    finishRunReport(sortRunReport(report), performance.now(), { requestStats: () => stats });
    expect(report.resources.map((r) => r.ref)).toEqual(["g/a#7", "g/p#2", "g/p#10"]);
    expect(report.errors.map((e) => e.ref)).toEqual(["g/p#1", "g/p#9"]);
    expect(report.apiRequests).toEqual(stats);
    expect(renderReportText(report)).toContain("GitLab API requests: 3 (1 retried)");
  });
});
