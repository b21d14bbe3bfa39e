/**
 * What the bot may say about an issue in a place other people read: Slack, the digest, summary and
 * report issues, the static report page. A confidential issue is seen in GitLab only by project
 * members with Reporter access and by its author and assignees; anything the bot copies out of it
 * would be read by everyone who reads the destination. So outside a confidential issue of the same
 * project, a confidential issue is "a confidential issue" with its reference, never its title,
 * description or labels.
 */

export const CONFIDENTIAL_ISSUE = "a confidential issue";

export interface Disclosable {
  confidential: boolean;
  title: string;
  projectPath: string;
}

/** Where the text goes: null for anything that is not a GitLab issue (Slack, the report page). */
export type Destination = { confidential: boolean; projectPath: string } | null;

/** Whether `destination` may show what `issue` holds (its title, description and labels). */
export function mayDisclose(issue: Pick<Disclosable, "confidential" | "projectPath">, destination: Destination): boolean {
  if (!issue.confidential) return true;
  return destination !== null && destination.confidential && destination.projectPath === issue.projectPath;
}

/** The issue's title, or "a confidential issue" where that title may not be shown. */
export function disclosedTitle(issue: Disclosable, destination: Destination): string {
  return mayDisclose(issue, destination) ? issue.title : CONFIDENTIAL_ISSUE;
}
