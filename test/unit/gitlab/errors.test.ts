/** What a GitLab error tells a MOps person: a 404's hint follows what was asked for. */
import { describe, expect, it } from "vitest";
import { GitLabApiError } from "../../../src/gitlab/errors.js";

const notFound = (route: string, endpoint: string) =>
  new GitLabApiError({ status: 404, request: { method: "GET", route, endpoint }, gitlabMessage: "404 Not Found", attempts: 1 }).message;

describe("a 404 from GitLab", () => {
  it("on a history endpoint names the endpoint and the GitLab version that has it, not scope.yml", () => {
    const m = notFound("/projects/:id/issues/:iid/resource_state_events", "/projects/mktg%2Fops/issues/4/resource_state_events");
    expect(m).toContain("GET /projects/:id/issues/:iid/resource_state_events (project mktg/ops)");
    expect(m).toContain("this GitLab does not offer resource_state_events (GitLab 13.2 or newer has it), or the issue is gone");
    expect(m).not.toContain("scope.yml");
    expect(notFound("/projects/:id/merge_requests/:iid/resource_label_events", "/projects/1/merge_requests/2/resource_label_events")).toContain("GitLab 11.3 or newer has it), or the merge request is gone");
  });

  it("on one issue says the issue is gone, not that the project is", () => {
    const m = notFound("/projects/:id/issues/:iid", "/projects/mktg%2Fops/issues/4");
    expect(m).toContain("the issue no longer exists (deleted or moved)");
    expect(m).not.toContain("scope.yml");
    expect(notFound("/projects/:id/labels/:label_id", "/projects/mktg%2Fops/labels/9")).toContain("the label no longer exists");
  });

  it("on a project or group sends people to scope.yml", () => {
    expect(notFound("/projects/:id/issues", "/projects/mktg%2Fops/issues")).toContain("Check the path in policies/scope.yml");
    expect(notFound("/groups/:id", "/groups/mktg")).toContain("Check the path in policies/scope.yml");
  });
});
