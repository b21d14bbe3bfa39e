/** Due-date changes read from GitLab's system notes ("changed due date to September 20, 2018", "removed due date"). */
import { describe, expect, it } from "vitest";
import { dueDateChanges, dueDateOfNote } from "../../../src/rules/sla/dueDateChanges.js";
import { gitlabNote, note } from "../../support/builders.js";

describe("due-date system notes", () => {
  it("reads GitLab's wording: Rails' long date, and the removal", () => {
    expect(dueDateOfNote("changed due date to September 20, 2018")).toBe("2018-09-20");
    expect(dueDateOfNote("changed due date to November 5, 2026")).toBe("2026-11-05");
    expect(dueDateOfNote("removed due date")).toBeNull();
    expect(dueDateOfNote("changed time estimate to 3d 5h")).toBeUndefined();
    expect(dueDateOfNote("changed due date to Smarch 3, 2026")).toBeUndefined();
  });

  it("keeps system notes only, oldest first, with who made the change", () => {
    const changes = dueDateChanges([
      gitlabNote("changed due date to November 25, 2026", "2026-11-19T10:00:00Z", "abm.manager", true),
      note("changed due date to November 1, 2026", "2026-11-19T11:00:00Z", "requester"),
      gitlabNote("removed due date", "2026-11-18T10:00:00Z", "requester", true),
    ]);
    expect(changes.map((c) => [c.date, c.by.username])).toEqual([
      [null, "requester"],
      ["2026-11-25", "abm.manager"],
    ]);
  });
});
