/**
 * Scheduled jobs: the same code runs from `mops-bot run <job>` (a CI schedule) and from the
 * in-process scheduler of `mops-bot serve`.
 */
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { BusinessCalendar } from "../domain/calendar.js";
import type { Platform } from "../engine/platform.js";
import type { RunReport } from "../engine/report.js";
import type { CompiledPolicy } from "../policy/model.js";

export interface JobDeps {
  policy: CompiledPolicy;
  calendar: BusinessCalendar;
  platform: Platform;
  clock: () => Date;
  logger: Logger;
  dryRun: boolean;
  /** Limit to these rule ids (or id prefixes). */
  only?: string[];
  /** Called as resources are processed, for a progress line on a TTY. */
  onProgress?: (done: number) => void;
  /** The configuration (the Slack webhook variables notifications.yml names); none when omitted. */
  config?: Pick<Config, "urlVariables">;
}

export interface Job {
  name: string;
  description: string;
  run(deps: JobDeps): Promise<RunReport>;
}
