/**
 * One action as a short phrase for people ("+ \"label\"", "close", "due date 2026-01-05"). The run
 * report, the convergence rounds, `rules explain` and the plan diff all speak of actions this way;
 * it sits apart from the report so the rounds can use it without importing the report that uses them.
 */
import type { ReportedAction } from "../domain/actions.js";

export function describeAction(a: ReportedAction): string {
  switch (a.type) {
    case "add_labels":
      return `+ ${a.labels.map((l) => `"${l}"`).join(", ")}`;
    case "remove_labels":
      return `- ${a.labels.map((l) => `"${l}"`).join(", ")}`;
    case "comment":
      return "note to the people on it";
    case "close":
      return "close";
    case "reopen":
      return "reopen";
    case "set_milestone":
      return a.milestoneTitle ? `milestone "${a.milestoneTitle}"` : "remove the milestone";
    case "set_assignees":
      return a.usernames.length ? `assign ${a.usernames.join(", ")}` : "unassign";
    case "set_due_date":
      return a.dueDate ? `due date ${a.dueDate}` : "remove the due date";
    case "set_confidential":
      return a.confidential ? "make confidential" : "make public";
    case "create_issue":
      return `create issue "${a.title}" in ${a.project}`;
    case "update_issue":
      return `update ${a.ref}: ${a.what}`;
    case "post_slack":
      return `Slack message to ${a.channel}`;
    case "notify_slack":
      return `Slack message to #${a.channel}`;
    case "create_milestone":
      return `create milestone "${a.title}" (${a.startDate} to ${a.dueDate})`;
    case "update_milestone":
      return `update milestone "${a.title}": ${a.what}`;
    case "reactivate_milestone":
      return `reopen milestone "${a.title}" while ${a.mergeRequest} is open`;
    case "flag_milestone":
      return `flag milestone "${a.title}": ${a.problem}`;
    case "create_merge_request":
      return `create draft merge request "${a.title}" in ${a.project} (branch ${a.branch}, milestone "${a.milestone}")`;
    case "flag_merge_requests":
      return `flag ${a.refs.join(", ")} in milestone "${a.milestone}": ${a.problem}`;
    case "flag_issues":
      return `list ${a.refs.join(", ")} in milestone "${a.milestone}": ${a.problem}`;
  }
}
