/**
 * The milestone merge request rule, decided purely: which merge requests in a milestone are its
 * milestone MR (the bot's marker in the description, or the policy's title), whether one must be
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

export function isMilestoneMr(policy: MilestonePolicy, mr: ResourceSnapshot, milestoneTitle: string): boolean {
  if (descriptionMarkersIn(mr.description).includes(milestoneMrMarker(milestoneTitle))) return true;
  return mr.title.replace(DRAFT, "").trim() === milestoneMrTitle(policy, milestoneTitle);
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
