/**
 * A proxy in front of the fake GitLab that adds label priorities the way GitLab keeps them: per
 * project, set through the project (POST with `priority`, PUT with `priority` on the project's own
 * labels and on its groups' labels, `null` removes), and shown in the project's label listing.
 * The fake GitLab itself has no priorities; the labels e2e test and bench/labels.ts use this.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeGitlab } from "../../support/fakeGitlab/index.js";

export interface PriorityProxy {
  url: string;
  /** `project path` -> label name -> priority. */
  priorities: Map<string, Map<string, number>>;
  close(): Promise<void>;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startPriorityProxy(fake: FakeGitlab, token: string): Promise<PriorityProxy> {
  const priorities = new Map<string, Map<string, number>>();
  const of = (project: string) => priorities.get(project) ?? priorities.set(project, new Map()).get(project)!;
  const forward = (path: string, method: string, body?: string) =>
    fetch(`${fake.url}${path}`, { method, headers: { "private-token": token, "content-type": "application/json" }, body });
  const visible = async (project: string) => {
    const rows: Array<{ id: number; name: string }> = [];
    for (let page = 1; ; page++) {
      const r = await forward(`/api/v4/projects/${encodeURIComponent(project)}/labels?include_ancestor_groups=true&per_page=100&page=${page}`, "GET");
      const batch = (await r.json()) as Array<{ id: number; name: string }>;
      rows.push(...batch);
      if (batch.length < 100) return rows;
    }
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, fake.url);
      const method = req.method!;
      const raw = await readAll(req);
      const m = /^\/api\/v4\/projects\/([^/]+)\/labels(?:\/([^/]+))?$/.exec(url.pathname);
      const project = m ? decodeURIComponent(m[1]!) : "";
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { ...headers, "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      const passHeaders = (r: Response) => {
        const h: Record<string, string> = {};
        r.headers.forEach((v, k) => {
          if (!["content-length", "content-encoding", "transfer-encoding", "connection", "content-type"].includes(k)) h[k] = v;
        });
        return h;
      };
      const body = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);

      if (m && method === "PUT" && m[2] !== undefined && "priority" in body) {
        const ref = decodeURIComponent(m[2]);
        const label = (await visible(project)).find((l) => String(l.id) === ref || l.name === ref);
        if (!label) return reply(404, { message: "404 Label Not Found" });
        const { priority, ...rest } = body;
        if (priority === null) of(project).delete(label.name);
        else of(project).set(label.name, Number(priority));
        if (Object.keys(rest).length > 0) {
          const r = await forward(url.pathname, "PUT", JSON.stringify(rest));
          if (!r.ok) return reply(r.status, await r.json());
        }
        return reply(200, { ...label, priority: priority ?? null });
      }
      if (m && method === "POST" && m[2] === undefined && "priority" in body) {
        const { priority, ...rest } = body;
        const r = await forward(url.pathname, "POST", JSON.stringify(rest));
        const created = (await r.json()) as { name: string };
        if (r.ok) of(project).set(created.name, Number(priority));
        return reply(r.status, { ...created, priority }, passHeaders(r));
      }
      const r = await forward(url.pathname + url.search, method, method === "GET" ? undefined : raw);
      const text = await r.text();
      if (m && method === "GET" && m[2] === undefined && r.ok) {
        const rows = (JSON.parse(text) as Array<{ name: string }>).map((row) => ({ ...row, priority: of(project).get(row.name) ?? null }));
        return reply(r.status, rows, passHeaders(r));
      }
      res.writeHead(r.status, { ...passHeaders(r), ...(text === "" ? {} : { "content-type": r.headers.get("content-type") ?? "application/json" }) });
      res.end(text);
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    priorities,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
