/**
 * zod schemas for the parts of GitLab's API responses the bot relies on. Objects are loose
 * (unknown fields pass through) so GitLab adding fields never breaks the bot; fields the bot
 * reads are checked, and timestamps are kept as strings to be read leniently by dates.ts.
 */
import { z } from "zod";

const id = z.number().int();
const text = z.string();
/** A timestamp as GitLab sent it; parsed later so a malformed one does not reject the object. */
const timestamp = z.string().nullish();

export const userSchema = z.looseObject({
  id,
  username: text,
  name: text.nullish(),
});
export type GitLabUser = z.infer<typeof userSchema>;

export const milestoneSchema = z.looseObject({
  id,
  iid: id.nullish(),
  title: text,
  state: z.string(),
  start_date: z.string().nullish(),
  due_date: z.string().nullish(),
  web_url: z.string().nullish(),
  project_id: id.nullish(),
  group_id: id.nullish(),
  updated_at: timestamp,
});
export type GitLabMilestone = z.infer<typeof milestoneSchema>;

const issuableFields = {
  id,
  iid: id,
  project_id: id,
  title: text,
  description: z.string().nullish(),
  state: z.string(),
  /** Plain names (the bot never asks for `with_labels_details`). */
  labels: z.array(z.string()).default([]),
  milestone: milestoneSchema.nullish(),
  assignees: z.array(userSchema).nullish(),
  assignee: userSchema.nullish(),
  author: userSchema,
  created_at: timestamp,
  updated_at: timestamp,
  closed_at: timestamp,
  /** Who closed it (doc/api/issues.md, `closed_by`): the bot's own close is not a person's. */
  closed_by: userSchema.nullish(),
  web_url: text,
  references: z.looseObject({ full: z.string().optional() }).nullish(),
  /** Comments on the resource; 0 lets the engine skip reading notes to look for its markers. */
  user_notes_count: z.number().int().nonnegative().nullish(),
};

export const issueSchema = z.looseObject({
  ...issuableFields,
  due_date: z.string().nullish(),
  confidential: z.boolean().nullish(),
});
export type GitLabIssue = z.infer<typeof issueSchema>;

export const mergeRequestSchema = z.looseObject({
  ...issuableFields,
  draft: z.boolean().nullish(),
  work_in_progress: z.boolean().nullish(),
  merged_at: timestamp,
  source_branch: z.string().nullish(),
});
export type GitLabMergeRequest = z.infer<typeof mergeRequestSchema>;

export const noteSchema = z.looseObject({
  id,
  body: z.string().nullish(),
  author: userSchema,
  created_at: timestamp,
  updated_at: timestamp,
  system: z.boolean().nullish(),
});
export type GitLabNote = z.infer<typeof noteSchema>;

export const labelEventSchema = z.looseObject({
  id,
  action: z.string(),
  /** null when the label has since been deleted. */
  label: z.looseObject({ id: id.nullish(), name: text }).nullish(),
  user: userSchema.nullish(),
  created_at: timestamp,
});
export type GitLabLabelEvent = z.infer<typeof labelEventSchema>;

export const groupSchema = z.looseObject({
  id,
  full_path: text,
});
export type GitLabGroup = z.infer<typeof groupSchema>;

export const currentUserSchema = userSchema;
