import { describe, expect, it } from "vitest";
import { markerComment } from "../../../src/domain/markers.js";
import type { ResourceSnapshot } from "../../../src/domain/snapshot.js";
import { ensureIssue, issueChanges, type IssueWriter, withMarker } from "../../../src/gitlab/ensureIssue.js";
import { LabelWriter } from "../../../src/gitlab/labels.js";
import { applyScopePlan } from "../../../src/gitlab/scopeApply.js";
import { planned } from "../../../src/gitlab/writes.js";
import { issue, MOPS_PROJECT } from "../../support/builders.js";

const project = { path: MOPS_PROJECT, roles: ["mops"] };
const MARKER = "report:2026-W47";
const body = `List\n\n${markerComment(MARKER)}`;

/** A writer that records what ensureIssue asks of it; `dryRun` answers as the platform does in a dry run. */
function recordingWriter(found: ResourceSnapshot[], dryRun = false) {
  const calls: string[] = [];
  const writer: IssueWriter = {
    findByMarker: async (query, marker) => {
      calls.push(`find ${marker} ${JSON.stringify(query.labels ?? [])}`);
      return found;
    },
    createIssue: async (input) => {
      calls.push(`create ${input.title}`);
      const request = planned("POST", "projects/x/issues", { title: input.title, description: input.description });
      return dryRun ? { status: "dry-run", request } : { status: "written", request, result: issue({ iid: 99, title: input.title, description: input.description }) };
    },
    updateIssue: async (target, changes) => {
      calls.push(`update #${target.iid} ${Object.keys(changes).join(",")}`);
      const request = planned("PUT", `projects/x/issues/${target.iid}`, {});
      return dryRun ? { status: "dry-run", request } : { status: "written", request, result: { ...target, description: changes.description ?? target.description } };
    },
  };
  return { writer, calls };
}

describe("ensureIssue", () => {
  it("creates the issue when no issue carries the marker, and only then", async () => {
    const { writer, calls } = recordingWriter([]);
    const result = await ensureIssue(writer, { project, marker: MARKER, title: "Report", body, labels: ["MOps"] }, { lookup: { labels: ["MOps"] } });
    expect(result.status).toBe("created");
    expect(result.issue?.iid).toBe(99);
    expect(calls).toEqual(['find report:2026-W47 ["MOps"]', "create Report"]);
  });

  it("leaves a missing issue missing when asked not to create it", async () => {
    const { writer, calls } = recordingWriter([]);
    const result = await ensureIssue(writer, { project, marker: MARKER, title: "Report", body }, { found: [], createIfMissing: false });
    expect(result).toEqual({ status: "missing", issue: null, duplicates: [], requests: [] });
    expect(calls).toEqual([]);
  });

  it("writes nothing when text, labels and state are as wanted, whatever the line endings GitLab keeps", async () => {
    const existing = issue({ iid: 3, description: body.replace(/\n/g, "\r\n"), labels: ["MOps"] });
    const { writer, calls } = recordingWriter([existing]);
    const result = await ensureIssue(writer, { project, marker: MARKER, title: "Report", body, labels: ["MOps"] });
    expect(result.status).toBe("unchanged");
    expect(calls).toEqual(['find report:2026-W47 []']);
  });

  it("keeps to the oldest issue and returns the others as duplicates, never writing them", async () => {
    const older = issue({ iid: 3, description: "old" });
    const newer = issue({ iid: 8, description: "old" });
    const { writer, calls } = recordingWriter([newer, older]);
    const result = await ensureIssue(writer, { project, marker: MARKER, title: "Report", body }, { found: [newer, older] });
    expect(result.status).toBe("updated");
    expect(result.issue?.iid).toBe(3);
    expect(result.duplicates.map((d) => d.iid)).toEqual([8]);
    expect(calls).toEqual(["update #3 description"]);
  });

  it("does not rewrite a description it must keep", async () => {
    const { writer, calls } = recordingWriter([]);
    const existing = issue({ iid: 3, description: "ticked checklist" });
    expect((await ensureIssue(writer, { project, marker: MARKER, title: "Audit", body }, { found: [existing], keepBody: true })).status).toBe("unchanged");
    expect(calls).toEqual([]);
  });
});

describe("issueChanges", () => {
  it("adds missing labels without removing any, and changes the state only when asked", () => {
    const existing = issue({ description: body, labels: ["MOps", "person-added"], state: "opened" });
    expect(issueChanges(existing, { body, labels: ["MOps", "Digest"] })).toEqual({ addLabels: ["Digest"] });
    expect(issueChanges(existing, { body, labels: ["MOps"], state: "closed" })).toEqual({ stateEvent: "close" });
    expect(issueChanges(existing, { body, labels: [] })).toBeNull();
  });
});

describe("withMarker", () => {
  it("appends the marker on a line of its own only when the text lacks it", () => {
    expect(withMarker(body, MARKER)).toBe(body);
    expect(withMarker("List\n", MARKER)).toBe(`List\n\n${markerComment(MARKER)}`);
  });
});

describe("applyScopePlan", () => {
  it("in a dry run reports the writes it would make and counts none; a failing action does not stop the next", async () => {
    const { writer } = recordingWriter([], true);
    const result = await applyScopePlan(
      {
        dryRun: true,
        writer: { api: {} as never, dryRun: true },
        labels: new LabelWriter({} as never, true),
        ensureIssue: (action) => ensureIssue(writer, action.issue, { found: action.found }),
        ensureNote: async () => {
          throw new Error("GitLab is down");
        },
        apply: async () => ({ writes: 0, requests: [] }),
      },
      {
        actions: [
          { type: "ensure_note", target: issue(), marker: "m", body: "b", rule: "r", reason: "why" },
          { type: "ensure_issue", issue: { project, marker: MARKER, title: "Report", body }, found: [], rule: "r", reason: "why" },
        ],
      },
    );
    expect(result.writes).toBe(0);
    expect(result.outcomes[0]?.error?.message).toBe("GitLab is down");
    expect(result.outcomes[1]?.issue).toEqual({ status: "created", issue: null, duplicates: [] });
    expect(result.outcomes[1]?.requests.map((r) => r.route)).toEqual(["POST /projects/:id/issues"]);
  });
});
