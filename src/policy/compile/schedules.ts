/** schedules.yml -> ScheduleDef[]; the zone defaults to the calendar's. */
import cron from "node-cron";
import type { ScheduleDef } from "../model/schedules.js";
import type { SchedulesFile } from "../schemas/schedules.js";
import type { PolicySource, ProblemSink } from "../source.js";
import { didYouMean } from "../suggest.js";
import { isTimeZone, knownTimeZones } from "./zones.js";

export function compileSchedules(source: PolicySource, data: SchedulesFile, defaultZone: string, sink: ProblemSink, knownJobs?: readonly string[]): ScheduleDef[] {
  const seen = new Set<string>();
  return data.schedules.map((s, i) => {
    if (!cron.validate(s.cron)) {
      sink.at(source, ["schedules", i, "cron"], `invalid cron expression '${s.cron}': expected five fields "minute hour day-of-month month day-of-week", e.g. "0 2 * * 1-5"`);
    }
    if (s.time_zone !== undefined && !isTimeZone(s.time_zone)) {
      sink.at(source, ["schedules", i, "time_zone"], `unknown time zone '${s.time_zone}': expected an IANA zone such as America/New_York${didYouMean(s.time_zone, knownTimeZones())}`);
    }
    if (knownJobs && !knownJobs.includes(s.job)) {
      sink.at(source, ["schedules", i, "job"], `unknown job '${s.job}'${didYouMean(s.job, knownJobs) || ` — known jobs: ${knownJobs.join(", ")}`}`);
    }
    const key = `${s.job}@${s.cron}`;
    if (seen.has(key)) sink.at(source, ["schedules", i], `job '${s.job}' is already scheduled at '${s.cron}'`);
    seen.add(key);
    return { job: s.job, cron: s.cron, timeZone: s.time_zone ?? defaultZone, description: s.description };
  });
}
