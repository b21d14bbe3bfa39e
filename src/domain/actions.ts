/**
 * Actions are what rules return: intentions, not API calls. The engine merges the actions of all
 * rules for one resource into a plan; only gitlab/apply turns a plan into writes.
 * Every action names the rule that produced it and a reason a MOps reader understands.
 */

export interface ActionOrigin {
  /** Id of the rule that produced the action. */
  rule: string;
  /** One sentence, written for a MOps reader, saying why. */
  reason: string;
  /**
   * Set on what an SLA says about a goal missed before the adoption date (rollout.yml): such
   * problems are listed in the adoption report instead of announced.
   */
  adoption?: "sla-missed";
}

export type Action = ActionOrigin &
  (
    | { type: "add_labels"; labels: string[] }
    | { type: "remove_labels"; labels: string[] }
    /**
     * A message for the resource's note. `marker` is the stable key of what is being said: when a
     * note carrying this marker already exists, the comment is not posted again. `records` are
     * further markers the note keeps as the bot's memory (a command reply records an approval).
     * The body is text, never a marker: anything in it that looks like one is removed.
     */
    | { type: "comment"; body: string; marker: string; records?: string[] }
    | { type: "close" }
    | { type: "reopen" }
    | { type: "set_milestone"; milestoneId: number | null; milestoneTitle: string | null }
    | { type: "set_assignees"; usernames: string[]; userIds: number[] }
    | { type: "set_due_date"; dueDate: string | null }
    | { type: "set_confidential"; confidential: boolean }
    /**
     * A Slack message about the resource. Posted once per `marker`: the bot records the post in a
     * note on the resource carrying the marker, so a rerun (or the webhook and the sweep both
     * seeing the same merge) never posts twice.
     */
    | { type: "notify_slack"; channel: string; marker: string; message: SlackMessage }
  );

/** A message in Slack's incoming-webhook format: `text` (the fallback and notification text) and optional blocks. */
export interface SlackMessage {
  text: string;
  blocks?: Record<string, unknown>[];
}

export type ActionType = Action["type"];

export type ActionOf<T extends ActionType> = Extract<Action, { type: T }>;

/**
 * Actions a scheduled job takes on the scope rather than on one issue (create an audit issue,
 * post a Slack message, create a milestone...), as run reports show them beside the per-resource
 * actions. What is written is decided as a ScopePlan (engine/scopePlan.ts) and carried out by
 * `platform.applyScope`; the job renders these from its outcomes.
 */
export type ScopeAction = ActionOrigin &
  (
    | { type: "create_issue"; project: string; title: string; marker: string; labels: string[] }
    | { type: "update_issue"; ref: string; marker: string; what: string }
    | { type: "post_slack"; channel: string; marker: string; text: string }
    | { type: "create_milestone"; title: string; startDate: string; dueDate: string }
    | { type: "update_milestone"; title: string; what: string }
    | { type: "reactivate_milestone"; title: string; mergeRequest: string }
    | { type: "flag_milestone"; title: string; problem: string }
    | { type: "create_merge_request"; project: string; title: string; branch: string; milestone: string }
    | { type: "flag_merge_requests"; milestone: string; refs: string[]; problem: string }
    | { type: "flag_issues"; milestone: string; refs: string[]; problem: string }
  );

export type ReportedAction = Action | ScopeAction;
