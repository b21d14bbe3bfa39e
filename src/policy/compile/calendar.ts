/** calendar.yml -> CalendarConfig, checking the zone, the holiday region and the dates. */
import Holidays from "date-holidays";
import type { CalendarConfig } from "../model/calendar.js";
import { WEEKDAYS } from "../schemas/calendar.js";
import type { CalendarFile } from "../schemas/calendar.js";
import type { PolicySource, ProblemSink } from "../source.js";
import { didYouMean } from "../suggest.js";
import { isTimeZone, knownTimeZones } from "./zones.js";

export function compileCalendar(source: PolicySource, data: CalendarFile, sink: ProblemSink): CalendarConfig {
  if (!isTimeZone(data.time_zone)) {
    sink.at(source, ["time_zone"], `unknown time zone '${data.time_zone}': expected an IANA zone such as America/New_York${didYouMean(data.time_zone, knownTimeZones())}`);
  }

  const days = new Set<string>();
  data.working_days.forEach((d, i) => {
    if (days.has(d)) sink.at(source, ["working_days", i], `'${d}' is listed twice`);
    days.add(d);
  });

  if (data.working_hours.start >= data.working_hours.end) {
    sink.at(source, ["working_hours", "end"], `working hours end (${data.working_hours.end}) must be later than their start (${data.working_hours.start})`);
  }

  const region = data.holidays.region;
  if (region) checkHolidayRegion(source, region, sink);

  const seenDates = new Set<string>();
  (data.holidays.dates ?? []).forEach((d, i) => {
    if (!isRealDate(d.date)) sink.at(source, ["holidays", "dates", i, "date"], `'${d.date}' is not a calendar date`);
    else if (seenDates.has(d.date)) sink.at(source, ["holidays", "dates", i, "date"], `${d.date} is listed twice`);
    seenDates.add(d.date);
  });

  return {
    timeZone: data.time_zone,
    workingDays: [...days].map((d) => WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number]) + 1).sort((a, b) => a - b),
    workingHours: { start: data.working_hours.start, end: data.working_hours.end },
    holidays: {
      region: region ? { country: region.country, ...(region.state ? { state: region.state } : {}), ...(region.region ? { region: region.region } : {}) } : null,
      types: data.holidays.types ?? ["public"],
      dates: (data.holidays.dates ?? []).map((d) => ({ date: d.date, name: d.name })),
    },
  };
}

function checkHolidayRegion(source: PolicySource, region: { country: string; state?: string; region?: string }, sink: ProblemSink): void {
  const hd = new Holidays();
  const countries = hd.getCountries() ?? {};
  if (!(region.country in countries)) {
    sink.at(source, ["holidays", "region", "country"], `unknown holiday country '${region.country}': expected a country code known to date-holidays, e.g. US, CA, GB${didYouMean(region.country, Object.keys(countries))}`);
    return;
  }
  if (region.state === undefined) return;
  const states = hd.getStates(region.country) ?? {};
  if (!(region.state in states)) {
    sink.at(source, ["holidays", "region", "state"], `unknown state '${region.state}' for ${region.country}${didYouMean(region.state, Object.keys(states))}`);
    return;
  }
  if (region.region === undefined) return;
  const regions = hd.getRegions(region.country, region.state) ?? {};
  if (!(region.region in regions)) {
    sink.at(source, ["holidays", "region", "region"], `unknown region '${region.region}' for ${region.country}-${region.state}${didYouMean(region.region, Object.keys(regions))}`);
  }
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}
