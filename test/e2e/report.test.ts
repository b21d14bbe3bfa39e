/**
 * `mops-bot report` end to end: the fake GitLab seeded with the demo board (plus a closed issue and
 * a rolled-over issue in the current milestone, and an overdue tool audit), the GitLab adapter over
 * HTTP, the page written to a folder. The page is then opened from file:// in Debian's Chromium
 * (headless, driven over the DevTools protocol on a pipe: no port, no network, no extra package):
 * the charts must have drawn, the numbers must match the seeded board, and a screenshot is saved.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ISSUES } from "../../src/demo/board.js";
import { markerComment, markerKey } from "../../src/domain/markers.js";
import { runReportCommand } from "../../src/report/commands.js";
import { SANDBOX_NOW, SANDBOX_TOKEN, type Sandbox, startSandbox } from "../support/sandbox.js";
import { loadConfig } from "../../src/config.js";

const DAY = 86_400_000;
let sb: Sandbox;
let out: string;
let closedIid: number;
let rolledIid: number;

/** Debian's chromium, installed by scripts/chromium.sh when missing; the reason when it cannot be. */
function findChromium(): { path: string } | { reason: string } {
  try {
    const found = execFileSync("scripts/chromium.sh", ["install"], { encoding: "utf8", timeout: 600_000, stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n").at(-1)!;
    return existsSync(found) ? { path: found } : { reason: `scripts/chromium.sh printed "${found}", which does not exist` };
  } catch (e) {
    const stderr = (e as { stderr?: string }).stderr?.trim();
    return { reason: stderr || (e instanceof Error ? e.message : String(e)) };
  }
}
const chromium = findChromium();
if ("reason" in chromium) {
  console.warn(`\n!!! SKIPPING the report's browser test: Chromium is not available and could not be installed.\n${chromium.reason.split("\n").slice(-5).map((l) => `!!! ${l}`).join("\n")}\n`);
}

beforeAll(async () => {
  sb = await startSandbox();
  const mops = sb.projects.mops;
  // A closed issue of the current milestone, completed yesterday.
  closedIid = sb.fake.addIssue(mops, {
    title: "Marketo: retire the old webinar program",
    labels: ["MktgOps::08: Completed", "MktgOpsPriority:: 03-Low"],
    milestone: sb.milestones.current,
    assignees: ["mops.member3"],
    author: "dan.fieldmktg",
    createdAt: new Date(SANDBOX_NOW.getTime() - 20 * DAY),
    state: "closed",
    closedAt: new Date(SANDBOX_NOW.getTime() - DAY),
  }).iid;
  // The milestones job rolled "Lead scoring model refresh" over from the past milestone.
  const lead = DEMO_ISSUES.findIndex((d) => d.title === "Lead scoring model refresh");
  rolledIid = lead + 1;
  sb.fake.addNote(mops, rolledIid, {
    body: `Moved to ${sb.milestones.current}: why did it not finish?\n\n${markerComment(markerKey("milestone-rollover", sb.milestones.past))}`,
    author: sb.policy.scope.botUsername,
    createdAt: new Date(SANDBOX_NOW.getTime() - 2 * DAY),
  });
  // An audit issue the tool-audits job opened last quarter and nobody finished.
  sb.fake.addIssue(mops, {
    title: "Tool user audit: Marketo — 2026-Q3",
    description: `Audit the Marketo users.\n\n${markerComment("tool-audit:Marketo:2026-Q3")}`,
    labels: ["Mktg Tool Audit", "Marketo"],
    author: sb.policy.scope.botUsername,
    assignees: ["mops.member1"],
    dueDate: "2026-07-15",
    createdAt: new Date("2026-07-01T12:00:00Z"),
  });
  out = await mkdtemp(path.join(tmpdir(), "mops-report-"));
  const runtime = await sb.runtime({ dryRun: true });
  const lines: string[] = [];
  const code = await runReportCommand({ out }, { out: (t) => lines.push(t), err: (t) => lines.push(t) }, { runtime, config: loadConfig({ GITLAB_URL: `${sb.fake.url}/api/v4`, GITLAB_TOKEN: SANDBOX_TOKEN }) });
  expect(code, lines.join("\n")).toBe(0);
  expect(lines.join("\n")).toContain(`Report written to ${path.join(out, "index.html")}`);
});
afterAll(async () => {
  await sb?.close();
  if (out) await rm(out, { recursive: true, force: true });
});

/** The stage (or step) each seeded issue is in: the last label of the scope it was given. */
function expectedCounts(project: "mops" | "sales-systems", scope: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of DEMO_ISSUES.filter((x) => x.project === project)) {
    if (project === "sales-systems" && !d.labels.includes("entapps-customer::MOPS")) continue;
    const label = d.labels.map((l) => sb.policy.taxonomy.canonical(l) ?? l).filter((l) => l.startsWith(`${scope}::`)).at(-1);
    if (label !== undefined) counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

describe("mops-bot report", () => {
  it("writes index.html, its stylesheet and the figures, and writes nothing to GitLab", async () => {
    expect(sb.fake.writes()).toEqual([]);
    const html = await readFile(path.join(out, "index.html"), "utf8");
    expect(html).toContain('<link rel="stylesheet" href="report.css">');
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[^"]*\.(js|css)"/); // nothing fetched from elsewhere
    expect(await readFile(path.join(out, "report.css"), "utf8")).toContain("svg.chart");
    const model = JSON.parse(await readFile(path.join(out, "report.json"), "utf8")) as { milestone: { committed: { value: number }; closed: { value: number }; rolledOver: { ref: string; from: string[] }[] } };
    const inCurrent = DEMO_ISSUES.filter((d) => d.milestone === "current").length;
    expect(model.milestone.committed.value).toBe(inCurrent + 1);
    expect(model.milestone.closed.value).toBe(1);
    expect(model.milestone.rolledOver).toEqual([expect.objectContaining({ ref: `${sb.projects.mops}#${rolledIid}`, from: [sb.milestones.past] })]);
    // Links go to the GitLab the bot reads (GITLAB_URL without /api/v4), filtered like the count.
    expect(html).toContain(`href="${sb.fake.url}/${sb.projects.mops}/-/issues?state=opened&amp;label_name%5B%5D=MktgOps%3A%3A04%3A%20In%20Progress"`);
    expect(html).toContain(`href="${sb.fake.url}/groups/${sb.policy.scope.group}/-/issues?state=closed&amp;milestone_title=${encodeURIComponent(sb.milestones.current)}"`);
    expect(closedIid).toBeGreaterThan(0);
  });

  it.skipIf("reason" in chromium)("renders in Chromium from file://: charts drawn, counts as seeded, screenshot saved", async () => {
    const browser = await launch((chromium as { path: string }).path);
    try {
      const page = await browser.open(pathToFileURL(path.join(out, "index.html")).href);
      const seen = await page.evaluate<{
        title: string;
        charts: { id: string; width: number; height: number; marks: number }[];
        counts: Record<string, number>;
        stuckItems: number;
        breachedItems: number;
      }>(`(() => {
        const charts = [...document.querySelectorAll("svg.chart")].map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll(".segment rect, .point > *:first-child, path.series")].filter((m) => { const b = m.getBBox(); return b.width > 0 && b.height > 0; });
          return { id: svg.dataset.chart, width: box.width, height: box.height, marks: marks.length };
        });
        const counts = {};
        for (const e of document.querySelectorAll("[data-count]")) counts[e.dataset.count] = Number(e.textContent);
        return { title: document.title, charts, counts, stuckItems: document.querySelectorAll("#stuck + ul li").length, breachedItems: document.querySelectorAll("#breached + ul li").length };
      })()`);
      expect(seen.title).toContain("Marketing Operations report");
      expect(seen.charts.map((c) => c.id).sort()).toEqual(["chart-board", "chart-burnup", "chart-sla", "chart-sla-trend", "chart-steps"]);
      for (const c of seen.charts) {
        expect(c.width, c.id).toBeGreaterThan(200);
        expect(c.height, c.id).toBeGreaterThan(50);
        expect(c.marks, `${c.id} drew nothing`).toBeGreaterThan(0);
      }
      // The board and the Sales Systems steps count what was seeded.
      const stages = expectedCounts("mops", "MktgOps");
      for (const label of sb.policy.taxonomy.set("MktgOps")!.labels.filter((l) => /::0\d:/.test(l))) {
        expect(seen.counts[`stage:${label}`], label).toBe(stages.get(label) ?? 0);
      }
      expect(seen.counts["board:total"]).toBe([...stages.values()].reduce((a, b) => a + b, 0));
      const steps = expectedCounts("sales-systems", "MktgOpsPrio");
      for (const [label, n] of steps) expect(seen.counts[`step:${label}`], label).toBe(n);
      expect(seen.counts["steps:total"]).toBe(DEMO_ISSUES.filter((d) => d.labels.includes("entapps-customer::MOPS")).length);
      // The milestone: the demo's current issues plus the closed one; the rollover; the overdue audit.
      expect(seen.counts["milestone:committed"]).toBe(DEMO_ISSUES.filter((d) => d.milestone === "current").length + 1);
      expect(seen.counts["milestone:closed"]).toBe(1);
      expect(seen.counts["milestone:rolled-over"]).toBe(1);
      expect(seen.counts["tools:open-audits"]).toBe(1);
      expect(seen.counts["tools:overdue-audits"]).toBe(1);
      // Lists agree with their counts.
      const stuck = Object.entries(seen.counts).filter(([k]) => k.startsWith("stuck:")).reduce((a, [, v]) => a + v, 0);
      expect(seen.stuckItems).toBe(stuck);
      const breached = Object.entries(seen.counts).filter(([k]) => k.startsWith("sla-breached:")).reduce((a, [, v]) => a + v, 0);
      expect(seen.breachedItems).toBe(breached);
      expect(breached).toBeGreaterThan(0);

      // One file, replaced by each run, so repeated runs do not fill the temp folder.
      const shot = path.join(tmpdir(), "mops-report-screenshot.png");
      await writeFile(shot, await page.screenshot());
      console.info(`Report screenshot: ${shot}`);
      expect((await readFile(shot)).subarray(1, 4).toString()).toBe("PNG");
    } finally {
      await browser.close();
    }
  }, 60_000);
});

// ---- a minimal DevTools protocol client over --remote-debugging-pipe (fd 3 in, fd 4 out) ----

interface Browser {
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}
interface Page {
  evaluate<T>(expression: string): Promise<T>;
  screenshot(): Promise<Buffer>;
}

async function launch(executable: string): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), "mops-chromium-"));
  const args = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", `--user-data-dir=${profile}`, "--remote-debugging-pipe", "--hide-scrollbars", "about:blank",
  ];
  const child: ChildProcess = spawn(executable, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
  let log = "";
  child.stderr!.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const waiters: { method: string; resolve: () => void }[] = [];
  let buffer = "";
  output.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    let end: number;
    while ((end = buffer.indexOf("\0")) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as { id?: number; method?: string; result?: unknown; error?: { message: string } };
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) p?.reject(new Error(message.error.message));
        else p?.resolve(message.result);
      } else if (message.method) {
        for (const w of waiters.filter((x) => x.method === message.method)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error(`Chromium exited: ${log}`));
  });
  const send = <T>(method: string, params: object = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const event = (method: string) => new Promise<void>((resolve) => waiters.push({ method, resolve }));
  return {
    async open(url) {
      const { targetId } = await send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
      await send("Page.enable", {}, sessionId);
      await send("Emulation.setDeviceMetricsOverride", { width: 1200, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
      const loaded = event("Page.loadEventFired");
      await send("Page.navigate", { url }, sessionId);
      await loaded;
      return {
        async evaluate<T>(expression: string) {
          const r = await send<{ result: { value: T }; exceptionDetails?: { text: string } }>("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
          if (r.exceptionDetails) throw new Error(`page script failed: ${r.exceptionDetails.text}`);
          return r.result.value;
        },
        async screenshot() {
          const r = await send<{ data: string }>("Page.captureScreenshot", { format: "png", captureBeyondViewport: true }, sessionId);
          return Buffer.from(r.data, "base64");
        },
      };
    },
    async close() {
      await Promise.race([send("Browser.close").catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      await rm(profile, { recursive: true, force: true });
    },
  };
}
