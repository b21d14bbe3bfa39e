/**
 * Sending one write request to GitLab. Every writer in src/gitlab (resource plans, scope plans,
 * label writes, the plan comment) sends through here, after deciding that this is not a dry run:
 * in a dry run nothing reaches this function. Retries, rate limits and counts are the requester's.
 */
import type { RequesterType } from "@gitbeaker/requester-utils";

export interface WriteRequest {
  method: "POST" | "PUT" | "DELETE";
  /** Relative to `/api/v4/`. */
  endpoint: string;
  body?: Record<string, unknown>;
}

/** Sends the request and returns GitLab's answer. */
export async function sendRequest(api: RequesterType, request: WriteRequest): Promise<unknown> {
  const options = request.body === undefined ? {} : { body: request.body };
  const response =
    request.method === "POST"
      ? await api.post(request.endpoint, options)
      : request.method === "PUT"
        ? await api.put(request.endpoint, options)
        : await api.delete(request.endpoint, options);
  return response.body;
}
