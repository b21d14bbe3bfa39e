/**
 * Writes of milestones, branches and merge requests, as scopeApply.ts carries out a scope plan's
 * actions: in a dry run the request is returned, never sent.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import { postChecked } from "./checkedPost.js";
import { sendRequest } from "./send.js";
import type { PlannedRequest } from "./writes.js";

export interface ScopeWriter {
  api: RequesterType;
  dryRun: boolean;
}

export type ScopeWriteOutcome = { status: "written"; request: PlannedRequest; body: unknown } | { status: "dry-run"; request: PlannedRequest };

/**
 * Sends a write. `find` looks for what a POST creates (by its name), so that a POST whose answer
 * was lost is not sent again when GitLab made it (see checkedPost.ts).
 */
export async function sendWrite(writer: ScopeWriter, request: PlannedRequest, find?: () => Promise<unknown>): Promise<ScopeWriteOutcome> {
  if (writer.dryRun) return { status: "dry-run", request };
  if (request.method === "PUT") return { status: "written", request, body: await sendRequest(writer.api, request) };
  const post = () => sendRequest(writer.api, request);
  const body = find === undefined ? await post() : await postChecked(post, find);
  return { status: "written", request, body };
}
