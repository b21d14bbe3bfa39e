/**
 * "Ensure" an issue by the hidden marker in its description, as markedNotes.ts ensures a note:
 * find the bot's issue carrying the marker, create it when missing, edit it only when its text,
 * labels or state differ from what is wanted, otherwise write nothing. Every scheduled job that
 * keeps an issue (SLA report, digest, triage summaries, daily lists, adoption reports, tool
 * audits) goes through here, so they agree on the rules:
 *
 * - duplicates: of several of the bot's issues carrying the marker, the oldest (lowest iid) is the
 *   issue; the others are returned, for the job to report or close, and never written;
 * - text is compared as GitLab stores it (storedText.ts), after the quick-action neutralising that
 *   every write gets (writes.ts `planned`), so a rerun with the same text stays quiet;
 * - labels are added when missing and never removed (people may add their own);
 * - assignees and due date are set on creation only: afterwards they are the team's.
 */
import { descriptionMarkersIn, markerComment } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import { neutraliseQuickActions } from "../domain/text.js";
import type { EnsuredIssue, MarkedIssue, MarkedIssueQuery } from "../engine/scopePlan.js";
import { sameStoredText } from "./storedText.js";
import type { PlannedRequest } from "./writes.js";

/** What the platform lends ensureIssue: its marker lookup, and its issue writes (which honour dry-run). */
export interface IssueWriter {
  findByMarker(query: MarkedIssueQuery, marker: string): Promise<ResourceSnapshot[]>;
  createIssue(input: {
    projectPath: string;
    title: string;
    description: string;
    labels?: string[];
    assigneeIds?: number[];
    dueDate?: string;
  }): Promise<{ status: "written"; request: PlannedRequest; result: ResourceSnapshot } | { status: "dry-run"; request: PlannedRequest }>;
  updateIssue(
    issue: ResourceSnapshot,
    changes: IssueChanges,
  ): Promise<{ status: "written"; request: PlannedRequest; result: ResourceSnapshot } | { status: "dry-run"; request: PlannedRequest }>;
}

/** Fields of one `PUT /projects/:id/issues/:iid`, each present only when it changes something. */
export interface IssueChanges {
  description?: string;
  addLabels?: string[];
  stateEvent?: "close" | "reopen";
}

export interface EnsureIssueOptions {
  /** What a read already found for the marker; looked up with `lookup` when absent. */
  found?: readonly ResourceSnapshot[];
  lookup?: Omit<MarkedIssueQuery, "project">;
  /** False: a missing issue stays missing. */
  createIfMissing?: boolean;
  /** Never rewrite an existing issue's description. */
  keepBody?: boolean;
}

export interface EnsureIssueResult extends EnsuredIssue {
  requests: PlannedRequest[];
}

/** The description with its marker on a line of its own, as the lookup finds it again. */
export function withMarker(body: string, marker: string): string {
  return descriptionMarkersIn(body).includes(marker) ? body : `${body.trimEnd()}\n\n${markerComment(marker)}`;
}

/**
 * What must change on `issue` for it to be as wanted; null when nothing does. Pure: the decision
 * part of ensureIssue.
 */
export function issueChanges(issue: ResourceSnapshot, wanted: { body?: string; labels?: readonly string[]; state?: "opened" | "closed" }): IssueChanges | null {
  const changes: IssueChanges = {};
  // Compared as GitLab will store it (planned() neutralises quick actions), so reruns stay quiet.
  if (wanted.body !== undefined && !sameStoredText(issue.description, neutraliseQuickActions(wanted.body))) changes.description = wanted.body;
  const missing = (wanted.labels ?? []).filter((l) => !issue.labels.includes(l));
  if (missing.length > 0) changes.addLabels = missing;
  if (wanted.state !== undefined && wanted.state !== issue.state) changes.stateEvent = wanted.state === "closed" ? "close" : "reopen";
  return Object.keys(changes).length === 0 ? null : changes;
}

export async function ensureIssue(writer: IssueWriter, wanted: MarkedIssue, options: EnsureIssueOptions = {}): Promise<EnsureIssueResult> {
  const found = options.found ?? (await writer.findByMarker({ project: wanted.project, ...options.lookup }, wanted.marker));
  const [issue, ...duplicates] = [...found].sort((a, b) => a.iid - b.iid);
  const body = withMarker(wanted.body, wanted.marker);
  if (issue === undefined) {
    if (options.createIfMissing === false) return { status: "missing", issue: null, duplicates: [], requests: [] };
    const outcome = await writer.createIssue({
      projectPath: wanted.project.path,
      title: wanted.title,
      description: body,
      ...(wanted.labels !== undefined ? { labels: wanted.labels } : {}),
      ...(wanted.assigneeIds !== undefined ? { assigneeIds: wanted.assigneeIds } : {}),
      ...(wanted.dueDate !== undefined ? { dueDate: wanted.dueDate } : {}),
    });
    return { status: "created", issue: outcome.status === "written" ? outcome.result : null, duplicates: [], requests: [outcome.request] };
  }
  const changes = issueChanges(issue, { body: options.keepBody ? undefined : body, labels: wanted.labels, state: wanted.state });
  if (changes === null) return { status: "unchanged", issue, duplicates, requests: [] };
  const outcome = await writer.updateIssue(issue, changes);
  return { status: "updated", issue: outcome.status === "written" ? outcome.result : issue, duplicates, requests: [outcome.request] };
}
