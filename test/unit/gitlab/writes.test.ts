import { describe, expect, it } from "vitest";
import { planned } from "../../../src/gitlab/writes.js";
import { extractQuickActions } from "../../support/fakeGitlab/quickActions.js";

describe("planned writes", () => {
  it("neutralise quick actions in every note body and description, whoever built them", () => {
    const text = "Summary\n~~~\n/close\n~~~\n/due tomorrow";
    const note = planned("POST", "projects/g%2Fp/issues/1/notes", { body: text });
    const issue = planned("POST", "projects/g%2Fp/issues", { title: "/close is fine in a title", description: text });
    const mr = planned("PUT", "projects/g%2Fp/merge_requests/2", { description: text });
    for (const request of [note, issue, mr]) {
      const written = String(request.body.body ?? request.body.description);
      expect(extractQuickActions(written).commands).toEqual([]);
      expect(written.replace(/\u200B/g, "")).toBe(text);
    }
    // Fields GitLab does not scan for commands are sent as given.
    expect(issue.body.title).toBe("/close is fine in a title");
  });
});
