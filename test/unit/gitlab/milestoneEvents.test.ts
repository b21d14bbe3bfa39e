/** Resource milestone events as GitLab sends them (gitlabhq doc/api/resource_milestone_events.md, example response). */
import { describe, expect, it } from "vitest";
import { mapMilestoneEvent } from "../../../src/gitlab/milestoneEvents.js";

const user = { id: 1, name: "Administrator", username: "root", state: "active", avatar_url: "https://www.gravatar.com/avatar/x", web_url: "http://gitlab.example.com/root" };
const milestone = {
  id: 61,
  iid: 9,
  project_id: 7,
  title: "v1.2",
  description: "Ipsum Lorem",
  state: "active",
  created_at: "2020-01-27T05:07:12.573Z",
  updated_at: "2020-01-27T05:07:12.573Z",
  due_date: null,
  start_date: null,
  web_url: "http://gitlab.example.com:3000/group/project/-/milestones/9",
};

describe("resource milestone events", () => {
  it("reads an added and a removed milestone", () => {
    const add = mapMilestoneEvent({ id: 142, user, created_at: "2018-08-20T13:38:20.077Z", resource_type: "Issue", resource_id: 253, milestone, action: "add" }, "2026-11-18");
    expect(add).toMatchObject({ id: 142, action: "add", milestone: { id: 61, title: "v1.2", timing: "undated" }, user: { username: "root" } });
    expect(add?.createdAt).toEqual(new Date("2018-08-20T13:38:20.077Z"));
    const remove = mapMilestoneEvent({ id: 143, user, created_at: "2018-08-21T14:38:20.077Z", resource_type: "Issue", resource_id: 253, milestone, action: "remove" }, "2026-11-18");
    expect(remove).toMatchObject({ action: "remove", milestone: { id: 61 } });
  });

  it("takes a removal without a milestone (older GitLab) and skips an action it does not know", () => {
    expect(mapMilestoneEvent({ id: 1, user: null, created_at: "2018-08-21T14:38:20Z", milestone: null, action: "remove" }, "2026-11-18")).toMatchObject({ action: "remove", milestone: null, user: null });
    expect(mapMilestoneEvent({ id: 2, user, created_at: "2018-08-21T14:38:20Z", milestone, action: "move" }, "2026-11-18")).toBeNull();
  });
});
