/**
 * Errors raised by the GitLab adapter. Each message says what happened and what a MOps person
 * can do about it, names the endpoint by its route template and the project or group it was
 * about, and never contains the token.
 */
import { STATUS_CODES } from "node:http";
import { subjectOf } from "./routes.js";

export const REDACTED = "[REDACTED]";

/** Replace every occurrence of the given secrets in a text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  // Tokens GitLab issues have recognisable prefixes; scrub them even when they are not ours.
  return out.replace(/\b(glpat|gloas|gldt|glrt|glptt|glft|glimt|glagent|glsoat|glcbt)-[A-Za-z0-9_.-]{8,}/g, REDACTED);
}

export interface RequestDescription {
  method: string;
  /** `/projects/:id/issues/:iid` */
  route: string;
  /** The concrete endpoint (`/projects/group%2Fproject/issues/12`); names no secret. */
  endpoint: string;
  /** The trace id attached to the request, when there was one. */
  traceId?: string;
}

function statusText(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? "Unknown"}`;
}

function about(req: RequestDescription): string {
  const subject = subjectOf(req.endpoint);
  return subject === undefined ? "" : ` (${subject})`;
}

function accessHint(req: RequestDescription): string {
  const subject = subjectOf(req.endpoint) ?? "the project";
  if (req.method === "GET") {
    return `the token's user cannot read ${subject}; give it at least Reporter access, and make sure the token has the api (or read_api) scope.`;
  }
  return `the token's user needs at least Reporter access to ${subject} (Developer for merge requests), and the token needs the api scope.`;
}

/** The GitLab version that added each history endpoint (doc/api/resource_*_events.md in gitlabhq). */
const HISTORY_SINCE: Record<string, string> = {
  resource_label_events: "11.3",
  resource_milestone_events: "13.1",
  resource_state_events: "13.2",
};

const ITEM_NAMES: Record<string, string> = { labels: "label", milestones: "milestone", notes: "note", hooks: "webhook", repository: "branch or file" };

/**
 * What a 404 means depends on what was asked: a missing project or group is a scope.yml problem,
 * a missing issue or merge request was deleted or moved, and a missing history endpoint is an
 * older GitLab. Only the first sends people to scope.yml.
 */
function notFoundHint(req: RequestDescription): string {
  const segments = req.route.split("/").filter((s) => s !== "");
  const history = segments.find((s) => s in HISTORY_SINCE);
  const item = segments.includes("merge_requests") ? "merge request" : segments.includes("issues") ? "issue" : (ITEM_NAMES[segments[2] ?? ""] ?? "item");
  if (history !== undefined) {
    return `this GitLab does not offer ${history} (GitLab ${HISTORY_SINCE[history]} or newer has it), or the ${item} is gone. Only the rules that need this history are skipped for it.`;
  }
  // `/projects/:id/<collection>/<id>…`: an item inside the project or group is missing, not the project.
  if (segments.length >= 4) return `the ${item} no longer exists (deleted or moved), or the token's user cannot see it.`;
  return `it does not exist, or the token's user cannot see it. Check the path in policies/scope.yml and the user's membership.`;
}

function hintFor(status: number, req: RequestDescription, gitlabMessage: string): string {
  if (status === 401) {
    return "the token is missing, expired or revoked. Create a new access token with the api scope and put it in the bot's configuration.";
  }
  if (status === 403) return accessHint(req);
  if (status === 404) return notFoundHint(req);
  if (status === 429) {
    return "GitLab's rate limit stayed hit for as long as the bot waits. Something else using the same GitLab user (another bot replica, a script) may be spending its budget; stop that or run again later.";
  }
  if (status >= 500) return "GitLab is failing or overloaded. Nothing more was changed; run again later.";
  return gitlabMessage === "" ? "GitLab did not say why." : `GitLab said: ${gitlabMessage}`;
}

function describeDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} minutes`;
}

/** GitLab answered with an HTTP error (after any retries). */
export class GitLabApiError extends Error {
  readonly status: number;
  readonly method: string;
  readonly route: string;
  readonly endpoint: string;
  /** GitLab's own message from the response body, redacted. */
  readonly gitlabMessage: string;
  /** GitLab's correlation id (`X-Request-Id` response header), for GitLab support. */
  readonly gitlabRequestId: string | undefined;
  readonly traceId: string | undefined;
  readonly attempts: number;

  constructor(args: {
    status: number;
    request: RequestDescription;
    gitlabMessage: string;
    gitlabRequestId?: string | undefined;
    attempts: number;
    /** For a 429: how long GitLab kept answering 429 before the bot gave up, in ms. */
    throttledForMs?: number;
  }) {
    const { status, request, gitlabMessage, attempts } = args;
    const tries =
      args.throttledForMs !== undefined
        ? ` for ${describeDuration(args.throttledForMs)}`
        : attempts > 1
          ? ` after ${attempts} attempts`
          : "";
    const said = gitlabMessage !== "" && status < 500 && status !== 400 && status !== 409 && status !== 422 ? ` (GitLab said: ${gitlabMessage})` : "";
    super(
      `GitLab answered ${statusText(status)} for ${request.method} ${request.route}${about(request)}${tries}: ${hintFor(status, request, gitlabMessage)}${said}`,
    );
    this.name = "GitLabApiError";
    this.status = status;
    this.method = request.method;
    this.route = request.route;
    this.endpoint = request.endpoint;
    this.gitlabMessage = gitlabMessage;
    this.gitlabRequestId = args.gitlabRequestId;
    this.traceId = request.traceId;
    this.attempts = attempts;
  }
}

/** GitLab could not be reached at all (DNS, refused connection, reset, timeout), after retries. */
export class GitLabNetworkError extends Error {
  readonly method: string;
  readonly route: string;
  readonly traceId: string | undefined;
  readonly attempts: number;

  constructor(args: { request: RequestDescription; host: string; reason: string; attempts: number }) {
    const { request, host, reason, attempts } = args;
    super(
      `Could not reach GitLab at ${host} for ${request.method} ${request.route}${about(request)} after ${attempts} attempt(s): ${reason}. Check the GitLab URL in the bot's configuration and the network.`,
    );
    this.name = "GitLabNetworkError";
    this.method = request.method;
    this.route = request.route;
    this.traceId = request.traceId;
    this.attempts = attempts;
  }
}

/**
 * A POST that creates something got no clear answer: a 5xx (a proxy may say 504 after GitLab made
 * the write) or no answer at all. It was not sent again, since GitLab may have carried it out; the
 * writer looks for what it created before sending it again (see gitlab/checkedPost.ts).
 */
export class UncertainWriteError extends Error {
  /** What the request ended with: the HTTP error, or the network failure. */
  readonly failure: GitLabApiError | GitLabNetworkError;
  /** Waits as the requester would before its `attempt`-th retry (backoff), before a write is sent again. */
  readonly pause: (attempt: number) => Promise<void>;

  constructor(failure: GitLabApiError | GitLabNetworkError, pause: (attempt: number) => Promise<void> = () => Promise.resolve()) {
    super(`${failure.message} GitLab may have carried the write out anyway.`);
    this.name = "UncertainWriteError";
    this.failure = failure;
    this.pause = pause;
  }
}

/** A write was refused before anything was sent, because it would damage GitLab data. */
export class RefusedWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedWriteError";
  }
}

/** GitLab sent something the bot cannot use (a field it relies on is missing or of the wrong type). */
export class GitLabDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitLabDataError";
  }
}

/** GitLab's error text from a response body (`{"message": ...}` or `{"error": ...}` or plain text). */
export function gitlabMessageOf(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 500).trim();
  if (body !== null && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const value = record.message ?? record.error ?? record.error_description;
    if (typeof value === "string") return value;
    if (value !== undefined) return JSON.stringify(value).slice(0, 500);
  }
  return "";
}
