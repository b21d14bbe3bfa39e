/**
 * Writes that scheduled jobs make on the scope (milestones, branches, merge requests), through the
 * requester and honouring dry-run: in a dry run the request is returned, never sent.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";
import type { PlannedRequest } from "./writes.js";

export interface ScopeWriter {
  api: RequesterType;
  dryRun: boolean;
}

export type ScopeWriteOutcome = { status: "written"; request: PlannedRequest; body: unknown } | { status: "dry-run"; request: PlannedRequest };

export async function sendWrite(writer: ScopeWriter, request: PlannedRequest): Promise<ScopeWriteOutcome> {
  if (writer.dryRun) return { status: "dry-run", request };
  const response =
    request.method === "PUT"
      ? await writer.api.put(request.endpoint, { body: request.body })
      : await writer.api.post(request.endpoint, { body: request.body });
  return { status: "written", request, body: response.body };
}
