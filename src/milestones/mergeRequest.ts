/**
 * The milestone merge request rule, decided purely: which merge requests in a milestone are its
 * milestone MR (the bot's marker, the policy's title or branch, or a labelled draft in the
 * milestone), whether one must be
 * created, which are duplicates, and whether an open one blocks closing the milestone.
 */
import { descriptionMarkersIn, markerKey } from "../domain/markers.js";
import type { ResourceSnapshot } from "../domain/snapshot.js";
import type { MilestonePolicy } from "../policy/model.js";

const DRAFT = /^\s*(\[draft\]|\(draft\)|draft:|draft\s-\s|\[wip\]|wip:)\s*/i;

export function milestoneMrMarker(milestoneTitle: string): string {
  return markerKey("milestone-mr", milestoneTitle);
}

export function milestoneMrTitle(policy: MilestonePolicy, milestoneTitle: string): string {
  return policy.mr.titleFormat.replaceAll("{milestone}", milestoneTitle);
}

/** Branch names allow few characters: the milestone title is lower-cased and reduced to them. */
export function milestoneMrBranch(policy: MilestonePolicy, milestoneTitle: string): string {
  const slug = milestoneTitle.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return policy.mr.branchFormat.replaceAll("{milestone}", slug);
}

/**
 * Whether `mr` is the milestone's milestone MR: the bot's marker, the policy's title, the policy's
 * branch, or, whatever its title and branch, a draft carrying the team's labels and the milestone
 * ("a `WIP` merge request ... tagged with marketing operations labels and the current milestone").
 */
export function isMilestoneMr(policy: MilestonePolicy, mr: ResourceSnapshot, milestoneTitle: string): boolean {
  if (descriptionMarkersIn(mr.description).includes(milestoneMrMarker(milestoneTitle))) return true;
  if (mr.title.replace(DRAFT, "").trim() === milestoneMrTitle(policy, milestoneTitle)) return true;
  if (mr.sourceBranch !== undefined && mr.sourceBranch === milestoneMrBranch(policy, milestoneTitle)) return true;
  return mr.draft === true && mr.milestone?.title === milestoneTitle && policy.mr.labels.every((l) => mr.labels.includes(l));
}

export type MilestoneMrDecision =
  | { kind: "create"; title: string; branch: string }
  | { kind: "ok"; mr: ResourceSnapshot; missingLabels: string[] }
  | { kind: "merged"; mr: ResourceSnapshot }
  | { kind: "duplicates"; open: ResourceSnapshot[]; missingLabels: string[] };

/** `mergeRequests`: the merge requests of the milestone in the milestone MR's project, any state. */
export function decideMilestoneMr(policy: MilestonePolicy, milestoneTitle: string, mergeRequests: ResourceSnapshot[]): MilestoneMrDecision {
  const mine = mergeRequests.filter((mr) => isMilestoneMr(policy, mr, milestoneTitle));
  const open = mine.filter((mr) => mr.state === "opened").sort((a, b) => a.iid - b.iid);
  const missing = (mr: ResourceSnapshot) => policy.mr.labels.filter((l) => !mr.labels.includes(l));
  if (open.length > 1) return { kind: "duplicates", open, missingLabels: missing(open[0]!) };
  if (open.length === 1) return { kind: "ok", mr: open[0]!, missingLabels: missing(open[0]!) };
  const merged = mine.find((mr) => mr.state === "merged");
  if (merged !== undefined) return { kind: "merged", mr: merged };
  return { kind: "create", title: `Draft: ${milestoneMrTitle(policy, milestoneTitle)}`, branch: milestoneMrBranch(policy, milestoneTitle) };
}

/** The open milestone MR that forbids closing the milestone, if any (a merged one allows it). */
export function mrBlockingClose(policy: MilestonePolicy, milestoneTitle: string, mergeRequests: ResourceSnapshot[]): ResourceSnapshot | undefined {
  return mergeRequests.filter((mr) => mr.state === "opened" && isMilestoneMr(policy, mr, milestoneTitle)).sort((a, b) => a.iid - b.iid)[0];
}
