import { describe, expect, it } from "vitest";
import { createLabelRequest, deleteLabelRequest, LabelWriter, mapLabel, updateLabelRequest } from "../../../src/gitlab/labels.js";

const group = { kind: "group", path: "gitlab-com/marketing" } as const;
const project = { kind: "project", path: "gitlab-com/sales/systems" } as const;

describe("label requests", () => {
  it("create a group label with colour and description, and a project label with its priority in the same request", () => {
    expect(createLabelRequest(group, { name: "Marketo", color: "#0033cc", description: "A tool" })).toEqual({
      method: "POST",
      endpoint: "groups/gitlab-com%2Fmarketing/labels",
      route: "POST /groups/:id/labels",
      body: { name: "Marketo", color: "#0033cc", description: "A tool" },
    });
    expect(createLabelRequest(project, { name: "P::1", color: "#000000", description: "", priority: 3 }).body).toMatchObject({ priority: 3 });
  });

  it("address an update by id, or by URL-encoded name for a label created in the same run", () => {
    expect(updateLabelRequest(group, 12, { color: "#ffffff" })).toMatchObject({ endpoint: "groups/gitlab-com%2Fmarketing/labels/12", route: "PUT /groups/:id/labels/:label_id" });
    expect(updateLabelRequest(project, "MktgOpsPriority:: 00-Urgent", { priority: 1 }).endpoint).toBe("projects/gitlab-com%2Fsales%2Fsystems/labels/MktgOpsPriority%3A%3A%2000-Urgent");
    expect(deleteLabelRequest(project, 9)).toEqual({ method: "DELETE", endpoint: "projects/gitlab-com%2Fsales%2Fsystems/labels/9", route: "DELETE /projects/:id/labels/:label_id" });
  });

  it("refuse what GitLab cannot do: priorities on a group, commas in a name, empty updates", () => {
    expect(() => updateLabelRequest(group, 1, { priority: 1 })).toThrow("per project");
    expect(() => createLabelRequest(group, { name: "a", color: "#000000", description: "", priority: 1 })).toThrow("per project");
    expect(() => createLabelRequest(group, { name: "a,b", color: "#000000", description: "" })).toThrow("comma");
    expect(() => updateLabelRequest(group, 1, {})).toThrow("at least one change");
  });

  it("are not sent in dry-run", async () => {
    const api = new Proxy({}, { get: () => () => Promise.reject(new Error("must not be called")) });
    const writer = new LabelWriter(api as never, true);
    await expect(writer.send(deleteLabelRequest(group, 1))).resolves.toMatchObject({ status: "dry-run" });
  });
});

describe("mapLabel", () => {
  it("reads GitLab's label JSON: colour lower-cased, missing description and priority as empty/null, counts when present", () => {
    expect(
      mapLabel({ id: 1, name: "Marketo", color: "#0033CC", description: null, text_color: "#FFFFFF", is_project_label: true, priority: null, open_issues_count: 2, closed_issues_count: 1, open_merge_requests_count: 0 }),
    ).toEqual({ id: 1, name: "Marketo", color: "#0033cc", description: "", priority: null, isProjectLabel: true, openIssues: 2, closedIssues: 1, openMergeRequests: 0 });
    expect(mapLabel({ id: 2, name: "x", color: "#000000" })).toEqual({ id: 2, name: "x", color: "#000000", description: "", priority: null, isProjectLabel: false });
    expect(() => mapLabel({ name: "no id" })).toThrow("label");
  });
});
