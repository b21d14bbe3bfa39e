/**
 * Writing the report: read GitLab through a read-only view (the plan command's shared reads: one
 * listing, one history per issue, every write refused), compute the page, and write `index.html`,
 * its stylesheet and the figures as `report.json` into one folder.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { RequestStats } from "../engine/platform.js";
import { SharedReads, sideView } from "../engine/sharedReads.js";
import type { Runtime } from "../runtime.js";
import { collectReportInput } from "./collect.js";
import { REPORT_CSS, renderReportHtml, STYLESHEET } from "./html.js";
import { buildReportModel, DEFAULT_SETTINGS, type ReportSettings } from "./model.js";
import type { ReportModel } from "./types.js";

export interface WriteReportOptions {
  out: string;
  /** The GitLab the page links to (GITLAB_URL). */
  gitlabUrl: string;
  settings?: Partial<ReportSettings>;
  /** Label histories read at most (default 2000). */
  historyLimit?: number;
}

export interface WrittenReport {
  dir: string;
  index: string;
  model: ReportModel;
  openIssues: number;
  apiRequests: RequestStats;
}

/** The model as JSON: maps become objects, so other tools (and the tests) can read the figures. */
export function reportJson(model: ReportModel): string {
  return `${JSON.stringify(model, (_key, value: unknown) => (value instanceof Map ? Object.fromEntries(value) : value), 2)}\n`;
}

export async function writeReport(runtime: Runtime, options: WriteReportOptions): Promise<WrittenReport> {
  const settings: ReportSettings = { ...DEFAULT_SETTINGS, ...(runtime.policy.digest ? { renewalsWithinDays: runtime.policy.digest.renewalsWithinDays } : {}), ...options.settings };
  const platform = sideView(new SharedReads(runtime.platform), runtime.policy.scope, runtime.platform);
  const input = await collectReportInput({
    policy: runtime.policy,
    calendar: runtime.calendar,
    platform,
    now: runtime.clock(),
    gitlabUrl: options.gitlabUrl,
    trendWeeks: settings.trendWeeks,
    renewalsWithinDays: settings.renewalsWithinDays,
    historyLimit: options.historyLimit ?? 2000,
  });
  const model = buildReportModel(runtime.policy, runtime.calendar, input, settings);
  const dir = path.resolve(options.out);
  await mkdir(dir, { recursive: true });
  const index = path.join(dir, "index.html");
  await Promise.all([
    writeFile(index, renderReportHtml(model)),
    writeFile(path.join(dir, STYLESHEET), REPORT_CSS),
    writeFile(path.join(dir, "report.json"), reportJson(model)),
  ]);
  return { dir, index, model, openIssues: input.open.length, apiRequests: runtime.platform.requestStats() };
}
