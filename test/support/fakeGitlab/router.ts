/**
 * Route table for /api/v4. Templates like `/projects/:id/issues/:iid` are matched segment by
 * segment on the raw path, so a URL-encoded full path (`group%2Fproject`) stays one segment and
 * is decoded afterwards. The matched template names the route in the request log.
 */
import type { Mutations } from "./mutations.js";
import type { Params } from "./params.js";
import type { Presenter } from "./present.js";
import type { Store } from "./store.js";
import type { UserRecord } from "./types.js";

export interface RequestContext {
  params: Params;
  path: Record<string, string>;
  user: UserRecord;
  url: URL;
  /** `METHOD /template`, for records of what caused a change. */
  route: string;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply;

export interface Deps {
  store: Store;
  mutations: Mutations;
  present: Presenter;
  perPageMax: number;
}

interface Route {
  method: string;
  template: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): void {
    this.routes.push({ method, template, segments: template.split("/").filter(Boolean), handler });
  }

  /** Finds the route for a path below /api/v4 (raw, still URL-encoded). */
  match(method: string, rawPath: string): { route: Route; path: Record<string, string> } | undefined {
    const parts = rawPath.split("/").filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const path: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const segment = route.segments[i]!;
        const part = parts[i]!;
        if (segment.startsWith(":")) path[segment.slice(1)] = safeDecode(part);
        else ok = segment === part;
      }
      if (ok) return { route, path };
    }
    return undefined;
  }

  /** Whether some route has this path under another method (GitLab answers 405 then). */
  hasPath(rawPath: string): boolean {
    return ["GET", "POST", "PUT", "DELETE"].some((m) => this.match(m, rawPath) !== undefined);
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
